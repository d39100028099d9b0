#include "instancehost/instance/process_stats.h"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace spe::instance {
namespace {

std::int64_t field(const std::string& path, const std::string& name) {
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(name, 0) == 0) return std::stoll(line.substr(name.size()));
  }
  return 0;
}

}  // namespace

ProcessStats readProcessStats() {
  ProcessStats s;
  std::ifstream stat("/proc/self/stat");
  std::string content((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const auto close = content.rfind(')');
  if (close != std::string::npos) {
    std::istringstream rest(content.substr(close + 2));
    std::string tok;
    long long utime = 0, stime = 0;
    // Fields after the command: state(3) ... utime(14) stime(15).
    for (int i = 3; i <= 15 && rest >> tok; ++i) {
      if (i == 14) utime = std::stoll(tok);
      if (i == 15) stime = std::stoll(tok);
    }
    const long ticks = sysconf(_SC_CLK_TCK);
    s.cpu_milliseconds = (utime + stime) * 1000 / (ticks > 0 ? ticks : 100);
  }
  s.io_read_bytes = field("/proc/self/io", "rchar:");
  s.io_write_bytes = field("/proc/self/io", "wchar:");
  s.io_other_bytes = field("/proc/self/io", "read_bytes:") + field("/proc/self/io", "write_bytes:");
  s.private_memory_bytes = field("/proc/self/status", "RssAnon:") * 1024;
  s.resident_bytes = field("/proc/self/status", "VmRSS:") * 1024;
  return s;
}

}  // namespace spe::instance
