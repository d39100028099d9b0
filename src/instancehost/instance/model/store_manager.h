// StoreManager: the instance's archive stores (STORES in the master
// database) and their states.
//
// Requested states: current (exactly one: new mail goes there), normal,
// writeProtected (loaded, read-only), disabled (known, not loaded). A store
// that fails to open is in error: its `error` says why, the rest of the
// instance keeps running, RetryOpenStores tries again. Stores are shared
// pointers: a store disabled while an import still holds it closes when
// the import lets go.
// Thread safety: safe from any thread.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/base/json_reader.h"
#include "index/store_indexer.h"
#include "instancehost/instance/model/master_db.h"
#include "store/archive_store.h"

namespace spe::instance {

struct AutoCreateConfig {
  std::optional<std::int64_t> size_threshold_mb;  // none = automatic
  std::string base_directory;                     // empty = <instance base>/Data
  Json toJson() const;
};

class StoreManager {
 public:
  StoreManager(InstanceMasterDb& db, std::string base_directory, store::InstanceKeys keys,
               store::StoreOptions options = {});
  ~StoreManager();

  // Opens every store that is not disabled; creates DefaultFileGroup
  // (current) when the instance has no store yet. First, when the instance
  // was moved to another directory (its last one is kept in SETTINGS
  // 'BaseDirectory'), the stores below the old one are looked for at the
  // same place below the new one (docs/multi-server.md); stores elsewhere
  // keep their paths.
  Status openAll();
  void closeAll();

  Result<Json> list(bool include_size);
  // The store new mail goes to; an error when there is none usable.
  Result<std::shared_ptr<store::ArchiveStore>> current();
  std::int64_t currentId();
  // Every loaded store (current, normal, write-protected) with its id.
  std::vector<std::pair<std::int64_t, std::shared_ptr<store::ArchiveStore>>> loaded();
  Result<std::shared_ptr<store::ArchiveStore>> loadedStore(std::int64_t id);

  // Full-text indexing: with settings, every loaded store gets an indexer
  // (started at once); without, stores are not indexed (tools, tests).
  void setIndexSettings(std::shared_ptr<index::IndexSettings> settings);
  std::vector<std::pair<std::int64_t, std::shared_ptr<index::StoreIndexer>>> indexers();
  Result<std::shared_ptr<index::StoreIndexer>> indexerOf(std::int64_t id);
  // [{id, name, broken, error}] of the stores whose indexes are broken or
  // selected for a rebuild (GetServiceStatus).
  Json storesNeedingIndexRebuild();

  Result<std::int64_t> create(const std::string& name, const std::string& path, const std::string& state);
  Result<std::int64_t> attach(const std::string& name, const std::string& path, const std::string& state);
  Status detach(std::int64_t id);
  Status rename(std::int64_t id, const std::string& name);
  Status setPath(std::int64_t id, const std::string& path);
  Status setRequestedState(std::int64_t id, const std::string& state);
  // Tries again to open stores in error; returns how many are still in error.
  Result<int> retryOpen();
  Status unlock(std::int64_t id, const std::string& passphrase);
  Status recover(std::int64_t id, const std::optional<std::string>& key, bool recover_deleted,
                 const store::OperationControl& control);
  Status refreshStatistics(const store::OperationControl& control);
  // Keeps the counts GetStores shows (after imports and at shutdown).
  Status saveStatistics();

  Result<AutoCreateConfig> autoCreateConfig();
  Status setAutoCreateConfig(const Json& config);
  // Creates a new current store when the current one passed the threshold.
  Status autoCreateIfFull();

  // "~/x" = relative to the instance's base directory; otherwise absolute.
  Result<std::string> resolvePath(const std::string& path, const std::string& argument) const;
  static Status checkState(const std::string& state, const std::string& argument);
  Result<std::string> directoryOf(std::int64_t id);

 private:
  struct Entry {
    std::int64_t id = 0;
    std::string name;
    std::string requested_state;
    std::string path;
    std::shared_ptr<store::ArchiveStore> store;
    std::shared_ptr<index::StoreIndexer> indexer;
    std::string error;
    // Exact at the last count; what the open store added since comes on top.
    std::int64_t statistics_count = 0;
    std::int64_t statistics_size = 0;
    store::StoreStatistics counted_changes;  // the store's changes at that count
    std::int64_t shownCount() const;
    std::int64_t shownSize() const;
  };
  Status load(Entry& e);
  // Stops the indexer and closes the store.
  static void unload(Entry& e);
  Entry* find(std::int64_t id);
  Result<Entry*> require(std::int64_t id);
  // The open stores or indexers (`part`: &Entry::store or &Entry::indexer)
  // by store id; one of them, or why it is not open.
  template <typename T>
  std::vector<std::pair<std::int64_t, std::shared_ptr<T>>> openParts(std::shared_ptr<T> Entry::*part);
  template <typename T>
  Result<std::shared_ptr<T>> openPart(std::int64_t id, std::shared_ptr<T> Entry::*part);
  Status persist(const Entry& e);
  Status makeCurrent(std::int64_t id);
  Result<std::int64_t> add(const std::string& name, const std::string& path, const std::string& state, bool create);
  // add() after checking the state and resolving the path (CreateStore, AttachStore).
  Result<std::int64_t> addChecked(const std::string& name, const std::string& path, const std::string& state,
                                  bool create);

  InstanceMasterDb& db_;
  std::string base_;
  store::InstanceKeys keys_;
  store::StoreOptions options_;
  std::shared_ptr<index::IndexSettings> index_settings_;
  std::recursive_mutex mutex_;
  std::vector<Entry> entries_;
};

}  // namespace spe::instance
