// ArchiveStore: creating and opening a store, reading, folders, statistics.
// The writer is in store_writer.cpp, maintenance in store_maintenance.cpp.
#include "store/archive_store.h"

#include <cstdio>
#include <filesystem>

#include "common/base/text.h"
#include "store/message_rows.h"
#include "store/store_schema.h"

namespace spe::store {
namespace fs = std::filesystem;

namespace {

std::int64_t fileSize(const fs::path& p) {
  std::error_code ec;
  const auto n = fs::file_size(p, ec);
  return ec ? 0 : static_cast<std::int64_t>(n);
}

}  // namespace

Json VerifyReport::toJson() const {
  return Json{{"messagesChecked", messages_checked}, {"recoveryRecords", recovery_records}, {"problems", problems}};
}

ArchiveStore::ArchiveStore(std::string directory, StoreOptions options)
    : directory_(std::move(directory)), options_(options) {}

ArchiveStore::~ArchiveStore() { close(); }

Result<std::string> ArchiveStore::normaliseFolder(const std::string& path) {
  std::string out;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    std::string part = path.substr(start, end - start);
    while (!part.empty() && part.front() == ' ') part.erase(part.begin());
    while (!part.empty() && part.back() == ' ') part.pop_back();
    if (!part.empty()) {
      for (unsigned char c : part) {
        if (c < 32 || c == 127) {
          return makeError(ErrorCode::kInvalidArgument, "The folder '" + path + "' contains a control character.");
        }
      }
      if (mime::clampUtf8(part, part.size()) != part) {
        return makeError(ErrorCode::kInvalidArgument, "The folder '" + path + "' is not valid UTF-8.");
      }
      if (!out.empty()) out += '/';
      out += part;
    }
    start = end + 1;
  }
  if (out.empty()) return makeError(ErrorCode::kInvalidArgument, "The folder name is empty.");
  if (out.size() > 1000) return makeError(ErrorCode::kInvalidArgument, "The folder path is longer than 1000 bytes.");
  return out;
}

std::string ArchiveStore::containerPath(std::int64_t n) const {
  char name[32];
  std::snprintf(name, sizeof name, "%08lld.dat", static_cast<long long>(n));
  return directory_ + "/Content/" + name;
}

std::string ArchiveStore::recoveryPath(std::int64_t n) const {
  char name[32];
  std::snprintf(name, sizeof name, "%08lld.rec", static_cast<long long>(n));
  return directory_ + "/Recovery/" + name;
}

Result<std::unique_ptr<ArchiveStore>> ArchiveStore::create(const std::string& directory, const InstanceKeys& keys,
                                                           StoreOptions options) {
  std::error_code ec;
  if (fs::exists(fs::path(directory) / kDatabaseFile, ec)) {
    return makeError(ErrorCode::kAlreadyExists, "'" + directory + "' already holds an archive store.");
  }
  for (const char* sub : {"Content", "Recovery", "Index"}) {
    fs::create_directories(fs::path(directory) / sub, ec);
    if (ec) return makeError(ErrorCode::kIo, "Cannot create '" + directory + "/" + sub + "': " + ec.message() + ".");
  }
  const std::string guid = newGuid();
  SPE_TRY(writeKeyFile(directory + "/" + kKeyFile, newKeyFile(kStoreFormatVersion, guid, randomKey(), keys)));
  auto db = FirebirdDb::openOrCreate(directory + "/" + kDatabaseFile, FirebirdDb::CreateOptions{true});
  if (!db) return db.error();
  SPE_TRY(initialiseStoreDatabase(**db, guid, kStoreFormatVersion, options.schema_version_for_tests));
  db->reset();
  return open(directory, keys, false, options);
}

Result<std::unique_ptr<ArchiveStore>> ArchiveStore::open(const std::string& directory, const InstanceKeys& keys,
                                                         bool write_protected, StoreOptions options) {
  std::unique_ptr<ArchiveStore> s(new ArchiveStore(directory, options));
  SPE_TRY(s->load(&keys, nullptr, write_protected));
  return s;
}

Result<std::unique_ptr<ArchiveStore>> ArchiveStore::openWithRecoveryKey(const std::string& directory,
                                                                        const std::string& recovery_key_hex) {
  std::unique_ptr<ArchiveStore> s(new ArchiveStore(directory, StoreOptions{}));
  SPE_TRY(s->load(nullptr, &recovery_key_hex, true));
  return s;
}

