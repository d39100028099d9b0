#include "store/store_schema.h"

#include <filesystem>

#include "store/archive_store.h"

namespace spe::store {
namespace {

const std::vector<std::vector<std::string>> kMigrations = {
    {
        "CREATE TABLE STORE_INFO (NAME VARCHAR(64) NOT NULL PRIMARY KEY, VAL VARCHAR(1000))",
        "CREATE TABLE FILE_STATE (ID SMALLINT NOT NULL PRIMARY KEY, CONTAINER_NO INTEGER NOT NULL,"
        " CONTAINER_END BIGINT NOT NULL, RECOVERY_NO INTEGER NOT NULL, RECOVERY_END BIGINT NOT NULL,"
        " NEXT_SEQUENCE BIGINT NOT NULL)",
        "CREATE TABLE FOLDERS (ID BIGINT NOT NULL PRIMARY KEY, PATH VARCHAR(1000) NOT NULL,"
        " PATH_HASH CHAR(64) NOT NULL UNIQUE)",
        "CREATE TABLE CONTENTS (ID BIGINT NOT NULL PRIMARY KEY, SHA256 CHAR(64) NOT NULL UNIQUE,"
        " CONTAINER_NO INTEGER NOT NULL, CONTAINER_OFFSET BIGINT NOT NULL, RECORD_LENGTH INTEGER NOT NULL,"
        " RAW_SIZE BIGINT NOT NULL, MESSAGE_DATE BIGINT, SUBJECT VARCHAR(1000), SENDER VARCHAR(1000),"
        " RECIPIENTS VARCHAR(2000), MESSAGE_ID VARCHAR(1000), HAS_ATTACHMENTS SMALLINT DEFAULT 0 NOT NULL,"
        " PARSE_WARNING VARCHAR(200))",
        "CREATE TABLE MESSAGES (ID BIGINT NOT NULL PRIMARY KEY, FOLDER_ID BIGINT NOT NULL,"
        " CONTENT_ID BIGINT NOT NULL, ARCHIVED_AT BIGINT NOT NULL, FLAGS INTEGER DEFAULT 0 NOT NULL)",
        "CREATE UNIQUE INDEX MESSAGES_FOLDER_CONTENT ON MESSAGES (FOLDER_ID, CONTENT_ID)",
        "CREATE INDEX MESSAGES_CONTENT ON MESSAGES (CONTENT_ID)",
        "CREATE TABLE INDEX_QUEUE (MESSAGE_ID BIGINT NOT NULL PRIMARY KEY)",
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

Status initialiseStoreDatabase(FirebirdDb& db, const std::string& guid, int format) {
  auto v = applyMigrations(db, kMigrations, "The store database");
  if (!v) return v.error();
  SPE_TRY(db.exec("INSERT INTO STORE_INFO (NAME, VAL) VALUES ('guid', ?)", {guid}));
  SPE_TRY(db.exec("INSERT INTO STORE_INFO (NAME, VAL) VALUES ('format', ?)", {std::to_string(format)}));
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
  auto v = applyMigrations(**db, kMigrations, "The store database '" + path + "'");
  if (!v) return v.error();
  auto rows = (*db)->query("SELECT VAL FROM STORE_INFO WHERE NAME = 'guid'");
  if (!rows) return rows.error();
  if (rows->empty() || dbStr((*rows)[0][0]) != guid) {
    return makeError(ErrorCode::kInvalidArgument, "The database in '" + directory +
                                                      "' belongs to another archive store than its key file.");
  }
  return std::move(*db);
}

}  // namespace spe::store
