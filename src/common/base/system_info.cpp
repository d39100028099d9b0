#include "common/base/system_info.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>
#include <string>

#ifndef SPE_VERSION
#error "SPE_VERSION is set by src/common/base/CMakeLists.txt from the project version"
#endif

namespace spe {

const char* const kProductVersion = SPE_VERSION;

Json systemProperties() {
  Json processors = Json::array();
  std::ifstream cpu("/proc/cpuinfo");
  for (std::string line; std::getline(cpu, line);) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      processors.push_back(colon == std::string::npos ? line : line.substr(colon + 2));
    }
  }
  if (processors.empty()) {
    for (long i = 0; i < sysconf(_SC_NPROCESSORS_ONLN); ++i) processors.push_back("unknown processor");
  }
  const auto memory = static_cast<std::int64_t>(sysconf(_SC_PHYS_PAGES)) * sysconf(_SC_PAGE_SIZE);
  std::string os = "Linux";
  std::ifstream rel("/etc/os-release");
  for (std::string line; std::getline(rel, line);) {
    if (line.rfind("PRETTY_NAME=", 0) == 0) {
      os = line.substr(12);
      if (os.size() >= 2 && os.front() == '"') os = os.substr(1, os.size() - 2);
    }
  }
  struct utsname u {};
  if (uname(&u) == 0) os += std::string(" (") + u.sysname + " " + u.release + " " + u.machine + ")";
  return Json{{"processors", processors}, {"totalPhysicalMemory", memory}, {"operatingSystem", os}};
}

}  // namespace spe
