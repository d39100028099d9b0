#include "instancehost/instance/model/retention_run.h"

#include <set>

#include "common/base/text.h"
#include "instancehost/instance/model/audit_events.h"

namespace spe::instance {
namespace {

namespace ev = audit_events;

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
  RetentionRun(RetentionEnvironment& env, const std::vector<RetentionPolicy>& policies, bool dry_run, std::int64_t now)
      : env_(env), policies_(policies), dry_run_(dry_run), now_(now) {}

  Result<Json> run() {
    // The work: each user archive of each store that a policy may reach.
    struct Work {
      std::int64_t store_id;
      std::shared_ptr<store::ArchiveStore> store;
      std::string archive;
    };
    std::vector<Work> work;
    for (const auto& [id, s] : env_.stores) {
      auto name = env_.store_names.find(id);
      tallies_.push_back({id, name == env_.store_names.end() ? std::string() : name->second});
      auto paths = s->folderPaths();
      if (!paths) return paths.error();
      std::set<std::string> archives;
      for (const auto& p : *paths) archives.insert(store::archiveOf(p));
      for (const auto& a : archives) {
        if (retentionMayCoverArchive(policies_, a)) work.push_back({id, s, a});
      }
    }
    if (!dry_run_) {
      auto permit = permitted();
      if (!permit) return permit.error();
      SPE_TRY(env_.audit(ev::kRetentionPoliciesProcessStart, retentionPolicySummary(policies_)));
    }
    log(std::string(dry_run_ ? "Dry run: " : "") + "processing " + retentionPolicySummary(policies_) + " over " +
        std::to_string(work.size()) + " archive(s) in " + std::to_string(tallies_.size()) + " store(s).");
    for (std::size_t i = 0; i < work.size(); ++i) {
      if (env_.control.stop()) return cancelled();
      const int percent = static_cast<int>(i * 100 / work.size());
      env_.control.report(percent, "Archive '" + work[i].archive + "' in store " + std::to_string(work[i].store_id));
      if (auto st = processArchive(work[i].store_id, *work[i].store, work[i].archive); !st) return failed(st.error());
      if (stopped_) return cancelled();
    }
    env_.control.report(100, dry_run_ ? "Dry run done." : "Done.");
    if (!dry_run_) {
      auto permit = permitted();
      if (!permit) return permit.error();
      SPE_TRY(env_.audit(ev::kRetentionPoliciesProcessFinish, summaryText("done")));
    }
    log(summaryText(dry_run_ ? "dry run done" : "done"));
    return answer();
  }

 private:
  void log(const std::string& line) const {
    if (env_.log) env_.log(line);
  }

  Result<std::shared_ptr<void>> permitted() {
    if (!env_.write_permit) return std::shared_ptr<void>();
    return env_.write_permit();
  }

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
      if (listed_.size() < kRetentionListedMessagesMax) listed_.push_back(listing(store_id, e));
    }
    if (dry_run_) return okStatus();
    for (std::size_t from = 0; from < expired.size(); from += kRetentionDeleteBatch) {
      if (env_.control.stop()) {
        stopped_ = true;
        return okStatus();
      }
      const std::size_t to = std::min(expired.size(), from + kRetentionDeleteBatch);
      SPE_TRY(deleteBatch(store_id, s,
                          std::vector<Expired>(expired.begin() + static_cast<std::ptrdiff_t>(from),
                                               expired.begin() + static_cast<std::ptrdiff_t>(to))));
    }
    return okStatus();
  }

  // Deletes one batch and writes its audit records under one write permit;
  // legal hold is asked again first (it may have been switched on).
  Status deleteBatch(std::int64_t store_id, store::ArchiveStore& s, const std::vector<Expired>& batch) {
    auto permit = permitted();
    if (!permit) return permit.error();
    if (env_.may_delete) SPE_TRY(env_.may_delete());
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
    if (env_.deleted) env_.deleted(store_id);  // the index forgets them now
    StoreTally& t = tally(store_id);
    for (const auto& e : batch) {
      if (!present.count(e.message.id)) continue;
      ++t.deleted;
      ++deleted_;
      t.bytes += e.message.size;
      bytes_ += e.message.size;
      SPE_TRY(env_.audit(ev::kRetentionPoliciesMessageDelete,
                         "store=" + std::to_string(store_id) + " message=" + std::to_string(e.message.id) +
                             " folder=" + e.message.folder + " policy=" + policies_[e.verdict.policy].name));
    }
    log("Deleted " + std::to_string(*n) + " message(s) from store " + std::to_string(store_id) + ".");
    return okStatus();
  }

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
    return how + ": policies=" + std::to_string(policies_.size()) + " checked=" + std::to_string(checked_) +
           " expired=" + std::to_string(expired_) + " deleted=" + std::to_string(deleted_) +
           " bytes=" + std::to_string(bytes_);
  }

  Error cancelled() {
    if (!dry_run_) {
      // Written even so (unless frozen): the deletions so far are summed up.
      if (auto permit = permitted()) (void)env_.audit(ev::kRetentionPoliciesProcessFinish, summaryText("cancelled"));
    }
    return makeError(ErrorCode::kCancelled, "Retention processing was cancelled after deleting " +
                                                std::to_string(deleted_) + " of " + std::to_string(expired_) +
                                                " expired message(s) found so far.");
  }

  // A run that ends on an error still sums up what it deleted.
  Error failed(Error error) {
    if (!dry_run_) {
      if (auto permit = permitted()) {
        (void)env_.audit(ev::kRetentionPoliciesProcessFinish, summaryText("failed (" + error.message + ")"));
      }
    }
    if (deleted_ > 0) error.message += " (" + std::to_string(deleted_) + " message(s) were deleted before.)";
    return error;
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

  RetentionEnvironment& env_;
  const std::vector<RetentionPolicy>& policies_;
  bool dry_run_;
  std::int64_t now_;
  bool stopped_ = false;
  std::vector<StoreTally> tallies_;
  std::map<std::size_t, std::int64_t> by_policy_;
  Json listed_ = Json::array();
  std::int64_t checked_ = 0, expired_ = 0, deleted_ = 0, bytes_ = 0;
};

}  // namespace

std::string retentionPolicySummary(const std::vector<RetentionPolicy>& policies) {
  std::string out = std::to_string(policies.size()) + " polic" + (policies.size() == 1 ? "y" : "ies");
  for (std::size_t i = 0; i < policies.size(); ++i) out += (i == 0 ? ": " : ", ") + policies[i].name;
  return out;
}

Result<Json> runRetention(RetentionEnvironment& env, const std::vector<RetentionPolicy>& policies, bool dry_run,
                          std::int64_t now) {
  RetentionRun run(env, policies, dry_run, now);
  return run.run();
}

}  // namespace spe::instance