Status ArchiveStore::load(const InstanceKeys* keys, const std::string* recovery_key_hex, bool write_protected) {
  std::error_code ec;
  if (!fs::is_directory(directory_, ec)) {
    return makeError(ErrorCode::kNotFound, "The archive store directory '" + directory_ + "' does not exist.");
  }
  auto key_file = readKeyFile(directory_ + "/" + kKeyFile);
  if (!key_file) return key_file.error();
  SPE_TRY(checkFormat(directory_, key_file->format));
  format_ = key_file->format;
  guid_ = key_file->store_guid;
  auto key = keys ? unwrapWithInstanceKey(*key_file, keys->instance_key)
                  : unwrapWithRecoveryKey(*key_file, *recovery_key_hex);
  if (!key) return key.error();
  data_key_ = *key;
  dictionaries_ = std::make_unique<DictionarySet>(directory_ + "/Content", data_key_, guid_,
                                                  options_.compression_level);
  SPE_TRY(dictionaries_->load());
  auto db = openStoreDatabase(directory_, guid_);
  if (!db) return db.error();
  db_ = std::move(*db);
  auto schema = schemaVersion(*db_);
  if (!schema) return schema.error();
  schema_version_ = *schema;
  write_protected_ = write_protected;
  SPE_TRY(openFiles());
  auto ids = db_->query(
      "SELECT (SELECT MAX(ID) FROM CONTENTS), (SELECT MAX(ID) FROM MESSAGES), (SELECT MAX(ID) FROM FOLDERS) "
      "FROM RDB$DATABASE");
  if (!ids) return ids.error();
  next_content_id_ = dbInt((*ids)[0][0]) + 1;
  next_message_id_ = dbInt((*ids)[0][1]) + 1;
  next_folder_id_ = dbInt((*ids)[0][2]) + 1;
  if (!write_protected_) writer_ = std::thread([this] { writerLoop(); });
  return okStatus();
}

Status ArchiveStore::openFiles() {
  auto st = db_->query("SELECT CONTAINER_NO, CONTAINER_END, RECOVERY_NO, RECOVERY_END, NEXT_SEQUENCE FROM FILE_STATE");
  if (!st) return st.error();
  if (st->empty()) return makeError(ErrorCode::kDatabase, "The store database '" + directory_ + "' has no file state.");
  const DbRow& r = (*st)[0];
  container_no_ = dbInt(r[0]);
  recovery_no_ = dbInt(r[2]);
  next_sequence_ = static_cast<std::uint64_t>(dbInt(r[4]));
  // Files newer than the committed ones hold only uncommitted data.
  for (std::int64_t n = container_no_ + 1; fs::exists(containerPath(n)); ++n) fs::remove(containerPath(n));
  for (std::int64_t n = recovery_no_ + 1; fs::exists(recoveryPath(n)); ++n) fs::remove(recoveryPath(n));
  if (write_protected_) return okStatus();
  auto c = AppendFile::open(containerPath(container_no_), static_cast<std::uint64_t>(dbInt(r[1])));
  if (!c) return c.error();
  container_ = std::move(*c);
  auto rec = AppendFile::open(recoveryPath(recovery_no_), static_cast<std::uint64_t>(dbInt(r[3])));
  if (!rec) return rec.error();
  recovery_ = std::move(*rec);
  return okStatus();
}

bool ArchiveStore::needsUpgrade() const {
  return format_ < kStoreFormatVersion || schema_version_.load() < latestStoreSchema();
}

Status ArchiveStore::refuseIfProtected() const {
  if (write_protected_) {
    return makeError(ErrorCode::kPermissionDenied,
                     "The archive store '" + directory_ + "' is write-protected; it cannot be changed.");
  }
  return okStatus();
}

SealedContent ArchiveStore::prepare(std::string_view raw) const {
  auto dictionary = dictionaries_->current();
  if (!dictionary && !write_protected_) dictionaries_->offerSample(raw);
  return sealContent(data_key_, guid_, raw, options_.compression_level, dictionary.get());
}

Result<bool> ArchiveStore::contains(const std::string& folder, const std::string& sha) const {
  auto rows = db_->query(
      "SELECT 1 FROM MESSAGES M JOIN FOLDERS F ON F.ID = M.FOLDER_ID JOIN CONTENTS C ON C.ID = M.CONTENT_ID "
      "WHERE F.PATH_HASH = ? AND C.SHA_PREFIX = ? AND C.SHA256 = ?",
      {sha256Hex(folder), shaPrefix(toHex(sha)), toHex(sha)});
  if (!rows) return rows.error();
  return !rows->empty();
}

IngestResult ArchiveStore::archive(const std::string& folder, std::string_view raw) {
  IngestItem item;
  item.folder = folder;
  item.content = prepare(raw);
  item.headers = mime::parseMessageHeaders(raw);
  return submit(std::move(item)).get();
}

Result<std::string> ArchiveStore::readMessage(std::int64_t message_id) const {
  auto rows = db_->query(
      "SELECT C.SHA256, C.CONTAINER_NO, C.CONTAINER_OFFSET, C.RECORD_LENGTH FROM MESSAGES M "
      "JOIN CONTENTS C ON C.ID = M.CONTENT_ID WHERE M.ID = ?",
      {message_id});
  if (!rows) return rows.error();
  if (rows->empty()) return makeError(ErrorCode::kNotFound, "There is no message " + std::to_string(message_id) + ".");
  const DbRow& r = (*rows)[0];
  return readContent(ContentRef{dbStr(r[0]), dbInt(r[1]), dbInt(r[2]), dbInt(r[3])}, message_id);
}

