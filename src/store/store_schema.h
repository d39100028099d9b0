// The store's metadata database: file names, schema, the format check and
// the recognition of database files the engine cannot read.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "common/db/firebird_db.h"
#include "common/mime/message_headers.h"

namespace spe::store {

inline constexpr const char* kDatabaseFile = "MailStoreFileGroup.fdb";
inline constexpr const char* kKeyFile = "MailStoreFileGroup.key";

// Refuses a store format newer than this program, or an unknown one.
Status checkFormat(const std::string& directory, int format);
// Schema plus the store's identity and initial file state, on a new file.
// `schema_version` < 0 = the latest (tests make older stores with it).
Status initialiseStoreDatabase(FirebirdDb& db, const std::string& guid, int format, int schema_version = -1);
int latestStoreSchema();
// Applies the missing schema steps (UpgradeStore).
Status upgradeStoreDatabase(FirebirdDb& db);
// Opens an existing MailStoreFileGroup.fdb; an older on-disk structure reads
// "Unsupported Firebird Database file detected"; a database of another
// store (GUID mismatch) is refused.
Result<std::unique_ptr<FirebirdDb>> openStoreDatabase(const std::string& directory, const std::string& guid);

// A row of CONTENTS: one unique raw message and its place in a container.
struct ContentRow {
  std::int64_t id = 0;
  std::string sha_hex;
  std::int64_t container = 0, offset = 0, length = 0, size = 0;
};
// The first 64 bits of a SHA-256 (hex), the indexed lookup key.
std::int64_t shaPrefix(const std::string& sha_hex);
Status insertContent(FirebirdDb::Transaction& tx, const ContentRow& row, const mime::MessageHeaders& headers);
Result<std::optional<std::int64_t>> findContent(FirebirdDb::Transaction& tx, const std::string& sha_hex);

}  // namespace spe::store
