#include "store/store_schema.h"

#include <filesystem>

#include "store/archive_store.h"

namespace spe::store {
namespace {

// Text the store only lists is kept as OCTETS (UTF-8 bytes, cut to fit by
// clampUtf8): Firebird 3 pads UTF8 columns to four bytes a character in
// every record, which costs more than the text itself.
const std::vector<std::vector<std::string>> kMigrations = {
    {
        "CREATE TABLE STORE_INFO (NAME VARCHAR(64) NOT NULL PRIMARY KEY, VAL VARCHAR(1000))",
        "CREATE TABLE FILE_STATE (ID SMALLINT NOT NULL PRIMARY KEY, CONTAINER_NO INTEGER NOT NULL,"
        " CONTAINER_END BIGINT NOT NULL, RECOVERY_NO INTEGER NOT NULL, RECOVERY_END BIGINT NOT NULL,"
        " NEXT_SEQUENCE BIGINT NOT NULL)",
        "CREATE TABLE FOLDERS (ID BIGINT NOT NULL PRIMARY KEY, PATH VARCHAR(1000) NOT NULL,"
        " PATH_HASH CHAR(64) CHARACTER SET OCTETS NOT NULL UNIQUE)",
        "CREATE TABLE CONTENTS (ID BIGINT NOT NULL PRIMARY KEY, SHA_PREFIX BIGINT NOT NULL,"
        " SHA256 CHAR(64) CHARACTER SET OCTETS NOT NULL, CONTAINER_NO INTEGER NOT NULL,"
        " CONTAINER_OFFSET BIGINT NOT NULL, RECORD_LENGTH INTEGER NOT NULL, RAW_SIZE BIGINT NOT NULL,"
        " MESSAGE_DATE BIGINT, SUBJECT VARCHAR(500) CHARACTER SET OCTETS, SENDER VARCHAR(250) CHARACTER SET OCTETS,"
        " RECIPIENTS VARCHAR(250) CHARACTER SET OCTETS, HAS_ATTACHMENTS SMALLINT DEFAULT 0 NOT NULL,"
        " PARSE_WARNING VARCHAR(200) CHARACTER SET OCTETS)",
        "CREATE INDEX CONTENTS_SHA ON CONTENTS (SHA_PREFIX)",
        "CREATE TABLE MESSAGES (ID BIGINT NOT NULL PRIMARY KEY, FOLDER_ID BIGINT NOT NULL,"
        " CONTENT_ID BIGINT NOT NULL, ARCHIVED_AT BIGINT NOT NULL, FLAGS INTEGER DEFAULT 0 NOT NULL)",
        "CREATE UNIQUE INDEX MESSAGES_FOLDER_CONTENT ON MESSAGES (FOLDER_ID, CONTENT_ID)",
        "CREATE INDEX MESSAGES_CONTENT ON MESSAGES (CONTENT_ID)",
    },
    {
        // Version 2: listings and date searches sorted by the message date.
        "CREATE INDEX CONTENTS_DATE ON CONTENTS (MESSAGE_DATE)",
    },
};

}  // namespace

Status checkFormat(const std::string& directory, int format) {
  if (format > kStoreFormatVersion) {
    return makeError(ErrorCode::kNotSupported,
                     "Unable to open the archive store '" + directory + "': its format version " +
                         std::to_string(format) + " is newer than this version supports (" +
                         std::to_string(kStoreFormatVersion) + ").");
  }
  if (format < 1) {
    return makeError(ErrorCode::kNotSupported,
                     "Unable to open the archive store '" + directory + "': unknown format version " +
                         std::to_string(format) + ".");
  }
  return okStatus();
}

int latestStoreSchema() { return static_cast<int>(kMigrations.size()); }

Status upgradeStoreDatabase(FirebirdDb& db) {
  db.clearStatementCache();
  auto v = applyMigrations(db, kMigrations, "The store database '" + db.path() + "'");
  if (!v) return v.error();
  return okStatus();
}

Status initialiseStoreDatabase(FirebirdDb& db, const std::string& guid, int format, int schema_version) {
  auto v = applyMigrations(db, kMigrations, "The store database", schema_version);
  if (!v) return v.error();
  SPE_TRY(db.exec("INSERT INTO STORE_INFO (NAME, VAL) VALUES ('guid', ?)", {guid}));
  SPE_TRY(db.exec("INSERT INTO STORE_INFO (NAME, VAL) VALUES ('format', ?)", {std::to_string(format)}));
  // The indexer's position in MESSAGES (ids only grow): everything after it
  // is still to be indexed.
  SPE_TRY(db.exec("INSERT INTO STORE_INFO (NAME, VAL) VALUES ('indexedThrough', '0')"));
  return db.exec(
      "INSERT INTO FILE_STATE (ID, CONTAINER_NO, CONTAINER_END, RECOVERY_NO, RECOVERY_END, NEXT_SEQUENCE) "
      "VALUES (1, 1, 0, 1, 0, 1)");
}

Result<std::unique_ptr<FirebirdDb>> openStoreDatabase(const std::string& directory, const std::string& guid) {
  const std::string path = directory + "/" + kDatabaseFile;
  if (!std::filesystem::exists(path)) {
    return makeError(ErrorCode::kNotFound, "Unable to open the archive store '" + directory + "': its database '" +
                                               std::string(kDatabaseFile) +
                                               "' is missing. RecoverStore rebuilds it from the recovery records.");
  }
  auto db = FirebirdDb::openOrCreate(path);
  if (!db) {
    if (db.error().details.find("unsupported on-disk structure") != std::string::npos) {
      return makeError(ErrorCode::kNotSupported, "Unable to open the archive store '" + directory +
                                                     "'. Unsupported Firebird Database file detected.",
                       db.error().details);
    }
    return db.error();
  }
  // Older schemas are upgraded only by UpgradeStore (the store says it
  // needs one); newer ones are refused.
  auto v = schemaVersion(**db);
  if (!v) return v.error();
  if (*v > latestStoreSchema()) {
    return makeError(ErrorCode::kNotSupported, "Unable to open the archive store '" + directory +
                                                   "': its database has schema version " + std::to_string(*v) +
                                                   ", newer than this version supports (" +
                                                   std::to_string(latestStoreSchema()) + ").");
  }
  auto rows = (*db)->query("SELECT VAL FROM STORE_INFO WHERE NAME = 'guid'");
  if (!rows) return rows.error();
  if (rows->empty() || dbStr((*rows)[0][0]) != guid) {
    return makeError(ErrorCode::kInvalidArgument, "The database in '" + directory +
                                                      "' belongs to another archive store than its key file.");
  }
  return std::move(*db);
}

std::int64_t shaPrefix(const std::string& sha_hex) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 16 && i < sha_hex.size(); ++i) {
    const char c = sha_hex[i];
    v = (v << 4) | static_cast<std::uint64_t>(c <= '9' ? c - '0' : c - 'a' + 10);
  }
  return static_cast<std::int64_t>(v);
}

Status insertContent(FirebirdDb::Transaction& tx, const ContentRow& c, const MessageHeaders& h) {
  return tx.exec(
      "INSERT INTO CONTENTS (ID, SHA_PREFIX, SHA256, CONTAINER_NO, CONTAINER_OFFSET, RECORD_LENGTH, RAW_SIZE, "
      "MESSAGE_DATE, SUBJECT, SENDER, RECIPIENTS, HAS_ATTACHMENTS, PARSE_WARNING) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {c.id, shaPrefix(c.sha_hex), c.sha_hex, c.container, c.offset, c.length, c.size, h.date,
       clampUtf8(h.subject, 500), clampUtf8(h.from, 250), clampUtf8(h.recipients, 250),
       std::int64_t{h.has_attachments ? 1 : 0}, h.warning.empty() ? DbValue{} : DbValue{clampUtf8(h.warning, 200)}});
}

Result<std::optional<std::int64_t>> findContent(FirebirdDb::Transaction& tx, const std::string& sha_hex) {
  auto rows = tx.query("SELECT ID FROM CONTENTS WHERE SHA_PREFIX = ? AND SHA256 = ?", {shaPrefix(sha_hex), sha_hex});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(dbInt((*rows)[0][0]));
}

}  // namespace spe::store
