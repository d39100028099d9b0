// Facts about this machine for GetEnvironmentInfo / GetServiceStatus:
// {processors:[model per logical CPU], totalPhysicalMemory (bytes), operatingSystem}.
#pragma once

#include "common/base/json_reader.h"

namespace spe {
Json systemProperties();
constexpr const char* kProductVersion = "26.1.0.1";
}  // namespace spe
