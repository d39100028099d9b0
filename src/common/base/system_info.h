// Facts about this machine for GetEnvironmentInfo / GetServiceStatus:
// {processors:[model per logical CPU], totalPhysicalMemory (bytes), operatingSystem}.
#pragma once

#include "common/base/json_reader.h"

namespace spe {
Json systemProperties();
// The product version ("26.1.0.1"): project(spe VERSION ...) in the top
// CMakeLists.txt. GetEnvironmentInfo, role heartbeats and pings report it;
// spe-cli sends it in its User-Agent.
extern const char* const kProductVersion;
}  // namespace spe
