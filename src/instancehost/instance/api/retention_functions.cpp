// Retention policies: GetRetentionPolicies, SetRetentionPolicies,
// ProcessRetentionPolicies (docs/compliance.md "Retention policies"). The
// policies, their check and the expiry rules are in
// model/retention_policies.h; this file runs them over the stores.
#include <chrono>
#include <map>
#include <set>

#include "common/base/clock.h"
#include "common/base/text.h"
#include "instancehost/instance/api/instance_api.h"
#include "instancehost/instance/model/audit_events.h"
#include "instancehost/instance/model/compliance.h"
#include "instancehost/instance/model/retention_policies.h"

namespace spe::instance {
namespace {

namespace ev = audit_events;

// A run lists at most this many messages in its answer (the counts are whole).
constexpr std::size_t kListedMessagesMax = 1000;
// Messages deleted per store transaction.
constexpr std::size_t kDeleteBatch = 500;

std::string policySummary(const std::vector<RetentionPolicy>& policies) {
  std::string out = std::to_string(policies.size()) + " polic" + (policies.size() == 1 ? "y" : "ies");
  for (const auto& p : policies) out += (out.find(':') == std::string::npos ? ": " : ", ") + p.name;
  return out;
}

struct Expired {
  store::MessageInfo message;
  RetentionVerdict verdict;
};

struct StoreTally {
  std::int64_t id = 0;
  std::string name;
  std::int64_t checked = 0, expired = 0, deleted = 0, bytes = 0;
};

class RetentionRun {
 public:
  RetentionRun(InstanceApi& api, InstanceContext& ctx, ApiCall& call, std::vector<RetentionPolicy> policies,
               bool dry_run, std::int64_t now)
      : api_(api), ctx_(ctx), call_(call), policies_(std::move(policies)), dry_run_(dry_run), now_(now) {}

  Result<Json> run(const Json& store_list) {
    std::map<std::int64_t, std::string> names;
    for (const auto& s : store_list) names[s.value("id", std::int64_t{0})] = s.value("name", std::string());
    // The work: each user archive of each store that a policy may reach.
    struct Work {
      std::int64_t store_id;
      std::shared_ptr<store::ArchiveStore> store;
      std::string archive;
    };
    std::vector<Work> work;
    for (const auto& [id, s] : ctx_.stores.loaded()) {
      tallies_.push_back({id, names[id]});
      auto paths = s->folderPaths();
      if (!paths) return paths.error();
      std::set<std::string> archives;
      for (const auto& p : *paths) archives.insert(store::archiveOf(p));
      for (const auto& a : archives) {
        if (retentionMayCoverArchive(policies_, a)) work.push_back({id, s, a});
      }
    }
    call_.log(std::string(dry_run_ ? "Dry run: " : "") + "processing " + policySummary(policies_) + " over " +
              std::to_string(work.size()) + " archive(s) in " + std::to_string(tallies_.size()) + " store(s).");
    for (std::size_t i = 0; i < work.size(); ++i) {
      if (call_.control.stop()) return cancelled();
      const int percent = static_cast<int>(i * 100 / work.size());
      call_.control.report(percent, "Archive '" + work[i].archive + "' in store " + std::to_string(work[i].store_id));
      SPE_TRY(processArchive(work[i].store_id, *work[i].store, work[i].archive));
      if (stopped_) return cancelled();
    }
    call_.control.report(100, dry_run_ ? "Dry run done." : "Done.");
    Json result = answer();
    if (!dry_run_) SPE_TRY(api_.audit(call_, std::string(ev::kRetentionPoliciesProcessFinish), summaryText("done")));
    call_.log(summaryText(dry_run_ ? "dry run done" : "done"));
    return result;
  }

 private:
  StoreTally& tally(std::int64_t id) {
    for (auto& t : tallies_) {
      if (t.id == id) return t;
    }
    tallies_.push_back({id, {}});
    return tallies_.back();
  }

  Status processArchive(std::int64_t store_id, store::ArchiveStore& s, const std::string& archive) {
    auto messages = s.messagesIn(archive, true);
    if (!messages) return messages.error();
    StoreTally& t = tally(store_id);
    std::vector<Expired> expired;
    for (auto& m : *messages) {
      ++t.checked;
      ++checked_;
      auto v = retentionVerdict(policies_, m.folder, m.date, m.archived_at, now_);
      if (v) expired.push_back({std::move(m), *v});
    }
    t.expired += static_cast<std::int64_t>(expired.size());
    expired_ += static_cast<std::int64_t>(expired.size());
    for (const auto& e : expired) {
      ++by_policy_[e.verdict.policy];
      if (listed_.size() < kListedMessagesMax) listed_.push_back(listing(store_id, e));
    }
    if (dry_run_) return okStatus();
    for (std::size_t from = 0; from < expired.size(); from += kDeleteBatch) {
      if (call_.control.stop()) {
        stopped_ = true;
        return okStatus();
      }
      const std::size_t to = std::min(expired.size(), from + kDeleteBatch);
      SPE_TRY(deleteBatch(store_id, s, std::vector<Expired>(expired.begin() + from, expired.begin() + to)));
    }
    return okStatus();
  }

