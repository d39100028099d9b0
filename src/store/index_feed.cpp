// The store's side of indexing: the messages after the indexer's position,
// the queue of changes the indexes must follow, and the index state kept
// in STORE_INFO ('indexedThrough', 'indexNeedsRebuild').
#include <algorithm>

#include "store/archive_store.h"
#include "store/message_rows.h"

namespace spe::store {

std::string archiveOf(const std::string& folder) { return folder.substr(0, folder.find('/')); }

Status ArchiveStore::queueForIndex(FirebirdDb::Transaction& tx, std::int64_t message_id, const std::string& archive) {
  if (schema_version_.load() < 3) return okStatus();
  return tx.exec("INSERT INTO INDEX_QUEUE (MESSAGE_ID, ARCHIVE) VALUES (?, ?)", {message_id, archive});
}

Result<std::string> ArchiveStore::info(const std::string& name) const {
  auto rows = db_->query("SELECT VAL FROM STORE_INFO WHERE NAME = ?", {name});
  if (!rows) return rows.error();
  return rows->empty() ? std::string() : dbStr((*rows)[0][0]);
}

Status ArchiveStore::setInfo(const std::string& name, const std::string& value) {
  return db_->exec("UPDATE OR INSERT INTO STORE_INFO (NAME, VAL) VALUES (?, ?) MATCHING (NAME)", {name, value});
}

Result<std::vector<IndexFeedMessage>> ArchiveStore::messagesAfter(std::int64_t after_id, std::size_t limit) const {
  auto rows = db_->query("SELECT FIRST " + std::to_string(limit) +
                             " M.ID, F.PATH, C.MESSAGE_DATE, C.RAW_SIZE, C.SHA256, C.CONTAINER_NO, C.CONTAINER_OFFSET, "
                             "C.RECORD_LENGTH FROM MESSAGES M JOIN FOLDERS F ON F.ID = "
                             "M.FOLDER_ID JOIN CONTENTS C ON C.ID = M.CONTENT_ID WHERE M.ID > ? ORDER BY M.ID",
                         {after_id});
  if (!rows) return rows.error();
  std::vector<IndexFeedMessage> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) {
    out.push_back({dbInt(r[0]), dbStr(r[1]), dbInt(r[2]), dbInt(r[3]),
                   ContentRef{dbStr(r[4]), dbInt(r[5]), dbInt(r[6]), dbInt(r[7])}});
  }
  return out;
}

Result<std::vector<IndexQueueEntry>> ArchiveStore::indexQueue(std::int64_t after, std::size_t limit) const {
  if (schema_version_.load() < 3) return std::vector<IndexQueueEntry>{};
  auto rows = db_->query("SELECT FIRST " + std::to_string(limit) +
                             " Q.ID, Q.MESSAGE_ID, Q.ARCHIVE, F.PATH FROM INDEX_QUEUE Q LEFT JOIN MESSAGES M ON M.ID = "
                             "Q.MESSAGE_ID LEFT JOIN FOLDERS F ON F.ID = M.FOLDER_ID WHERE Q.ID > ? ORDER BY Q.ID",
                         {after});
  if (!rows) return rows.error();
  std::vector<IndexQueueEntry> out;
  for (const auto& r : *rows) {
    IndexQueueEntry e{dbInt(r[0]), dbInt(r[1]), dbStr(r[2]), std::nullopt};
    if (!dbIsNull(r[3])) e.folder = dbStr(r[3]);
    out.push_back(std::move(e));
  }
  return out;
}

Result<std::int64_t> ArchiveStore::indexedThrough() const {
  auto v = info("indexedThrough");
  if (!v) return v.error();
  return v->empty() ? 0 : std::stoll(*v);
}

Status ArchiveStore::saveIndexProgress(std::int64_t indexed_through, std::int64_t queue_through) {
  auto tx = db_->begin();
  if (!tx) return tx.error();
  SPE_TRY((*tx)->exec("UPDATE OR INSERT INTO STORE_INFO (NAME, VAL) VALUES ('indexedThrough', ?) MATCHING (NAME)",
                      {std::to_string(indexed_through)}));
  if (queue_through > 0 && schema_version_.load() >= 3) {
    SPE_TRY((*tx)->exec("DELETE FROM INDEX_QUEUE WHERE ID <= ?", {queue_through}));
  }
  return (*tx)->commit();
}

Result<std::int64_t> ArchiveStore::lastQueueEntry() const {
  if (schema_version_.load() < 3) return 0;
  auto rows = db_->query("SELECT MAX(ID) FROM INDEX_QUEUE");
  if (!rows) return rows.error();
  return rows->empty() || dbIsNull((*rows)[0][0]) ? 0 : dbInt((*rows)[0][0]);
}

Result<std::int64_t> ArchiveStore::lastMessageId() const {
  auto rows = db_->query("SELECT MAX(ID) FROM MESSAGES");
  if (!rows) return rows.error();
  return rows->empty() || dbIsNull((*rows)[0][0]) ? 0 : dbInt((*rows)[0][0]);
}

Result<bool> ArchiveStore::indexNeedsRebuild() const {
  auto v = info("indexNeedsRebuild");
  if (!v) return v.error();
  return *v == "1";
}

Status ArchiveStore::setIndexNeedsRebuild(bool value) { return setInfo("indexNeedsRebuild", value ? "1" : "0"); }

Result<std::map<std::string, std::int64_t>> ArchiveStore::messageCountsByArchive(std::int64_t through) const {
  auto rows = db_->query(
      "SELECT F.PATH, COUNT(*) FROM MESSAGES M JOIN FOLDERS F ON F.ID = M.FOLDER_ID WHERE M.ID <= ? GROUP BY F.PATH",
      {through});
  if (!rows) return rows.error();
  std::map<std::string, std::int64_t> out;
  for (const auto& r : *rows) out[archiveOf(dbStr(r[0]))] += dbInt(r[1]);
  return out;
}

Result<std::vector<MessageInfo>> ArchiveStore::messagesById(const std::vector<std::int64_t>& ids) const {
  // One primary-key lookup per id in one transaction: Firebird 3 evaluates
  // an "ID IN (...)" list of 100 for every candidate row (7 ms per list on
  // a 2,000-message store, measured), one cached lookup costs microseconds.
  std::vector<MessageInfo> out;
  out.reserve(ids.size());
  auto tx = db_->begin();
  if (!tx) return tx.error();
  const std::string sql = std::string(kMessageColumns) + "WHERE M.ID = ?";
  for (const std::int64_t id : ids) {
    auto rows = (*tx)->query(sql, {id});
    if (!rows) return rows.error();
    for (const auto& r : *rows) out.push_back(messageFromRow(r));
  }
  if (auto st = (*tx)->commit(); !st) return st.error();
  return out;
}

}  // namespace spe::store
