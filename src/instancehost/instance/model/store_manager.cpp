#include "instancehost/instance/model/store_manager.h"

#include <ctime>
#include <filesystem>

#include "common/base/logging.h"
#include "instancehost/instance/model/moved_base.h"
#include "instancehost/instance/model/path_roots.h"

namespace spe::instance {
namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kAutomaticThresholdMb = 100 * 1024;  // "automatic": a new store every 100 GB

std::string stampName() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d-%H%M%S", &tm);
  return buf;
}

}  // namespace

Json AutoCreateConfig::toJson() const {
  return Json{{"sizeThreshold", size_threshold_mb ? Json(std::to_string(*size_threshold_mb)) : Json()},
              {"baseDirectory", base_directory},
              {"contentBaseDirectory", base_directory},
              {"indexBaseDirectory", base_directory}};
}

StoreManager::StoreManager(InstanceMasterDb& db, std::string base_directory, store::InstanceKeys keys,
                           store::StoreOptions options)
    : db_(db), base_(std::move(base_directory)), keys_(keys), options_(options) {}

StoreManager::~StoreManager() { closeAll(); }

std::int64_t StoreManager::Entry::shownCount() const {
  return statistics_count + (store ? store->changesSinceOpen().messages - counted_changes.messages : 0);
}

std::int64_t StoreManager::Entry::shownSize() const {
  return statistics_size + (store ? store->changesSinceOpen().raw_bytes - counted_changes.raw_bytes : 0);
}

Status StoreManager::saveStatistics() {
  std::lock_guard lock(mutex_);
  for (auto& e : entries_) {
    if (!e.store) continue;
    e.statistics_count = e.shownCount();
    e.statistics_size = e.shownSize();
    e.counted_changes = e.store->changesSinceOpen();
    SPE_TRY(persist(e));
  }
  return okStatus();
}

void StoreManager::closeAll() {
  (void)saveStatistics();
  std::lock_guard lock(mutex_);
  for (auto& e : entries_) {
    if (e.store) e.store->flush();
    unload(e);
  }
}

void StoreManager::unload(Entry& e) {
  if (e.indexer) e.indexer->stop();
  e.indexer.reset();
  e.store.reset();
}

void StoreManager::setIndexSettings(std::shared_ptr<index::IndexSettings> settings) {
  std::lock_guard lock(mutex_);
  index_settings_ = std::move(settings);
}

template <typename T>
std::vector<std::pair<std::int64_t, std::shared_ptr<T>>> StoreManager::openParts(std::shared_ptr<T> Entry::*part) {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<std::int64_t, std::shared_ptr<T>>> out;
  for (auto& e : entries_) {
    if (e.*part) out.emplace_back(e.id, e.*part);
  }
  return out;
}

template <typename T>
Result<std::shared_ptr<T>> StoreManager::openPart(std::int64_t id, std::shared_ptr<T> Entry::*part) {
  std::lock_guard lock(mutex_);
  auto e = require(id);
  if (!e) return e.error();
  if (!((**e).*part)) {
    return makeError(ErrorCode::kUnavailable, "The archive store '" + (*e)->name + "' is " +
                                                  ((*e)->error.empty() ? "disabled." : "in error: " + (*e)->error));
  }
  return (**e).*part;
}

std::vector<std::pair<std::int64_t, std::shared_ptr<index::StoreIndexer>>> StoreManager::indexers() {
  return openParts(&Entry::indexer);
}

Result<std::shared_ptr<index::StoreIndexer>> StoreManager::indexerOf(std::int64_t id) {
  return openPart(id, &Entry::indexer);
}

Json StoreManager::storesNeedingIndexRebuild() {
  Json out = Json::array();
  for (const auto& [id, indexer] : indexers()) {
    const auto state = indexer->state();
    if (!state.needs_rebuild) continue;
    std::string name;
    {
      std::lock_guard lock(mutex_);
      if (Entry* e = find(id)) name = e->name;
    }
    out.push_back({{"id", id}, {"name", name}, {"broken", state.broken}, {"error", state.error}});
  }
  return out;
}

Status StoreManager::checkState(const std::string& state, const std::string& argument) {
  if (state == "current" || state == "normal" || state == "writeProtected" || state == "disabled") return okStatus();
  return makeError(ErrorCode::kInvalidArgument,
                   "'" + argument + "' must be current, normal, writeProtected or disabled (not '" + state + "').");
}