  // Deletes one batch and writes its audit records; legal hold is asked
  // again before each batch (it may have been switched on meanwhile).
  Status deleteBatch(std::int64_t store_id, store::ArchiveStore& s, const std::vector<Expired>& batch) {
    SPE_TRY(
        refuseUnderLegalHold(ctx_.db, auditUser(),
                             "ProcessRetentionPolicies (deleting messages of store " + std::to_string(store_id) + ")"));
    std::vector<std::int64_t> ids;
    for (const auto& e : batch) ids.push_back(e.message.id);
    // Only what still exists is deleted and audited (another path may have
    // deleted a message since it was listed).
    auto still = s.messagesById(ids);
    if (!still) return still.error();
    std::set<std::int64_t> present;
    for (const auto& m : *still) present.insert(m.id);
    ids.assign(present.begin(), present.end());
    if (ids.empty()) return okStatus();
    auto n = s.deleteMessages(ids);
    if (!n) return n.error();
    if (auto indexer = ctx_.stores.indexerOf(store_id)) (*indexer)->wake();  // the index forgets them now
    StoreTally& t = tally(store_id);
    for (const auto& e : batch) {
      if (!present.count(e.message.id)) continue;
      ++t.deleted;
      ++deleted_;
      t.bytes += e.message.size;
      bytes_ += e.message.size;
      SPE_TRY(api_.audit(call_, std::string(ev::kRetentionPoliciesMessageDelete),
                         "store=" + std::to_string(store_id) + " message=" + std::to_string(e.message.id) +
                             " folder=" + e.message.folder + " policy=" + policies_[e.verdict.policy].name));
    }
    call_.log("Deleted " + std::to_string(*n) + " message(s) from store " + std::to_string(store_id) + ".");
    return okStatus();
  }

  std::string auditUser() const { return call_.caller.empty() ? "$system" : call_.caller; }

  Json listing(std::int64_t store_id, const Expired& e) const {
    return {{"store", store_id},
            {"id", e.message.id},
            {"folder", e.message.folder},
            {"subject", e.message.subject},
            {"size", e.message.size},
            {"messageDate", e.message.date ? Json(utcText(e.message.date)) : Json()},
            {"archiveDate", utcText(e.message.archived_at)},
            {"policy", policies_[e.verdict.policy].name},
            {"expiredOn", utcText(e.verdict.expired_at)}};
  }

  std::string summaryText(const std::string& how) const {
    return std::string(dry_run_ ? "dryRun " : "") + how + ": policies=" + std::to_string(policies_.size()) +
           " checked=" + std::to_string(checked_) + " expired=" + std::to_string(expired_) +
           " deleted=" + std::to_string(deleted_) + " bytes=" + std::to_string(bytes_);
  }

  Error cancelled() {
    if (!dry_run_) {
      (void)api_.audit(call_, std::string(ev::kRetentionPoliciesProcessFinish), summaryText("cancelled"));
    }
    return makeError(ErrorCode::kCancelled, "Retention processing was cancelled after deleting " +
                                                std::to_string(deleted_) + " of " + std::to_string(expired_) +
                                                " expired message(s) found so far.");
  }

  Json answer() const {
    Json stores = Json::array();
    for (const auto& t : tallies_) {
      stores.push_back({{"id", t.id},
                        {"name", t.name},
                        {"messagesChecked", t.checked},
                        {"messagesExpired", t.expired},
                        {"messagesDeleted", t.deleted},
                        {"bytesDeleted", t.bytes}});
    }
    Json policies = Json::array();
    for (std::size_t i = 0; i < policies_.size(); ++i) {
      auto it = by_policy_.find(i);
      policies.push_back({{"name", policies_[i].name}, {"messagesExpired", it == by_policy_.end() ? 0 : it->second}});
    }
    return {
        {"dryRun", dry_run_},          {"now", utcText(now_)},
        {"messagesChecked", checked_}, {"messagesExpired", expired_},
        {"messagesDeleted", deleted_}, {"bytesDeleted", bytes_},
        {"policies", policies},        {"stores", stores},
        {"messages", listed_},         {"messagesListTruncated", static_cast<std::int64_t>(listed_.size()) < expired_}};
  }

  InstanceApi& api_;
  InstanceContext& ctx_;
  ApiCall& call_;
  std::vector<RetentionPolicy> policies_;
  bool dry_run_;
  std::int64_t now_;
  bool stopped_ = false;
  std::vector<StoreTally> tallies_;
  std::map<std::size_t, std::int64_t> by_policy_;
  Json listed_ = Json::array();
  std::int64_t checked_ = 0, expired_ = 0, deleted_ = 0, bytes_ = 0;
};

}  // namespace

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
        SPE_TRY(api.audit(c, std::string(ev::kRetentionPoliciesUpdate), policySummary(*policies)));
        return Json();
      },
      true);

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
        if (!dry_run) {
          SPE_TRY(api.audit(c, std::string(ev::kRetentionPoliciesProcessStart), policySummary(*policies)));
        }
        if (policies->empty()) c.log("No retention policies: nothing to do.");
        RetentionRun run(api, ctx, c, std::move(*policies), dry_run, now);
        return run.run(*stores);
      },
      true);
}

}  // namespace spe::instance
