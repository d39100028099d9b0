// The instance's compliance configuration: GetComplianceConfiguration,
// SetComplianceConfiguration (docs/compliance.md "Compliance configuration";
// the value and its rules are model/compliance.h).
#include "instancehost/instance/api/instance_api.h"
#include "instancehost/instance/model/audit_events.h"
#include "instancehost/instance/model/compliance.h"

namespace spe::instance {
namespace {

std::string onOff(bool b) { return b ? "on" : "off"; }

// What changed, for the audit record ("legalHold off->on, ...").
std::string describeChange(const ComplianceConfig& before, const ComplianceConfig& after) {
  std::string d = "legalHold=" + onOff(after.legal_hold_enabled) +
                  " adminEmailPreview=" + onOff(after.admin_email_preview_enabled) +
                  " logSuccessfulUserActivities=" + std::to_string(after.log_successful_user_activities.size());
  std::string changes;
  auto add = [&](const std::string& s) { changes += (changes.empty() ? "" : ", ") + s; };
  if (before.legal_hold_enabled != after.legal_hold_enabled) {
    add("legal hold turned " + onOff(after.legal_hold_enabled));
  }
  if (before.admin_email_preview_enabled != after.admin_email_preview_enabled) {
    add("admin e-mail preview turned " + onOff(after.admin_email_preview_enabled));
  }
  for (const auto& e : after.log_successful_user_activities) {
    if (!before.log_successful_user_activities.count(e)) add("+" + e);
  }
  for (const auto& e : before.log_successful_user_activities) {
    if (!after.log_successful_user_activities.count(e)) add("-" + e);
  }
  return d + (changes.empty() ? " (no change)" : " (" + changes + ")");
}

}  // namespace

void registerComplianceFunctions(InstanceApi& api) {
  InstanceContext& ctx = api.context();
  api.add(
      "GetComplianceConfiguration",
      [&ctx](ApiCall&) -> Result<Json> {
        auto config = loadComplianceConfig(ctx.db);
        if (!config) return config.error();
        return config->toJson();
      },
      false);

  api.add(
      "SetComplianceConfiguration",
      [&api, &ctx](ApiCall& c) -> Result<Json> {
        auto it = c.args.find("config");
        if (it == c.args.end() || !it->is_object()) {
          return makeError(ErrorCode::kInvalidArgument, "'config' must be a JSON object.", "config");
        }
        // A damaged stored value must not block setting a good one.
        auto stored = loadComplianceConfig(ctx.db);
        const ComplianceConfig before = stored ? *stored : ComplianceConfig::defaults();
        auto config = ComplianceConfig::parse(*it, before);
        if (!config) return config.error();
        SPE_TRY(saveComplianceConfig(ctx.db, *config));
        // Always written, whatever logSuccessfulUserActivities says: a change
        // of what is logged must itself be on the record.
        SPE_TRY(api.audit(c, std::string(audit_events::kComplianceChangeSettings), describeChange(before, *config)));
        return Json();
      },
      true);
}

}  // namespace spe::instance