Result<std::string> StoreManager::resolvePath(const std::string& path, const std::string& argument) const {
  std::string p = path;
  if (p.empty()) return makeError(ErrorCode::kInvalidArgument, "'" + argument + "' is empty.");
  if (p[0] == '~') {
    p = base_ + "/" + p.substr(p.size() > 1 && (p[1] == '/' || p[1] == '\\') ? 2 : 1);
  } else if (p[0] != '/') {
    return makeError(ErrorCode::kInvalidArgument,
                     "'" + argument + "' must be an absolute path or start with '~' (the instance's base directory).");
  }
  for (char c : p) {
    if (static_cast<unsigned char>(c) < 32) {
      return makeError(ErrorCode::kInvalidArgument, "'" + argument + "' contains a control character.");
    }
  }
  std::string norm = fs::path(p).lexically_normal().string();
  while (norm.size() > 1 && norm.back() == '/') norm.pop_back();
  // Only inside the roots the Instance Host allows (checked again at every open).
  SPE_TRY(confinePath(norm, argument));
  return norm;
}

StoreManager::Entry* StoreManager::find(std::int64_t id) {
  for (auto& e : entries_) {
    if (e.id == id) return &e;
  }
  return nullptr;
}

Result<StoreManager::Entry*> StoreManager::require(std::int64_t id) {
  Entry* e = find(id);
  if (!e) return makeError(ErrorCode::kNotFound, "There is no archive store with the id " + std::to_string(id) + ".");
  return e;
}

Status StoreManager::load(Entry& e) {
  if (e.store) {  // keep what the closing store added
    e.statistics_count = e.shownCount();
    e.statistics_size = e.shownSize();
  }
  e.counted_changes = {};
  unload(e);
  e.error.clear();
  if (e.requested_state == "disabled") return okStatus();
  if (auto inside = confinePath(e.path, "databasePath"); !inside) {
    e.error = inside.error().message;
    logger("stores")->error("archive store {} '{}' ({}): {}", e.id, e.name, e.path, e.error);
    return inside.error();
  }
  auto s = store::ArchiveStore::open(e.path, keys_, e.requested_state == "writeProtected", options_);
  if (!s) {
    e.error = s.error().message;
    logger("stores")->error("archive store {} '{}' ({}): {}", e.id, e.name, e.path, e.error);
    return s.error();
  }
  e.store = std::move(*s);
  if (index_settings_) {
    e.indexer = std::make_shared<index::StoreIndexer>(e.store, index_settings_);
    e.indexer->start();
  }
  return okStatus();
}

Status StoreManager::persist(const Entry& e) {
  return db_.db().exec(
      "UPDATE OR INSERT INTO STORES (ID, NAME, REQUESTED_STATE, DATABASE_PATH, STATISTICS_COUNT, STATISTICS_SIZE) "
      "VALUES (?, ?, ?, ?, ?, ?) MATCHING (ID)",
      {e.id, e.name, e.requested_state, e.path, e.statistics_count, e.statistics_size});
}

Status StoreManager::openAll() {
  std::lock_guard lock(mutex_);
  SPE_TRY(followMovedBase(db_, base_));
  auto rows = db_.db().query(
      "SELECT ID, NAME, REQUESTED_STATE, DATABASE_PATH, STATISTICS_COUNT, STATISTICS_SIZE FROM STORES ORDER BY ID");
  if (!rows) return rows.error();
  for (const auto& r : *rows) {
    Entry e{dbInt(r[0]), dbStr(r[1]), dbStr(r[2]), dbStr(r[3]), nullptr, nullptr, {}, dbInt(r[4]), dbInt(r[5]), {}};
    (void)load(e);  // an error leaves this store in error; the instance runs
    entries_.push_back(std::move(e));
  }
  if (entries_.empty()) {
    auto id = add("DefaultFileGroup", base_ + "/Data/DefaultFileGroup", "current", true);
    if (!id) return id.error();
  }
  return okStatus();
}

Result<Json> StoreManager::list(bool include_size) {
  std::lock_guard lock(mutex_);
  Json out = Json::array();
  for (auto& e : entries_) {
    if (include_size && e.store) {
      const auto changes = e.store->changesSinceOpen();
      if (auto st = e.store->statistics(); st) {
        e.statistics_count = st->messages;
        e.statistics_size = st->raw_bytes;
        e.counted_changes = changes;
      }
    }
    const bool needs_upgrade = e.store && e.store->needsUpgrade();
    out.push_back({{"id", e.id},
                   {"name", e.name},
                   {"requestedState", e.requested_state},
                   {"error", e.error.empty() ? Json() : Json(e.error)},
                   {"statisticsCount", e.shownCount()},
                   {"statisticsSize", e.shownSize()},
                   {"needsUpgrade", needs_upgrade},
                   {"searchIndexesNeedRebuild", e.indexer && e.indexer->state().needs_rebuild},
                   {"databasePath", e.path},
                   {"contentPath", e.path + "/Content"},
                   {"indexPath", e.path + "/Index"}});
  }
  return out;
}

