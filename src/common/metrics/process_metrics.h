// What Linux says about a process (/proc/<pid>): CPU time, memory, threads,
// descriptors, start time, bytes read and written. The role daemons serve
// their own as Prometheus's standard process_* series; an Instance Host
// serves its instances' as spe_instance_process_* with an `instance` label.
// Thread safety: free functions without shared state.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/metrics/metrics.h"

namespace spe::metrics {

struct ProcessFacts {
  double cpu_seconds = 0;         // user + system
  double start_time_seconds = 0;  // since the Unix epoch
  std::uint64_t resident_bytes = 0;
  std::uint64_t virtual_bytes = 0;
  std::uint64_t threads = 0;
  std::optional<std::uint64_t> open_fds;    // absent when /proc/<pid>/fd cannot be read
  std::optional<std::uint64_t> max_fds;     // the soft limit
  std::optional<std::uint64_t> read_bytes;  // from storage (/proc/<pid>/io)
  std::optional<std::uint64_t> written_bytes;
};

// Reads /proc/<pid>; nullopt when the process is gone or unreadable.
// `proc` is the proc file system's root (tests give a folder of their own).
std::optional<ProcessFacts> readProcessFacts(pid_t pid, const std::string& proc = "/proc");

// Parses the text of /proc/<pid>/stat; nullopt when it is not one.
// `ticks` and `page_size` are the system's; `boot_time` is /proc/stat's btime.
std::optional<ProcessFacts> parseProcStat(const std::string& text, long ticks, long page_size, std::uint64_t boot_time);

// Prometheus's standard process_* families of this process.
std::shared_ptr<prometheus::Collectable> selfProcessCollector();

// Appends `facts` of one process to the families in `out` (made when absent)
// named `prefix` + cpu_seconds_total, resident_memory_bytes, ... with `labels`.
void appendProcessFamilies(std::vector<prometheus::MetricFamily>& out, const std::string& prefix,
                           const ProcessFacts& facts, const Labels& labels);

}  // namespace spe::metrics
