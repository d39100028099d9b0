// Free and total space of the file systems holding a role's data
// directories (statvfs), as spe_filesystem_avail_bytes and
// spe_filesystem_size_bytes with a `directory` label naming what the
// directory is for ("data", "instances", ...; never a path a user chose, so
// the label set stays small) and a `path` label with the directory itself.
// The list is read at each collection through `directories`, so a host's
// instance directories may come and go.
// Thread safety: Collect() may run on any thread; `directories` must be safe to call from it.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/metrics/metrics.h"

namespace spe::metrics {

struct WatchedDirectory {
  std::string role;  // the `directory` label
  std::string path;
};

std::shared_ptr<prometheus::Collectable> filesystemCollector(
    std::function<std::vector<WatchedDirectory>()> directories);

}  // namespace spe::metrics