Result<std::shared_ptr<store::ArchiveStore>> StoreManager::current() {
  std::lock_guard lock(mutex_);
  for (auto& e : entries_) {
    if (e.requested_state != "current") continue;
    if (!e.store) {
      return makeError(ErrorCode::kUnavailable,
                       "The current archive store '" + e.name + "' is not available: " + e.error);
    }
    return e.store;
  }
  return makeError(ErrorCode::kUnavailable, "The instance has no current archive store.");
}

std::int64_t StoreManager::currentId() {
  std::lock_guard lock(mutex_);
  for (auto& e : entries_) {
    if (e.requested_state == "current") return e.id;
  }
  return 0;
}

std::vector<std::pair<std::int64_t, std::shared_ptr<store::ArchiveStore>>> StoreManager::loaded() {
  return openParts(&Entry::store);
}

Result<std::shared_ptr<store::ArchiveStore>> StoreManager::loadedStore(std::int64_t id) {
  return openPart(id, &Entry::store);
}

Result<std::string> StoreManager::directoryOf(std::int64_t id) {
  std::lock_guard lock(mutex_);
  auto e = require(id);
  if (!e) return e.error();
  return (*e)->path;
}

Result<std::int64_t> StoreManager::add(const std::string& name, const std::string& path, const std::string& state,
                                       bool create) {
  if (name.empty() || name.size() > 255) {
    return makeError(ErrorCode::kInvalidArgument, "'name' must have 1 to 255 characters.");
  }
  for (const auto& e : entries_) {
    if (e.path == path) {
      return makeError(ErrorCode::kAlreadyExists, "The archive store '" + e.name + "' already uses '" + path + "'.");
    }
  }
  Entry e;
  e.name = name;
  e.path = path;
  e.requested_state = state == "current" ? "normal" : state;
  if (create) {
    auto s = store::ArchiveStore::create(path, keys_, options_);
    if (!s) return s.error();
    (*s)->close();
  } else if (!fs::exists(fs::path(path) / "MailStoreFileGroup.fdb")) {
    return makeError(ErrorCode::kNotFound,
                     "'" + path + "' does not contain an archive store (MailStoreFileGroup.fdb).");
  }
  std::int64_t id = 1;
  for (const auto& x : entries_) id = std::max(id, x.id + 1);
  auto rows = db_.db().query("SELECT MAX(ID) FROM STORES");
  if (!rows) return rows.error();
  id = std::max(id, dbInt((*rows)[0][0]) + 1);
  // Ids are never reused within an instance: the highest ever issued is kept
  // in the master DB, so a detached store's id stays taken (also after a restart).
  auto last = db_.setting("lastStoreId", Json(0));
  if (!last) return last.error();
  if (last->is_number_integer()) id = std::max(id, last->get<std::int64_t>() + 1);
  SPE_TRY(db_.setSetting("lastStoreId", Json(id)));
  e.id = id;
  Status opened = load(e);
  if (!opened && !create) {
    // Attaching refuses a store that does not open (the reason is the answer).
    return opened.error();
  }
  SPE_TRY(persist(e));
  entries_.push_back(std::move(e));
  if (state == "current") SPE_TRY(makeCurrent(id));
  return id;
}

Result<std::int64_t> StoreManager::create(const std::string& name, const std::string& path, const std::string& state) {
  return addChecked(name, path, state, true);
}

Result<std::int64_t> StoreManager::attach(const std::string& name, const std::string& path, const std::string& state) {
  return addChecked(name, path, state, false);
}

Result<std::int64_t> StoreManager::addChecked(const std::string& name, const std::string& path,
                                              const std::string& state, bool create) {
  SPE_TRY(checkState(state, "requestedState"));
  auto resolved = resolvePath(path, "databasePath");
  if (!resolved) return resolved.error();
  std::lock_guard lock(mutex_);
  return add(name, *resolved, state, create);
}

