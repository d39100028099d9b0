// The store's metadata database: file names, schema, the format check and
// the recognition of database files the engine cannot read.
#pragma once

#include <memory>
#include <string>

#include "common/firebird_db.h"

namespace spe::store {

inline constexpr const char* kDatabaseFile = "MailStoreFileGroup.fdb";
inline constexpr const char* kKeyFile = "MailStoreFileGroup.key";

// Refuses a store format newer than this program, or an unknown one.
Status checkFormat(const std::string& directory, int format);
// Schema plus the store's identity and initial file state, on a new file.
Status initialiseStoreDatabase(FirebirdDb& db, const std::string& guid, int format);
// Opens an existing MailStoreFileGroup.fdb; an older on-disk structure reads
// "Unsupported Firebird Database file detected"; a database of another
// store (GUID mismatch) is refused.
Result<std::unique_ptr<FirebirdDb>> openStoreDatabase(const std::string& directory, const std::string& guid);

}  // namespace spe::store
