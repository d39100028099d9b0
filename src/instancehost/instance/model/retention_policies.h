// Retention policies of an instance (docs/compliance.md "Retention
// policies"): what they are, their JSON shape and its strict check, where
// they are kept (SETTINGS 'RetentionPolicies'), and the rules
// ProcessRetentionPolicies applies: when a message's period has run out,
// which policy lets it go, and whether the stores are in a state to delete.
//
// The product's JSON shape is not published; this one is ours:
//   {"policies": [{"name": "Mail after 10 years",
//                  "scope": {"kind": "allArchives"}
//                         | {"kind": "users", "users": ["jdoe", ...]}
//                         | {"kind": "folders", "folders": ["jdoe/Inbox"], "includeSubfolders": true},
//                  "period": {"years": 10, "months": 0, "days": 0},
//                  "from": "messageDate" | "archiveDate",
//                  "action": "delete"}, ...]}
//
// Dates: epoch seconds, the period added in UTC calendar terms (years and
// months first, the day kept or cut to the month's last day, then days);
// a message without a date is measured from its archive date.
// Several policies covering one message: it goes only when every one of
// them has run out (the longest retention wins).
// Thread safety: pure functions, except load/save (the database's own).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/base/json_reader.h"
#include "common/base/result.h"
#include "instancehost/instance/model/master_db.h"

namespace spe::instance {

inline constexpr const char* kRetentionPoliciesSetting = "RetentionPolicies";
inline constexpr std::size_t kMaxRetentionPolicies = 100;
inline constexpr std::size_t kMaxRetentionScopeEntries = 1000;
inline constexpr std::size_t kMaxRetentionNameLength = 100;

struct RetentionPeriod {
  int years = 0;
  int months = 0;
  int days = 0;
  bool operator==(const RetentionPeriod&) const = default;
};

enum class RetentionScopeKind { kAllArchives, kUsers, kFolders };
enum class RetentionFrom { kMessageDate, kArchiveDate };

struct RetentionScope {
  RetentionScopeKind kind = RetentionScopeKind::kAllArchives;
  std::vector<std::string> users;    // kUsers: user (= archive) names, compared case-insensitively
  std::vector<std::string> folders;  // kFolders: normalised folder paths
  bool include_subfolders = true;    // kFolders only
};

struct RetentionPolicy {
  std::string name;
  RetentionScope scope;
  RetentionPeriod period;
  RetentionFrom from = RetentionFrom::kMessageDate;
  // The only action there is: "delete".
};

// Checks `config` ({"policies": [...]}) strictly: unknown or missing keys,
// wrong types, values out of range, duplicate names. The error's message
// names the field path ("config.policies[2].period.months") and its
// details hold the same path.
Result<std::vector<RetentionPolicy>> parseRetentionPolicies(const Json& config);
// The stored and answered form: every field written out.
Json retentionPoliciesToJson(const std::vector<RetentionPolicy>& policies);

// SETTINGS 'RetentionPolicies'; none stored = no policies.
Result<std::vector<RetentionPolicy>> loadRetentionPolicies(InstanceMasterDb& db);
Status saveRetentionPolicies(InstanceMasterDb& db, const std::vector<RetentionPolicy>& policies);

// `start` (epoch seconds, UTC) plus the period: years and months as one
// count of months, the day of month kept or cut to the target month's
// last day (31 Jan + 1 month = 28/29 Feb; 29 Feb 2024 + 1 year = 28 Feb
// 2025), then the days; the time of day is kept.
std::int64_t addRetentionPeriod(std::int64_t start, const RetentionPeriod& period);

// Whether the policy's scope takes in a message in `folder` (its first
// component is the user archive).
bool retentionCovers(const RetentionPolicy& policy, const std::string& folder);
// Whether any policy may take in a message of the user archive `archive`
// (so an archive no policy reaches is not read at all).
bool retentionMayCoverArchive(const std::vector<RetentionPolicy>& policies, const std::string& archive);

// The decision for one message.
struct RetentionVerdict {
  std::size_t policy = 0;       // index of the policy that held it longest
  std::int64_t expired_at = 0;  // when the last covering policy ran out
};
// nullopt: no policy covers the message, or one still keeps it at `now`.
// `message_date` 0 (unknown) counts from `archived_at`.
std::optional<RetentionVerdict> retentionVerdict(const std::vector<RetentionPolicy>& policies,
                                                 const std::string& folder, std::int64_t message_date,
                                                 std::int64_t archived_at, std::int64_t now);

// The longest period of the policies, measured from `from` (epoch seconds:
// periods of months differ by the calendar), nullopt without policies. The
// audit log keeps its entries at least this long (issue 21).
std::optional<RetentionPeriod> longestRetentionPeriod(const std::vector<RetentionPolicy>& policies, std::int64_t from);

// The product's rule: retention policies are processed only while every
// store is in a normal state: requested state "normal" or "current", open
// without error, and not in need of an upgrade (so neither disabled nor
// write-protected). `stores` is StoreManager::list()'s answer. The error
// (kUnavailable) names every store that is not, and why.
Status retentionStoresReady(const Json& stores);

}  // namespace spe::instance
