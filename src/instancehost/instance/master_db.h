// InstanceMasterDb: the instance's MailStoreMaster.fdb (embedded Firebird):
// settings and the audit log now; users, folders, profiles and jobs come with
// the archive issue. Schema versioned by migrations applied at open.
// Thread safety: safe from any thread (FirebirdDb serialises).
#pragma once

#include <memory>
#include <string>

#include "common/firebird_db.h"
#include "common/json_reader.h"
#include "common/result.h"

namespace spe::instance {

class InstanceMasterDb {
 public:
  static Result<std::unique_ptr<InstanceMasterDb>> open(const std::string& path);

  Status audit(const std::string& user, const std::string& event, const std::string& details);
  Result<Json> auditLog(int limit);

 private:
  explicit InstanceMasterDb(std::unique_ptr<FirebirdDb> db) : db_(std::move(db)) {}
  std::unique_ptr<FirebirdDb> db_;
};

}  // namespace spe::instance
