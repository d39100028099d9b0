// IndexSettings: the index configuration and extractor programs an
// instance's indexers share, and the write permits they take.
// Thread safety: all members may be called from any thread.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "index/extractor_programs.h"
#include "index/index_config.h"
#include "index/message_text.h"

namespace spe::index {

// The index configuration and extractor programs shared by an instance's
// indexers.
class IndexSettings {
 public:
  explicit IndexSettings(std::string temp_directory, ExtractorLimits limits = {});
  IndexConfig config() const;
  void setConfig(IndexConfig config);
  // Extraction options for the current configuration.
  ExtractOptions extractOptions() const;

  // Held while an indexer changes files: the instance's write gate. The
  // function waits a little while the instance is frozen for a backup and
  // gives nothing when it still is (the indexer tries again later, so it
  // stays stoppable). Without one, writes always go ahead.
  using WritePermit = std::shared_ptr<void>;
  void setWritePermits(std::function<std::optional<WritePermit>()> acquire);
  std::optional<WritePermit> writePermit() const;

 private:
  std::function<std::optional<WritePermit>()> acquire_;
  mutable std::mutex mutex_;
  IndexConfig config_;
  ExtractorPrograms programs_;
};

}  // namespace spe::index
