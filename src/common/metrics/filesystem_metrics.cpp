#include "common/metrics/filesystem_metrics.h"

#include <sys/statvfs.h>

namespace spe::metrics {
namespace {

class FilesystemCollector : public prometheus::Collectable {
 public:
  explicit FilesystemCollector(std::function<std::vector<WatchedDirectory>()> directories)
      : directories_(std::move(directories)) {}

  std::vector<prometheus::MetricFamily> Collect() const override {
    auto avail = family("spe_filesystem_avail_bytes",
                        "Bytes available to unprivileged users on the file system of a data directory.",
                        prometheus::MetricType::Gauge);
    auto size = family("spe_filesystem_size_bytes", "Size in bytes of the file system of a data directory.",
                       prometheus::MetricType::Gauge);
    auto files = family("spe_filesystem_files_free", "Free inodes on the file system of a data directory.",
                        prometheus::MetricType::Gauge);
    for (const auto& d : directories_()) {
      struct statvfs s {};
      if (::statvfs(d.path.c_str(), &s) != 0) continue;
      const Labels labels{{"directory", d.role}, {"path", d.path}};
      const double block = static_cast<double>(s.f_frsize);
      avail.metric.push_back(sample(static_cast<double>(s.f_bavail) * block, labels));
      size.metric.push_back(sample(static_cast<double>(s.f_blocks) * block, labels));
      files.metric.push_back(sample(static_cast<double>(s.f_favail), labels));
    }
    return {std::move(avail), std::move(size), std::move(files)};
  }

 private:
  std::function<std::vector<WatchedDirectory>()> directories_;
};

}  // namespace

std::shared_ptr<prometheus::Collectable> filesystemCollector(
    std::function<std::vector<WatchedDirectory>()> directories) {
  return std::make_shared<FilesystemCollector>(std::move(directories));
}

}  // namespace spe::metrics