Result<std::string> ArchiveStore::readContent(const ContentRef& ref, std::int64_t message_id) const {
  if (static_cast<std::uint64_t>(ref.length) > kContentFrameSize) {  // framed: never the record and the message at once
    auto reader = contentReader(ref, message_id);
    if (!reader) return reader.error();
    return reader->readAll();
  }
  auto sha = fromHex(ref.sha256_hex);
  if (!sha) return sha.error();
  auto record = readAt(containerPath(ref.container), static_cast<std::uint64_t>(ref.offset),
                       static_cast<std::size_t>(ref.length));
  if (!record) return record.error();
  auto raw = openContent(data_key_, guid_, *record, *sha, dictionaries_.get());
  if (!raw) {
    Error e = raw.error();
    e.message = "Message " + std::to_string(message_id) + " in '" + directory_ + "': " + e.message;
    return e;
  }
  return raw;
}

Result<ContentReader> ArchiveStore::contentReader(const ContentRef& ref, std::int64_t message_id) const {
  auto sha = fromHex(ref.sha256_hex);
  if (!sha) return sha.error();
  auto file = OpenedFile::open(containerPath(ref.container));
  if (!file) return file.error();
  const auto base = static_cast<std::uint64_t>(ref.offset);
  auto reader = ContentReader::open(data_key_, guid_, std::move(*sha), dictionaries_.get(),
                                    static_cast<std::uint64_t>(ref.length),
                                    [file = std::move(*file), base](std::uint64_t offset, std::size_t length) {
                                      return file->readAt(base + offset, length);
                                    });
  if (!reader) {
    Error e = reader.error();
    e.message = "Message " + std::to_string(message_id) + " in '" + directory_ + "': " + e.message;
    return e;
  }
  return reader;
}

Result<std::vector<MessageInfo>> ArchiveStore::messagesIn(const std::string& folder, bool with_subfolders) const {
  auto rows = with_subfolders ? db_->query(std::string(kMessageColumns) +
                                               "WHERE F.PATH = ? OR F.PATH STARTING WITH ? ORDER BY M.ID",
                                           {folder, folder + "/"})
                              : db_->query(std::string(kMessageColumns) + "WHERE F.PATH_HASH = ? ORDER BY M.ID",
                                           {sha256Hex(folder)});
  if (!rows) return rows.error();
  std::vector<MessageInfo> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) out.push_back(messageFromRow(r));
  return out;
}

Result<std::vector<FolderInfo>> ArchiveStore::folders() const {
  auto rows = db_->query(
      "SELECT F.PATH, COUNT(M.ID), COALESCE(SUM(C.RAW_SIZE), 0) FROM FOLDERS F "
      "LEFT JOIN MESSAGES M ON M.FOLDER_ID = F.ID LEFT JOIN CONTENTS C ON C.ID = M.CONTENT_ID "
      "GROUP BY F.PATH ORDER BY F.PATH");
  if (!rows) return rows.error();
  std::vector<FolderInfo> out;
  for (const auto& r : *rows) out.push_back({dbStr(r[0]), dbInt(r[1]), dbInt(r[2])});
  return out;
}

Result<std::vector<std::string>> ArchiveStore::folderPaths() const {
  auto rows = db_->query("SELECT PATH FROM FOLDERS ORDER BY PATH");
  if (!rows) return rows.error();
  std::vector<std::string> out;
  for (const auto& r : *rows) out.push_back(dbStr(r[0]));
  return out;
}

Result<bool> ArchiveStore::hasMessagesUnder(const std::string& folder) const {
  auto rows = db_->query(
      "SELECT FIRST 1 1 FROM MESSAGES M JOIN FOLDERS F ON F.ID = M.FOLDER_ID "
      "WHERE F.PATH = ? OR F.PATH STARTING WITH ?",
      {folder, folder + "/"});
  if (!rows) return rows.error();
  return !rows->empty();
}

Result<std::set<std::string>> ArchiveStore::archivesWithMail() const {
  auto rows = db_->query(
      "SELECT F.PATH FROM FOLDERS F WHERE EXISTS (SELECT 1 FROM MESSAGES M WHERE M.FOLDER_ID = F.ID)");
  if (!rows) return rows.error();
  std::set<std::string> out;
  for (const auto& r : *rows) out.insert(archiveOf(dbStr(r[0])));
  return out;
}

Result<StoreStatistics> ArchiveStore::statistics() const {
  auto rows = db_->query(
      "SELECT COUNT(*), COALESCE(SUM(C.RAW_SIZE), 0) FROM MESSAGES M JOIN CONTENTS C ON C.ID = M.CONTENT_ID");
  if (!rows) return rows.error();
  return StoreStatistics{dbInt((*rows)[0][0]), dbInt((*rows)[0][1])};
}

StoreSizes ArchiveStore::sizes() const {
  const fs::path d(directory_);
  return StoreSizes{fileSize(d / kDatabaseFile), treeBytes(d / "Content"), treeBytes(d / "Index"),
                    treeBytes(d / "Recovery")};
}

}  // namespace spe::store
