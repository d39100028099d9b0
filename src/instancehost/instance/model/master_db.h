// InstanceMasterDb: the instance's MailStoreMaster.fdb (embedded Firebird):
// settings, the audit log, users and folder grants, the store registry,
// profiles and worker results. Schema versioned by migrations applied at
// open; the repositories (users.h, store_manager.h, profiles.h) use db().
// Thread safety: safe from any thread (FirebirdDb serialises).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/json_reader.h"
#include "common/base/result.h"
#include "common/db/firebird_db.h"
#include "instancehost/instance/audit/audit_log.h"

namespace spe::instance {

// An audit entry by the short form's rules: the actor kind follows from
// `user`, the outcome from the event name (ending in "Failed" or "Refused":
// failure).
audit::AuditEntry auditEntryOf(const std::string& user, const std::string& event, const std::string& details);

class InstanceMasterDb {
 public:
  static Result<std::unique_ptr<InstanceMasterDb>> open(const std::string& path);

  // The audit log (audit/audit_log.h): every audit() goes there once it is
  // attached (InstanceServer::open does before any call). Without one (unit
  // tests of the repositories) records go to the old AUDIT_LOG table.
  void setAuditLog(audit::AuditLog* log) { audit_log_ = log; }
  // Which entries are written (logSuccessfulUserActivities: failures always,
  // successes as selected); none set: all. Set before any call.
  void setAuditFilter(std::function<bool(std::string_view event, bool success)> keep) { keep_ = std::move(keep); }
  audit::AuditLog* auditLogFile() { return audit_log_; }
  // Writes `e`; the log's error (kIo) when it cannot.
  Status audit(const audit::AuditEntry& e);
  // Writes those of `entries` the filter keeps: to the audit log all with
  // one write or none; without one (unit tests), row by row.
  Status auditAll(const std::vector<audit::AuditEntry>& entries);
  // The short form: the actor kind follows from `user` ("$archiveadmin",
  // "$system", "$job:..." or an administrator), the outcome from the event
  // name (auditEntryOf).
  Status audit(const std::string& user, const std::string& event, const std::string& details);
  // The newest `limit` entries, newest first (the instance socket's auditLog).
  Result<Json> auditLog(int limit);

  // SETTINGS: small JSON values by name.
  Result<Json> setting(const std::string& name, const Json& fallback);
  Status setSetting(const std::string& name, const Json& value);

  FirebirdDb& db() { return *db_; }

 private:
  explicit InstanceMasterDb(std::unique_ptr<FirebirdDb> db) : db_(std::move(db)) {}
  std::unique_ptr<FirebirdDb> db_;
  audit::AuditLog* audit_log_ = nullptr;
  std::function<bool(std::string_view, bool)> keep_;
};

}  // namespace spe::instance