Status StoreManager::makeCurrent(std::int64_t id) {
  auto target = require(id);
  if (!target) return target.error();
  if (!(*target)->store || (*target)->store->writeProtected()) {
    return makeError(ErrorCode::kInvalidArgument,
                     "The archive store '" + (*target)->name + "' cannot become current: " +
                         ((*target)->error.empty() ? "it is not open for writing." : (*target)->error));
  }
  for (auto& e : entries_) {
    if (e.id != id && e.requested_state == "current") {
      e.requested_state = "normal";
      SPE_TRY(persist(e));
    }
  }
  (*target)->requested_state = "current";
  return persist(**target);
}

Status StoreManager::detach(std::int64_t id) {
  std::lock_guard lock(mutex_);
  auto e = require(id);
  if (!e) return e.error();
  if ((*e)->requested_state == "current") {
    return makeError(ErrorCode::kInvalidArgument,
                     "The archive store '" + (*e)->name + "' is the current store; make another store current first.");
  }
  if ((*e)->store) (*e)->store->flush();
  unload(**e);
  SPE_TRY(db_.db().exec("DELETE FROM STORES WHERE ID = ?", {id}));
  entries_.erase(entries_.begin() + (*e - entries_.data()));
  return okStatus();
}

Status StoreManager::rename(std::int64_t id, const std::string& name) {
  if (name.empty() || name.size() > 255) {
    return makeError(ErrorCode::kInvalidArgument, "'name' must have 1 to 255 characters.");
  }
  std::lock_guard lock(mutex_);
  auto e = require(id);
  if (!e) return e.error();
  (*e)->name = name;
  return persist(**e);
}

Status StoreManager::setPath(std::int64_t id, const std::string& path) {
  auto resolved = resolvePath(path, "databasePath");
  if (!resolved) return resolved.error();
  std::lock_guard lock(mutex_);
  auto e = require(id);
  if (!e) return e.error();
  if ((*e)->requested_state != "disabled") {
    return makeError(ErrorCode::kInvalidArgument,
                     "The archive store '" + (*e)->name + "' must be disabled before its path can be changed.");
  }
  for (const auto& x : entries_) {
    if (x.id != id && x.path == *resolved) {
      return makeError(ErrorCode::kAlreadyExists,
                       "The archive store '" + x.name + "' already uses '" + *resolved + "'.");
    }
  }
  (*e)->path = *resolved;
  (*e)->error.clear();
  return persist(**e);
}

Status StoreManager::setRequestedState(std::int64_t id, const std::string& state) {
  SPE_TRY(checkState(state, "requestedState"));
  std::lock_guard lock(mutex_);
  auto e = require(id);
  if (!e) return e.error();
  Entry& entry = **e;
  if (entry.requested_state == state) return okStatus();
  if (entry.requested_state == "current") {
    return makeError(ErrorCode::kInvalidArgument,
                     "The archive store '" + entry.name + "' is the current store; make another store current first.");
  }
  const std::string before = entry.requested_state;
  const bool reload = (before == "disabled") || (state == "disabled") ||
                      ((before == "writeProtected") != (state == "writeProtected"));
  if (reload) {
    if (entry.store) entry.store->flush();
    entry.requested_state = state == "current" ? "normal" : state;
    Status st = load(entry);
    if (!st && state != "disabled") {
      entry.requested_state = before;
      (void)load(entry);
      return st;
    }
  }
  if (state == "current") return makeCurrent(id);
  entry.requested_state = state;
  return persist(entry);
}

Result<int> StoreManager::retryOpen() {
  std::lock_guard lock(mutex_);
  int still = 0;
  for (auto& e : entries_) {
    if (e.store || e.requested_state == "disabled") continue;
    if (!load(e)) ++still;
  }
  return still;
}

Status StoreManager::unlock(std::int64_t id, const std::string& passphrase) {
  std::lock_guard lock(mutex_);
  auto e = require(id);
  if (!e) return e.error();
  if ((*e)->store) return (*e)->store->rewrapKey(keys_);
  SPE_TRY(store::ArchiveStore::unlock((*e)->path, keys_, passphrase));
  (void)load(**e);
  return okStatus();
}

Status StoreManager::recover(std::int64_t id, const std::optional<std::string>& key, bool recover_deleted,
                             const store::OperationControl& control) {
  std::string path;
  {
    std::lock_guard lock(mutex_);
    auto e = require(id);
    if (!e) return e.error();
    if ((*e)->store) {
      return makeError(ErrorCode::kInvalidArgument, "The archive store '" + (*e)->name +
                                                        "' must be disabled (or in error) before it can be recovered.");
    }
    path = (*e)->path;
  }
  SPE_TRY(store::ArchiveStore::recover(path, keys_, key, recover_deleted, control, options_));
  std::lock_guard lock(mutex_);
  if (Entry* e = find(id); e && e->requested_state != "disabled") (void)load(*e);
  return okStatus();
}

