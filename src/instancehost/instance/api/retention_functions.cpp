// Retention policies: GetRetentionPolicies, SetRetentionPolicies,
// ProcessRetentionPolicies (docs/compliance.md "Retention policies"). The
// policies, their check and the expiry rules are in
// model/retention_policies.h, the run over the stores in
// model/retention_run.h; this file checks the preconditions and hands the
// run what it needs from the instance.
#include <chrono>

#include "common/base/clock.h"
#include "instancehost/instance/api/instance_api.h"
#include "instancehost/instance/model/audit_events.h"
#include "instancehost/instance/model/compliance.h"
#include "instancehost/instance/model/retention_policies.h"
#include "instancehost/instance/model/retention_run.h"

namespace spe::instance {

void registerRetentionFunctions(InstanceApi& api) {
  InstanceContext& ctx = api.context();
  api.add(
      "GetRetentionPolicies",
      [&ctx](ApiCall&) -> Result<Json> {
        auto p = loadRetentionPolicies(ctx.db);
        if (!p) return p.error();
        return retentionPoliciesToJson(*p);
      },
      false);

  api.add(
      "SetRetentionPolicies",
      [&api, &ctx](ApiCall& c) -> Result<Json> {
        auto it = c.args.find("config");
        if (it == c.args.end() || it->is_null()) {
          return makeError(ErrorCode::kInvalidArgument, "'config' is missing.", "config");
        }
        auto policies = parseRetentionPolicies(*it);
        if (!policies) return policies.error();
        SPE_TRY(saveRetentionPolicies(ctx.db, *policies));
        SPE_TRY(api.audit(c, std::string(audit_events::kRetentionPoliciesUpdate), retentionPolicySummary(*policies)));
        return Json();
      },
      true);

  // Not a write as a whole: a run takes the write permit for each batch of
  // deletions (and its audit records), so freezing the instance for a
  // backup waits for one batch, not for the whole run.
  api.add(
      "ProcessRetentionPolicies",
      [&api, &ctx](ApiCall& c) -> Result<Json> {
        const bool dry_run = c.flag("dryRun");
        const std::int64_t now =
            std::chrono::duration_cast<std::chrono::seconds>(systemClock().systemNow().time_since_epoch()).count();
        auto policies = loadRetentionPolicies(ctx.db);
        if (!policies) return policies.error();
        const std::string user = c.caller.empty() ? "$system" : c.caller;
        if (!dry_run) SPE_TRY(refuseUnderLegalHold(ctx.db, user, "ProcessRetentionPolicies"));
        auto stores = ctx.stores.list(false);
        if (!stores) return stores.error();
        SPE_TRY(retentionStoresReady(*stores));
        if (policies->empty()) c.log("No retention policies: nothing to do.");

        RetentionEnvironment env;
        env.stores = ctx.stores.loaded();
        for (const auto& s : *stores) env.store_names[s.value("id", std::int64_t{0})] = s.value("name", std::string());
        env.may_delete = [&ctx, user] {
          return refuseUnderLegalHold(ctx.db, user, "ProcessRetentionPolicies (deleting messages)");
        };
        env.write_permit = [&ctx, &c]() -> Result<std::shared_ptr<void>> {
          for (;;) {
            if (auto permit = ctx.gate.tryAcquire(std::chrono::milliseconds(100))) {
              return std::static_pointer_cast<void>(std::make_shared<WriteGate::Permit>(std::move(*permit)));
            }
            if (c.control.stop()) {
              return makeError(ErrorCode::kCancelled, "Cancelled while the instance was frozen.");
            }
          }
        };
        env.audit = [&api, &c](std::string_view event, const std::string& details) {
          return api.audit(c, std::string(event), details);
        };
        env.deleted = [&ctx](std::int64_t store_id) {
          if (auto indexer = ctx.stores.indexerOf(store_id)) (*indexer)->wake();
        };
        env.control = c.control;
        env.log = c.log;
        return runRetention(env, *policies, dry_run, now);
      },
      false);
}

}  // namespace spe::instance
