// InstanceMasterDb: the instance's MailStoreMaster.fdb (embedded Firebird):
// settings, the audit log, users and folder grants, the store registry,
// profiles and worker results. Schema versioned by migrations applied at
// open; the repositories (users.h, store_manager.h, profiles.h) use db().
// Thread safety: safe from any thread (FirebirdDb serialises).
#pragma once

#include <memory>
#include <string>

#include "common/base/json_reader.h"
#include "common/base/result.h"
#include "common/db/firebird_db.h"

namespace spe::instance {

class InstanceMasterDb {
 public:
  static Result<std::unique_ptr<InstanceMasterDb>> open(const std::string& path);

  Status audit(const std::string& user, const std::string& event, const std::string& details);
  Result<Json> auditLog(int limit);

  // SETTINGS: small JSON values by name.
  Result<Json> setting(const std::string& name, const Json& fallback);
  Status setSetting(const std::string& name, const Json& value);

  FirebirdDb& db() { return *db_; }

 private:
  explicit InstanceMasterDb(std::unique_ptr<FirebirdDb> db) : db_(std::move(db)) {}
  std::unique_ptr<FirebirdDb> db_;
};

}  // namespace spe::instance
