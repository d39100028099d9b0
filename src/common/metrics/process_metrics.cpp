#include "common/metrics/process_metrics.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace spe::metrics {
namespace {

std::optional<std::string> readFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::uint64_t bootTime(const std::string& proc) {
  auto stat = readFile(proc + "/stat");
  if (!stat) return 0;
  std::istringstream in(*stat);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("btime ", 0) == 0) return std::strtoull(line.c_str() + 6, nullptr, 10);
  }
  return 0;
}

std::optional<std::uint64_t> ioField(const std::string& text, const std::string& key) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key + ": ", 0) == 0) return std::strtoull(line.c_str() + key.size() + 2, nullptr, 10);
  }
  return std::nullopt;
}

std::optional<std::uint64_t> softFdLimit(const std::string& limits) {
  std::istringstream in(limits);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("Max open files", 0) != 0) continue;
    std::istringstream fields(line.substr(14));
    std::string soft;
    fields >> soft;
    if (soft == "unlimited") return std::nullopt;
    return std::strtoull(soft.c_str(), nullptr, 10);
  }
  return std::nullopt;
}

class SelfCollector : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override {
    std::vector<prometheus::MetricFamily> out;
    if (auto facts = readProcessFacts(::getpid())) appendProcessFamilies(out, "process_", *facts, {});
    return out;
  }
};

prometheus::MetricFamily& familyIn(std::vector<prometheus::MetricFamily>& out, const std::string& name,
                                   const std::string& help, prometheus::MetricType type) {
  auto it = std::find_if(out.begin(), out.end(), [&](const auto& f) { return f.name == name; });
  if (it != out.end()) return *it;
  out.push_back(family(name, help, type));
  return out.back();
}

}  // namespace

std::optional<ProcessFacts> parseProcStat(const std::string& text, long ticks, long page_size,
                                          std::uint64_t boot_time) {
  // "pid (comm) state ppid ..."; comm may hold spaces and parentheses: the
  // fields start after the last ')'.
  const auto close = text.rfind(')');
  if (close == std::string::npos || ticks <= 0 || page_size <= 0) return std::nullopt;
  std::istringstream in(text.substr(close + 1));
  std::vector<std::string> f;
  for (std::string w; in >> w;) f.push_back(w);
  // f[0] is field 3 (state): field n is f[n - 3].
  if (f.size() < 22) return std::nullopt;
  auto num = [&](int field) -> std::optional<std::uint64_t> {
    std::uint64_t v = 0;
    const std::string& s = f[static_cast<std::size_t>(field - 3)];
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    return v;
  };
  auto utime = num(14), stime = num(15), threads = num(20), start = num(22), vsize = num(23), rss = num(24);
  if (!utime || !stime || !threads || !start || !vsize || !rss) return std::nullopt;
  ProcessFacts p;
  p.cpu_seconds = static_cast<double>(*utime + *stime) / static_cast<double>(ticks);
  p.start_time_seconds = static_cast<double>(boot_time) + static_cast<double>(*start) / static_cast<double>(ticks);
  p.threads = *threads;
  p.virtual_bytes = *vsize;
  p.resident_bytes = *rss * static_cast<std::uint64_t>(page_size);
  return p;
}

std::optional<ProcessFacts> readProcessFacts(pid_t pid, const std::string& proc) {
  const std::string dir = proc + "/" + std::to_string(pid);
  auto stat = readFile(dir + "/stat");
  if (!stat) return std::nullopt;
  auto facts = parseProcStat(*stat, ::sysconf(_SC_CLK_TCK), ::sysconf(_SC_PAGESIZE), bootTime(proc));
  if (!facts) return std::nullopt;
  std::error_code ec;
  std::uint64_t fds = 0;
  for (auto it = std::filesystem::directory_iterator(dir + "/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++fds;
  }
  if (!ec) facts->open_fds = fds;
  if (auto limits = readFile(dir + "/limits")) facts->max_fds = softFdLimit(*limits);
  if (auto io = readFile(dir + "/io")) {
    facts->read_bytes = ioField(*io, "read_bytes");
    facts->written_bytes = ioField(*io, "write_bytes");
  }
  return facts;
}

std::shared_ptr<prometheus::Collectable> selfProcessCollector() { return std::make_shared<SelfCollector>(); }

void appendProcessFamilies(std::vector<prometheus::MetricFamily>& out, const std::string& prefix,
                           const ProcessFacts& facts, const Labels& labels) {
  using prometheus::MetricType;
  auto add = [&](const std::string& name, const std::string& help, MetricType type, double value) {
    familyIn(out, prefix + name, help, type).metric.push_back(sample(value, labels, type));
  };
  add("cpu_seconds_total", "User and system CPU time spent, in seconds.", MetricType::Counter, facts.cpu_seconds);
  add("resident_memory_bytes", "Resident memory size in bytes.", MetricType::Gauge,
      static_cast<double>(facts.resident_bytes));
  add("virtual_memory_bytes", "Virtual memory size in bytes.", MetricType::Gauge,
      static_cast<double>(facts.virtual_bytes));
  add("start_time_seconds", "Start time of the process since the Unix epoch, in seconds.", MetricType::Gauge,
      facts.start_time_seconds);
  add("threads", "Number of threads.", MetricType::Gauge, static_cast<double>(facts.threads));
  if (facts.open_fds) {
    add("open_fds", "Number of open file descriptors.", MetricType::Gauge, static_cast<double>(*facts.open_fds));
  }
  if (facts.max_fds) {
    add("max_fds", "Maximum number of open file descriptors.", MetricType::Gauge, static_cast<double>(*facts.max_fds));
  }
  if (facts.read_bytes) {
    add("read_bytes_total", "Bytes read from storage.", MetricType::Counter, static_cast<double>(*facts.read_bytes));
  }
  if (facts.written_bytes) {
    add("written_bytes_total", "Bytes written to storage.", MetricType::Counter,
        static_cast<double>(*facts.written_bytes));
  }
}

}  // namespace spe::metrics
