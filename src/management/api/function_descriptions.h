// One line on what each Management API function does, in our words: get-metadata
// carries it as "description" (beside the product's name and args, which
// clients that do not know it ignore), so spe-cli -c Fn --help and the
// console's Developer page explain a function. A function registered
// without a line here fails the integration test that lists every registered function
// (api_server_test):
// a new function brings its line in the same change.
#pragma once

#include <string_view>

namespace spe::management {

// The line for `function`, or empty when there is none.
std::string_view functionDescription(std::string_view function);

// The table is sorted by name without repeats (for its test).
bool functionDescriptionsSorted();

}  // namespace spe::management
