// One run of the retention policies over the stores (ProcessRetentionPolicies,
// docs/compliance.md "Retention policies"): for each store and each user
// archive some policy may reach, the messages are listed and decided
// (retention_policies.h); in a real run the expired ones are deleted in
// batches with their audit records. The environment hands in what the run
// needs from the instance (stores, audit, the legal hold check, write
// permits, the indexer), so tests run it over real stores with a fixed now.
// Thread safety: one run belongs to one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/base/json_reader.h"
#include "common/base/result.h"
#include "instancehost/instance/model/retention_policies.h"
#include "store/archive_store.h"

namespace spe::instance {

// A run lists at most this many messages in its answer (the counts are whole).
inline constexpr std::size_t kRetentionListedMessagesMax = 1000;
// Messages deleted per store transaction.
inline constexpr std::size_t kRetentionDeleteBatch = 500;

struct RetentionEnvironment {
  // The open stores by id, and their names (for the answer).
  std::vector<std::pair<std::int64_t, std::shared_ptr<store::ArchiveStore>>> stores;
  std::map<std::int64_t, std::string> store_names;
  // Asked before each batch of deletions: an error ends the run with it
  // (legal hold switched on meanwhile).
  std::function<Status()> may_delete;
  // Held while a batch is deleted and audited (the instance's write permit):
  // an error (cancelled while frozen) ends the run. Empty: no permit.
  std::function<Result<std::shared_ptr<void>>()> write_permit;
  // Writes an audit record; an error ends the run with it.
  std::function<Status(std::string_view event, const std::string& details)> audit;
  // Messages of this store were deleted (wakes its indexer). May be empty.
  std::function<void(std::int64_t store_id)> deleted;
  store::OperationControl control;
  std::function<void(const std::string&)> log;
};

// "N policies: name, name, ..." (audit details of Update and Start).
std::string retentionPolicySummary(const std::vector<RetentionPolicy>& policies);

// Runs the policies at `now` (epoch seconds). A real run writes
// RetentionPoliciesProcessStart first and RetentionPoliciesProcessFinish
// last (also when cancelled: the run then fails kCancelled saying how many
// were deleted), one RetentionPoliciesMessageDelete per deleted message;
// a dry run writes nothing and deletes nothing. The answer's shape is in
// docs/compliance.md.
Result<Json> runRetention(RetentionEnvironment& env, const std::vector<RetentionPolicy>& policies, bool dry_run,
                          std::int64_t now);

}  // namespace spe::instance
