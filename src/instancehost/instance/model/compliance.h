// The instance's compliance configuration (Get/SetComplianceConfiguration):
// legal hold, admin e-mail preview, and which successful activities the audit
// log records. Stored as one JSON value in SETTINGS ("ComplianceConfiguration");
// docs/compliance.md describes the fields and their defaults.
//
// ComplianceConfig is the value (parsing, the JSON answer, the logging rule).
// Compliance is a cached view of the stored value for the code paths that
// ask often (the audit log for every event, deletions, Web Access): every
// save through Compliance::set() or saveComplianceConfig() bumps a
// process-wide generation, and each view reloads when it has changed, so
// several views of one database never disagree after a save returns.
// Thread safety: ComplianceConfig is a plain value; Compliance is internally
// locked and safe from any thread; the free functions are as safe as the
// database.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

#include "common/base/json_reader.h"
#include "common/base/result.h"

namespace spe::instance {

class InstanceMasterDb;

struct ComplianceConfig {
  // While on, no message is deleted by any path (docs/compliance.md "Legal hold").
  bool legal_hold_enabled = false;
  // While on, $archiveadmin may open message content in Web Access.
  bool admin_email_preview_enabled = false;
  // The events whose successes are logged (failures always are). Default:
  // every event of the catalogue (model/audit_events.h), which is what the
  // instance logged before the setting existed.
  std::set<std::string> log_successful_user_activities;

  // Default value: hold off, preview off, every known event logged.
  static ComplianceConfig defaults();

  // Reads `config` over `base`: a key that is absent or null keeps base's
  // value; an unknown key, a wrong type or an event name that is not in the
  // catalogue is kInvalidArgument naming the key or the name ("config.x").
  static Result<ComplianceConfig> parse(const Json& config, const ComplianceConfig& base);

  // {legalHoldEnabled, adminEmailPreviewEnabled, logSuccessfulUserActivities:[sorted]}
  Json toJson() const;

  // Whether an event of this outcome is written: failures always, successes
  // when the event is selected. Unknown events are always written (a name
  // missing from the catalogue must not make a record disappear).
  bool shouldLog(std::string_view event, bool success) const;
};

// The stored configuration (defaults() when none was ever set).
Result<ComplianceConfig> loadComplianceConfig(InstanceMasterDb& db);
// Stores `config` and invalidates every Compliance view in the process.
Status saveComplianceConfig(InstanceMasterDb& db, const ComplianceConfig& config);

// The error a deletion refused under legal hold returns: kPermissionDenied,
// "<what> was refused: legal hold is enabled for this instance ...".
Error legalHoldError(const std::string& what);

// The check every deleting path makes first: success while legal hold is
// off; while it is on (or the configuration cannot be read: fail safe),
// writes LegalHoldRefused (actor `user`, details "<what> refused") and
// returns legalHoldError(what). `what` names the action, e.g.
// "CompactStore of store 3".
Status refuseUnderLegalHold(InstanceMasterDb& db, const std::string& user, const std::string& what);

class Compliance {
 public:
  explicit Compliance(InstanceMasterDb& db) : db_(db) {}

  // The current configuration; the stored one is read again only after a
  // save. A database error gives the error (callers that must not fail,
  // such as the logging rule, treat it as "hold on, log everything").
  Result<ComplianceConfig> current();
  Status set(const ComplianceConfig& config);

  // Fail safe: true when the configuration cannot be read.
  bool legalHold();
  bool adminPreview();                                   // false when unreadable
  bool shouldLog(std::string_view event, bool success);  // true when unreadable

 private:
  // The kept configuration, shared: the logging rule asks for every
  // audited event (each message an IMAP FETCH reads), without a copy.
  Result<std::shared_ptr<const ComplianceConfig>> kept();

  InstanceMasterDb& db_;
  std::mutex mutex_;
  std::uint64_t generation_ = 0;  // 0: never loaded
  std::shared_ptr<const ComplianceConfig> cached_;
};

}  // namespace spe::instance
