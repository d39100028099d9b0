// ArchiveStore's writer: group commit of submitted messages, and the folder
// changes that share its lock.
#include <ctime>

#include "common/base/logging.h"
#include "common/metrics/metrics.h"
#include "store/archive_store.h"
#include "store/store_schema.h"

namespace spe::store {
namespace {

std::int64_t nowSeconds() { return static_cast<std::int64_t>(std::time(nullptr)); }

IngestResult failed(const Error& e) { return IngestResult{IngestOutcome::kFailed, 0, e}; }

}  // namespace

std::future<IngestResult> ArchiveStore::submit(IngestItem item) {
  Pending p{std::move(item), {}};
  auto future = p.promise.get_future();
  auto folder = normaliseFolder(p.item.folder);
  if (!folder) {
    p.promise.set_value(failed(folder.error()));
    return future;
  }
  p.item.folder = *folder;
  if (auto st = refuseIfProtected(); !st) {
    p.promise.set_value(failed(st.error()));
    return future;
  }
  std::lock_guard lock(queue_mutex_);
  if (stopping_) {
    p.promise.set_value(failed(makeError(ErrorCode::kUnavailable, "The archive store is closing.")));
    return future;
  }
  queue_.push_back(std::move(p));
  ++in_flight_;
  queue_cv_.notify_one();
  return future;
}

void ArchiveStore::flush() {
  std::unique_lock lock(queue_mutex_);
  idle_cv_.wait(lock, [this] { return in_flight_ == 0; });
}

void ArchiveStore::close() {
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  if (writer_.joinable()) writer_.join();
  std::lock_guard lock(write_mutex_);
  container_ = AppendFile();
  recovery_ = AppendFile();
  db_.reset();
}

void ArchiveStore::writerLoop() {
  for (;;) {
    std::vector<Pending> batch;
    {
      std::unique_lock lock(queue_mutex_);
      queue_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping
      // Group commit: give more messages a moment to arrive.
      const auto deadline = std::chrono::steady_clock::now() + options_.batch_delay;
      while (!stopping_ && queue_.size() < options_.batch_max &&
             queue_cv_.wait_until(lock, deadline) != std::cv_status::timeout) {
      }
      std::size_t bytes = 0;
      while (!queue_.empty() && batch.size() < options_.batch_max && bytes < options_.batch_bytes) {
        bytes += queue_.front().item.content.record.size();
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    commitBatch(batch);
    {
      std::lock_guard lock(queue_mutex_);
      in_flight_ -= static_cast<int>(batch.size());
    }
    idle_cv_.notify_all();
    compactRecoveryIfDue();
  }
}

void ArchiveStore::compactRecoveryIfDue() {
  {
    std::lock_guard wl(write_mutex_);
    if (recovery_growth_ < options_.recovery_segment_max || superseded_changes_ == 0) return;
  }
  if (auto st = recreateRecoveryRecords({}); !st) {
    logger("store")->warn("{}: compacting the recovery records failed: {}", directory_, st.error().message);
  }
}

Result<std::int64_t> ArchiveStore::folderId(FirebirdDb::Transaction& tx, const std::string& path, bool create) {
  auto rows = tx.query("SELECT ID FROM FOLDERS WHERE PATH_HASH = ?", {sha256Hex(path)});
  if (!rows) return rows.error();
  if (!rows->empty()) return dbInt((*rows)[0][0]);
  if (!create) return makeError(ErrorCode::kNotFound, "There is no folder '" + path + "'.");
  const std::int64_t id = next_folder_id_++;
  SPE_TRY(tx.exec("INSERT INTO FOLDERS (ID, PATH, PATH_HASH) VALUES (?, ?, ?)", {id, path, sha256Hex(path)}));
  return id;
}

Status ArchiveStore::rollFilesIfFull() {
  auto roll = [](AppendFile& file, std::int64_t& number, std::uint64_t max, const std::string& next_path) -> Status {
    if (file.size() < max) return okStatus();
    SPE_TRY(file.sync());
    auto next = AppendFile::open(next_path, 0);
    if (!next) return next.error();
    file = std::move(*next);
    ++number;
    return okStatus();
  };
  SPE_TRY(roll(container_, container_no_, options_.container_max, containerPath(container_no_ + 1)));
  return roll(recovery_, recovery_no_, options_.recovery_segment_max, recoveryPath(recovery_no_ + 1));
}

Status ArchiveStore::saveFileState(FirebirdDb::Transaction& tx) {
  return tx.exec(
      "UPDATE FILE_STATE SET CONTAINER_NO = ?, CONTAINER_END = ?, RECOVERY_NO = ?, RECOVERY_END = ?, "
      "NEXT_SEQUENCE = ? WHERE ID = 1",
      {container_no_, static_cast<std::int64_t>(container_.size()), recovery_no_,
       static_cast<std::int64_t>(recovery_.size()), static_cast<std::int64_t>(next_sequence_)});
}

std::int64_t ArchiveStore::folderChanges(const std::string& folder) const {
  const std::int64_t structure = structure_changes_.load(std::memory_order_acquire);
  std::lock_guard lock(changes_mutex_);
  const auto it = folder_changes_.find(folder);
  return structure + (it == folder_changes_.end() ? 0 : it->second);
}

void ArchiveStore::noteCommitted(const std::vector<std::string>& folders) {
  if (folders.empty()) {
    structure_changes_.fetch_add(1, std::memory_order_release);
    return;
  }
  std::lock_guard lock(changes_mutex_);
  for (const auto& f : folders) ++folder_changes_[f];
}

Status ArchiveStore::commitWithRecovery(FirebirdDb::Transaction& tx, const std::vector<RecoveryChange>& changes) {
  const auto seq = next_sequence_;
  const auto start = recovery_.size();
  Status st = writeRecovery(changes);
  if (st) st = saveFileState(tx);
  if (st) st = tx.commit();
  if (!st) {  // the record describes a change that did not happen: cut it off
    (void)recovery_.truncate(start);
    next_sequence_ = seq;
  }
  return st;
}

Status ArchiveStore::writeRecovery(const std::vector<RecoveryChange>& changes) {
  Json bodies = Json::array();
  for (const auto& c : changes) bodies.push_back(encodeChange(c));
  const std::string record = sealRecovery(data_key_, guid_, next_sequence_++, bodies);
  SPE_TRY(recovery_.append(record));
  SPE_TRY(recovery_.sync());
  recovery_growth_ += record.size();
  for (const auto& c : changes) {
    if (supersedesEarlierChanges(c.tag)) ++superseded_changes_;
  }
  return okStatus();
}

// One batch on its way: what it adds to the files, and what it added
// already (the same message twice in a batch is a duplicate).
struct ArchiveStore::BatchWrite {
  std::uint64_t c_start = 0, r_start = 0;  // where the files ended before it
  std::string content_buf;
  std::vector<RecoveryChange> recovery;
  std::map<std::string, std::int64_t> contents;              // sha → content id
  std::set<std::pair<std::int64_t, std::int64_t>> messages;  // (folder id, content id)
};

Result<IngestResult> ArchiveStore::addToBatch(FirebirdDb::Transaction& tx, const IngestItem& item, BatchWrite& w) {
  const std::int64_t folders_before = next_folder_id_;
  auto fid = folderId(tx, item.folder, true);
  if (!fid) return fid.error();
  if (next_folder_id_ != folders_before) w.recovery.push_back(RecoveryChange::folderAdded(item.folder));
  const std::string sha_hex = toHex(item.content.sha256);
  std::optional<ContentPlace> new_content;  // set when this message brings new content
  std::int64_t cid = 0;
  bool existing = false;
  if (auto it = w.contents.find(sha_hex); it != w.contents.end()) {
    cid = it->second;
    existing = true;
  } else {
    auto found = findContent(tx, sha_hex);
    if (!found) return found.error();
    if (found->has_value()) {
      cid = **found;
      existing = true;
    }
  }
  if (existing) {
    bool dup = w.messages.count({*fid, cid}) > 0;
    if (!dup) {
      auto rows = tx.query("SELECT 1 FROM MESSAGES WHERE FOLDER_ID = ? AND CONTENT_ID = ?", {*fid, cid});
      if (!rows) return rows.error();
      dup = !rows->empty();
    }
    if (dup) return IngestResult{IngestOutcome::kDuplicate, 0, {}};
  } else {
    cid = next_content_id_++;
    w.contents[sha_hex] = cid;
    const std::int64_t offset = static_cast<std::int64_t>(w.c_start + w.content_buf.size());
    const auto length = static_cast<std::int64_t>(item.content.record.size());
    w.content_buf += item.content.record;
    SPE_TRY(insertContent(
        tx, ContentRow{cid, sha_hex, container_no_, offset, length, static_cast<std::int64_t>(item.content.raw_size)},
        item.headers));
    new_content = ContentPlace{sha_hex, container_no_, offset, length,
                               static_cast<std::int64_t>(item.content.raw_size)};
  }
  w.messages.insert({*fid, cid});
  const std::int64_t mid = next_message_id_++;
  const std::int64_t at = item.archived_at ? item.archived_at : nowSeconds();
  SPE_TRY(tx.exec("INSERT INTO MESSAGES (ID, FOLDER_ID, CONTENT_ID, ARCHIVED_AT) VALUES (?, ?, ?, ?)",
                  {mid, *fid, cid, at}));
  // One record for a message and, when it is new, its content.
  w.recovery.push_back(RecoveryChange::messageAdded(mid, cid, item.folder, at, new_content));
  return IngestResult{IngestOutcome::kArchived, mid, {}};
}

Status ArchiveStore::finishBatch(FirebirdDb::Transaction& tx, BatchWrite& w) {
  // Durable files first, then the metadata that points into them.
  auto cut = [&] {
    (void)container_.truncate(w.c_start);
    (void)recovery_.truncate(w.r_start);
  };
  if (!w.content_buf.empty()) {
    if (auto st = container_.append(w.content_buf); !st) return cut(), st;
    if (auto st = container_.sync(); !st) return cut(), st;
  }
  if (!w.recovery.empty()) {
    if (auto st = writeRecovery(w.recovery); !st) return cut(), st;
  }
  if (auto st = saveFileState(tx); !st) return cut(), st;
  if (auto st = tx.commit(); !st) return cut(), st;
  return okStatus();
}

namespace {

// The instance's spe_archived_messages_total, spe_archived_bytes_total and
// spe_archive_duplicates_total: what committed batches added, over all stores.
void countArchived(std::uint64_t messages, std::uint64_t bytes, std::uint64_t duplicates) {
  static auto& m = metrics::counter("spe_archived_messages_total", "Messages archived (committed to a store).");
  static auto& b = metrics::counter("spe_archived_bytes_total", "Bytes of the messages archived, as received.");
  static auto& d = metrics::counter("spe_archive_duplicates_total",
                                    "Messages not archived because the folder holds them already.");
  m.Increment(static_cast<double>(messages));
  b.Increment(static_cast<double>(bytes));
  d.Increment(static_cast<double>(duplicates));
}

}  // namespace

Status ArchiveStore::writeBatch(std::vector<Pending>& batch, std::vector<IngestResult>& results) {
  SPE_TRY(rollFilesIfFull());
  BatchWrite w;
  w.c_start = container_.size();
  w.r_start = recovery_.size();
  auto tx = db_->begin();
  if (!tx) return tx.error();
  for (std::size_t i = 0; i < batch.size(); ++i) {
    auto r = addToBatch(**tx, batch[i].item, w);
    if (!r) return r.error();
    results[i] = std::move(*r);
  }
  return finishBatch(**tx, w);
}

void ArchiveStore::commitBatch(std::vector<Pending>& batch) {
  std::lock_guard wl(write_mutex_);
  std::vector<IngestResult> results(batch.size());
  const auto saved = std::make_tuple(next_content_id_, next_message_id_, next_folder_id_, next_sequence_);
  if (auto st = writeBatch(batch, results); st) {
    std::vector<std::string> folders;
    std::uint64_t duplicates = 0, bytes = 0;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (results[i].outcome == IngestOutcome::kDuplicate) ++duplicates;
      if (results[i].outcome != IngestOutcome::kArchived) continue;
      ++added_messages_;
      added_bytes_ += batch[i].item.content.raw_size;
      bytes += batch[i].item.content.raw_size;
      folders.push_back(batch[i].item.folder);
    }
    countArchived(folders.size(), bytes, duplicates);
    if (!folders.empty()) noteCommitted(folders);
  } else {
    std::tie(next_content_id_, next_message_id_, next_folder_id_, next_sequence_) = saved;
    logger("store")->error("{}: a batch of {} messages failed: {}", directory_, batch.size(), st.error().message);
    for (auto& r : results) r = failed(st.error());
  }
  for (std::size_t i = 0; i < batch.size(); ++i) batch[i].promise.set_value(std::move(results[i]));
}

Result<int> ArchiveStore::deleteMessages(const std::vector<std::int64_t>& ids) {
  SPE_TRY(refuseIfProtected());
  struct CompactAfter {
    ArchiveStore* s;
    ~CompactAfter() { s->compactRecoveryIfDue(); }
  } compact_after{this};
  std::lock_guard wl(write_mutex_);
  auto tx = db_->begin();
  if (!tx) return tx.error();
  std::vector<RecoveryChange> changes;
  std::vector<std::string> folders;
  std::int64_t removed_bytes = 0;
  for (const std::int64_t id : ids) {
    auto rows = (*tx)->query(
        "SELECT M.CONTENT_ID, F.PATH FROM MESSAGES M JOIN FOLDERS F ON F.ID = M.FOLDER_ID WHERE M.ID = ?", {id});
    if (!rows) return rows.error();
    if (rows->empty()) continue;
    const std::int64_t cid = dbInt((*rows)[0][0]);
    folders.push_back(dbStr((*rows)[0][1]));
    SPE_TRY(queueForIndex(**tx, id, archiveOf(dbStr((*rows)[0][1]))));
    auto size = (*tx)->query("SELECT RAW_SIZE FROM CONTENTS WHERE ID = ?", {cid});
    if (!size) return size.error();
    removed_bytes += size->empty() ? 0 : dbInt((*size)[0][0]);
    SPE_TRY((*tx)->exec("DELETE FROM MESSAGES WHERE ID = ?", {id}));
    SPE_TRY(
        (*tx)->exec("DELETE FROM CONTENTS C WHERE C.ID = ? AND NOT EXISTS "
                    "(SELECT 1 FROM MESSAGES M WHERE M.CONTENT_ID = C.ID)",
                    {cid}));
    changes.push_back(RecoveryChange::messageDeleted(id));
  }
  if (changes.empty()) return 0;
  SPE_TRY(commitWithRecovery(**tx, changes));
  noteCommitted(folders);
  added_messages_ -= static_cast<std::int64_t>(changes.size());
  added_bytes_ -= removed_bytes;
  return static_cast<int>(changes.size());
}

Status ArchiveStore::createFolder(const std::string& path) {
  SPE_TRY(refuseIfProtected());
  auto norm = normaliseFolder(path);
  if (!norm) return norm.error();
  std::lock_guard wl(write_mutex_);
  const std::int64_t before = next_folder_id_;
  auto tx = db_->begin();
  if (!tx) return tx.error();
  auto id = folderId(**tx, *norm, true);
  if (!id) return next_folder_id_ = before, id.error();
  if (next_folder_id_ == before) return okStatus();
  if (auto st = commitWithRecovery(**tx, {RecoveryChange::folderAdded(*norm)}); !st) {
    next_folder_id_ = before;
    return st;
  }
  noteCommitted({});
  return okStatus();
}

Status ArchiveStore::renameFolder(const std::string& from, const std::string& to) {
  SPE_TRY(refuseIfProtected());
  std::lock_guard wl(write_mutex_);
  auto tx = db_->begin();
  if (!tx) return tx.error();
  auto rows = (*tx)->query("SELECT ID, PATH FROM FOLDERS WHERE PATH = ? OR PATH STARTING WITH ?", {from, from + "/"});
  if (!rows) return rows.error();
  if (rows->empty()) return okStatus();  // nothing of that folder in this store
  if (schema_version_.load() >= 3) {
    // Every message below `from` changes folder (or is dropped as a copy):
    // the indexer moves or removes its document.
    SPE_TRY(
        (*tx)->exec("INSERT INTO INDEX_QUEUE (MESSAGE_ID, ARCHIVE) SELECT M.ID, CAST(? AS VARCHAR(1000) "
                    "CHARACTER SET OCTETS) FROM MESSAGES M JOIN FOLDERS F ON F.ID = M.FOLDER_ID "
                    "WHERE F.PATH = ? OR F.PATH STARTING WITH ?",
                    {archiveOf(from), from, from + "/"}));
  }
  for (const auto& r : *rows) {
    const std::string path = to + dbStr(r[1]).substr(from.size());
    auto clash = (*tx)->query("SELECT ID FROM FOLDERS WHERE PATH_HASH = ?", {sha256Hex(path)});
    if (!clash) return clash.error();
    if (!clash->empty() && dbInt((*clash)[0][0]) != dbInt(r[0])) {
      // Merge into the existing folder: move its messages (skipping copies already there).
      const std::int64_t target = dbInt((*clash)[0][0]);
      SPE_TRY(
          (*tx)->exec("DELETE FROM MESSAGES M WHERE M.FOLDER_ID = ? AND EXISTS (SELECT 1 FROM MESSAGES T "
                      "WHERE T.FOLDER_ID = ? AND T.CONTENT_ID = M.CONTENT_ID)",
                      {dbInt(r[0]), target}));
      SPE_TRY((*tx)->exec("UPDATE MESSAGES SET FOLDER_ID = ? WHERE FOLDER_ID = ?", {target, dbInt(r[0])}));
      SPE_TRY((*tx)->exec("DELETE FROM FOLDERS WHERE ID = ?", {dbInt(r[0])}));
    } else {
      SPE_TRY(
          (*tx)->exec("UPDATE FOLDERS SET PATH = ?, PATH_HASH = ? WHERE ID = ?", {path, sha256Hex(path), dbInt(r[0])}));
    }
  }
  SPE_TRY(commitWithRecovery(**tx, {RecoveryChange::folderRenamed(from, to)}));
  noteCommitted({});
  return okStatus();
}

Result<int> ArchiveStore::deleteEmptyFolders(const std::string& under, const std::set<std::string>& keep) {
  SPE_TRY(refuseIfProtected());
  std::lock_guard wl(write_mutex_);
  auto tx = db_->begin();
  if (!tx) return tx.error();
  auto rows = (*tx)->query(
      "SELECT F.ID, F.PATH FROM FOLDERS F WHERE NOT EXISTS (SELECT 1 FROM MESSAGES M JOIN "
      "FOLDERS G ON G.ID = M.FOLDER_ID WHERE G.PATH = F.PATH OR G.PATH STARTING WITH F.PATH || '/')");
  if (!rows) return rows.error();
  std::vector<RecoveryChange> recovery;
  for (const auto& r : *rows) {
    const std::string path = dbStr(r[1]);
    if (!under.empty() && path != under && path.rfind(under + "/", 0) != 0) continue;
    if (path.find('/') == std::string::npos || keep.count(path)) continue;  // user archives stay
    SPE_TRY((*tx)->exec("DELETE FROM FOLDERS WHERE ID = ?", {dbInt(r[0])}));
    recovery.push_back(RecoveryChange::folderDeleted(path));
  }
  if (recovery.empty()) return 0;
  SPE_TRY(commitWithRecovery(**tx, recovery));
  noteCommitted({});
  return static_cast<int>(recovery.size());
}

}  // namespace spe::store
