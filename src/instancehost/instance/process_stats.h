// Live statistics of this process from /proc/self: CPU time, I/O bytes,
// private memory. Thread safety: stateless.
#pragma once

#include <cstdint>

namespace spe::instance {

struct ProcessStats {
  std::int64_t cpu_milliseconds = 0;
  std::int64_t io_read_bytes = 0;         // rchar: all bytes read (files, sockets, pipes)
  std::int64_t io_write_bytes = 0;        // wchar
  std::int64_t io_other_bytes = 0;        // bytes read from / written to storage (read_bytes + write_bytes)
  std::int64_t private_memory_bytes = 0;  // RssAnon + RssShmem... private resident memory
  std::int64_t resident_bytes = 0;
};

ProcessStats readProcessStats();

}  // namespace spe::instance
