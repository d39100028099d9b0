// The names of every function of the product's Management API (SPE 25.x,
// PRODUCT-SPEC §1.9). Those not registered answer "not supported".
#pragma once

#include <string>

namespace spe::management {
bool isProductFunction(const std::string& name);
}
