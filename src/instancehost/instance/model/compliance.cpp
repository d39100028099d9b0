#include "instancehost/instance/model/compliance.h"

#include <atomic>

#include "instancehost/instance/model/audit_events.h"
#include "instancehost/instance/model/master_db.h"

namespace spe::instance {
namespace {

constexpr const char* kSettingName = "ComplianceConfiguration";

// Bumped by every save; starts at 1 so a view's 0 means "never loaded".
std::atomic<std::uint64_t> g_generation{1};

}  // namespace

ComplianceConfig ComplianceConfig::defaults() {
  ComplianceConfig c;
  for (auto e : audit_events::kProductEvents) c.log_successful_user_activities.emplace(e);
  for (auto e : audit_events::kProjectEvents) c.log_successful_user_activities.emplace(e);
  return c;
}

Result<ComplianceConfig> ComplianceConfig::parse(const Json& config, const ComplianceConfig& base) {
  if (!config.is_object()) return makeError(ErrorCode::kInvalidArgument, "'config' must be a JSON object.", "config");
  ComplianceConfig out = base;
  JsonReader r(config, "config");
  r.boolean("legalHoldEnabled", out.legal_hold_enabled);
  r.boolean("adminEmailPreviewEnabled", out.admin_email_preview_enabled);
  const auto it = config.find("logSuccessfulUserActivities");
  if (it != config.end() && !it->is_null()) {
    std::vector<std::string> names;
    r.strList("logSuccessfulUserActivities", names);
    SPE_TRY(r.finish());
    std::set<std::string> chosen;
    for (const auto& n : names) {
      if (!audit_events::isKnownEvent(n)) {
        return makeError(ErrorCode::kInvalidArgument,
                         "'config.logSuccessfulUserActivities' names an unknown event '" + n +
                             "' (docs/compliance.md lists the events).",
                         "config.logSuccessfulUserActivities");
      }
      chosen.insert(n);
    }
    out.log_successful_user_activities = std::move(chosen);
  } else {
    std::vector<std::string> ignored;
    r.strList("logSuccessfulUserActivities", ignored);  // marks the key (null) as known
  }
  SPE_TRY(r.finish());
  return out;
}

Json ComplianceConfig::toJson() const {
  Json names = Json::array();
  for (const auto& n : log_successful_user_activities) names.push_back(n);
  return Json{{"legalHoldEnabled", legal_hold_enabled},
              {"adminEmailPreviewEnabled", admin_email_preview_enabled},
              {"logSuccessfulUserActivities", names}};
}

bool ComplianceConfig::shouldLog(std::string_view event, bool success) const {
  if (!success) return true;
  if (!audit_events::isKnownEvent(event)) return true;
  return log_successful_user_activities.count(std::string(event)) > 0;
}

Result<ComplianceConfig> loadComplianceConfig(InstanceMasterDb& db) {
  auto stored = db.setting(kSettingName, Json());
  if (!stored) return stored.error();
  if (stored->is_null()) return ComplianceConfig::defaults();
  // Stored by this code; a value that no longer parses (an event name
  // removed from the catalogue) is a damaged setting, not a default.
  auto parsed = ComplianceConfig::parse(*stored, ComplianceConfig::defaults());
  if (!parsed) {
    return makeError(ErrorCode::kCorrupt, "The stored compliance configuration cannot be read (" +
                                              parsed.error().message + "); set it again.");
  }
  return parsed;
}

Status saveComplianceConfig(InstanceMasterDb& db, const ComplianceConfig& config) {
  auto st = db.setSetting(kSettingName, config.toJson());
  g_generation.fetch_add(1);  // even on failure: the stored value is then unknown
  return st;
}

Error legalHoldError(const std::string& what) {
  return makeError(ErrorCode::kPermissionDenied,
                   what +
                       " was refused: legal hold is enabled for this instance, and no message may be deleted "
                       "while it is on (SetComplianceConfiguration turns it off).");
}

Status refuseUnderLegalHold(InstanceMasterDb& db, const std::string& user, const std::string& what) {
  auto config = loadComplianceConfig(db);
  if (config && !config->legal_hold_enabled) return {};
  Error refusal = config ? legalHoldError(what)
                         : makeError(ErrorCode::kPermissionDenied,
                                     what + " was refused: whether legal hold is on cannot be read (" +
                                         config.error().message + ").");
  // The refusal is the answer even when its record cannot be written.
  (void)db.audit(user, std::string(audit_events::kLegalHoldRefused), what + " refused");
  return refusal;
}

Result<std::shared_ptr<const ComplianceConfig>> Compliance::kept() {
  std::lock_guard lock(mutex_);
  const std::uint64_t now = g_generation.load();
  if (generation_ != now || !cached_) {
    auto loaded = loadComplianceConfig(db_);
    if (!loaded) return loaded.error();
    cached_ = std::make_shared<const ComplianceConfig>(std::move(*loaded));
    generation_ = now;
  }
  return cached_;
}

Result<ComplianceConfig> Compliance::current() {
  auto c = kept();
  if (!c) return c.error();
  return **c;
}

Status Compliance::set(const ComplianceConfig& config) { return saveComplianceConfig(db_, config); }

bool Compliance::legalHold() {
  auto c = kept();
  return !c || (*c)->legal_hold_enabled;
}

bool Compliance::adminPreview() {
  auto c = kept();
  return c && (*c)->admin_email_preview_enabled;
}

bool Compliance::shouldLog(std::string_view event, bool success) {
  auto c = kept();
  return !c || (*c)->shouldLog(event, success);
}

}  // namespace spe::instance