Status StoreManager::refreshStatistics(const store::OperationControl& control) {
  auto stores = loaded();
  std::size_t n = 0;
  for (const auto& [id, s] : stores) {
    if (control.stop()) return makeError(ErrorCode::kCancelled, "Cancelled.");
    control.report(static_cast<int>(n++ * 100 / std::max<std::size_t>(stores.size(), 1)),
                   "Counting messages in store " + std::to_string(id));
    const auto changes = s->changesSinceOpen();
    auto st = s->statistics();
    if (!st) return st.error();
    std::lock_guard lock(mutex_);
    if (Entry* e = find(id)) {
      e->statistics_count = st->messages;
      e->statistics_size = st->raw_bytes;
      e->counted_changes = changes;
      SPE_TRY(persist(*e));
    }
  }
  control.report(100, "Statistics refreshed");
  return okStatus();
}

Result<AutoCreateConfig> StoreManager::autoCreateConfig() {
  auto j = db_.setting("storeAutoCreate", Json::object());
  if (!j) return j.error();
  AutoCreateConfig c;
  if (j->contains("sizeThresholdMB") && (*j)["sizeThresholdMB"].is_number_integer()) {
    c.size_threshold_mb = (*j)["sizeThresholdMB"].get<std::int64_t>();
  }
  c.base_directory = j->value("baseDirectory", "");
  return c;
}

Status StoreManager::setAutoCreateConfig(const Json& config) {
  if (!config.is_object()) return makeError(ErrorCode::kInvalidArgument, "'config' must be a JSON object.");
  Json stored = Json::object();
  for (const auto& [key, value] : config.items()) {
    if (key == "sizeThreshold") {
      if (value.is_null()) continue;
      std::int64_t mb = 0;
      if (value.is_number_integer()) {
        mb = value.get<std::int64_t>();
      } else if (value.is_string()) {
        const std::string s = value.get<std::string>();
        if (s.empty()) continue;
        try {
          std::size_t used = 0;
          mb = std::stoll(s, &used);
          if (used != s.size()) mb = -1;
        } catch (const std::exception&) {
          mb = -1;
        }
      } else {
        mb = -1;
      }
      if (mb < 1) {
        return makeError(ErrorCode::kInvalidArgument,
                         "'config.sizeThreshold' must be a whole number of megabytes (at least 1) or null.");
      }
      stored["sizeThresholdMB"] = mb;
    } else if (key == "baseDirectory" || key == "contentBaseDirectory" || key == "indexBaseDirectory") {
      if (!value.is_string() && !value.is_null()) {
        return makeError(ErrorCode::kInvalidArgument, "'config." + key + "' must be a string.");
      }
      const std::string dir = value.is_string() ? value.get<std::string>() : "";
      if (dir.empty()) continue;
      auto resolved = resolvePath(dir, "config." + key);
      if (!resolved) return resolved.error();
      if (key != "baseDirectory" && stored.value("baseDirectory", *resolved) != *resolved) {
        return makeError(ErrorCode::kNotSupported, "'config." + key +
                                                       "' must equal 'config.baseDirectory': content and indexes "
                                                       "live inside the store directory.");
      }
      stored["baseDirectory"] = *resolved;
    } else {
      return makeError(ErrorCode::kInvalidArgument, "'config' has the unknown key '" + key + "'.");
    }
  }
  return db_.setSetting("storeAutoCreate", stored);
}

Status StoreManager::autoCreateIfFull() {
  auto config = autoCreateConfig();
  if (!config) return config.error();
  const std::int64_t threshold = config->size_threshold_mb.value_or(kAutomaticThresholdMb) * 1024 * 1024;
  auto cur = current();
  if (!cur) return okStatus();
  const auto sizes = (*cur)->sizes();
  // The threshold is about the archived mail (the containers), not the
  // database's fixed overhead.
  if (sizes.content < threshold) return okStatus();
  const std::string dir = (config->base_directory.empty() ? base_ + "/Data" : config->base_directory) + "/" +
                          stampName();
  std::lock_guard lock(mutex_);
  auto id = add("Store " + stampName(), dir, "current", true);
  if (!id) return id.error();
  logger("stores")->info("the current store passed {} MB: created store {} in {} and made it current",
                         threshold / 1024 / 1024, *id, dir);
  return okStatus();
}

}  // namespace spe::instance
