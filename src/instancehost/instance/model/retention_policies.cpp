#include "instancehost/instance/model/retention_policies.h"

#include <chrono>
#include <set>

#include "common/base/text.h"
#include "store/archive_store.h"

namespace spe::instance {
namespace {

Error fieldError(const std::string& path, const std::string& what) {
  return Error{ErrorCode::kInvalidArgument, "'" + path + "' " + what, path};
}

// Refuses keys of `object` not in `allowed`.
Status onlyKeys(const Json& object, const std::string& path, std::initializer_list<const char*> allowed) {
  for (auto it = object.begin(); it != object.end(); ++it) {
    bool known = false;
    for (const char* a : allowed) known = known || it.key() == a;
    if (!known) {
      return fieldError(
          path + "." + it.key(), "is not a field of " + path + " (allowed: " + [&] {
            std::string list;
            for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
            return list;
          }() + ").");
    }
  }
  return okStatus();
}

bool hasControl(const std::string& s) {
  for (unsigned char ch : s) {
    if (ch < 0x20 || ch == 0x7f) return true;
  }
  return false;
}

Result<std::string> requiredString(const Json& object, const std::string& key, const std::string& path) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return fieldError(path + "." + key, "is missing.");
  if (!it->is_string()) return fieldError(path + "." + key, "must be a string.");
  return it->get<std::string>();
}

Result<int> periodPart(const Json& period, const char* key, const std::string& path, int max) {
  const std::string p = path + "." + key;
  auto it = period.find(key);
  if (it == period.end() || it->is_null()) return 0;
  if (!it->is_number_integer() && !it->is_number_unsigned()) {
    return fieldError(p, "must be a whole number from 0 to " + std::to_string(max) + ".");
  }
  const auto v = it->get<std::int64_t>();
  if (v < 0 || v > max) return fieldError(p, "must be a whole number from 0 to " + std::to_string(max) + ".");
  return static_cast<int>(v);
}

Result<std::vector<std::string>> stringList(const Json& scope, const char* key, const std::string& path) {
  const std::string p = path + "." + key;
  auto it = scope.find(key);
  if (it == scope.end() || it->is_null()) return fieldError(p, "is missing.");
  if (!it->is_array()) return fieldError(p, "must be a list of strings.");
  if (it->empty()) return fieldError(p, "must name at least one entry.");
  if (it->size() > kMaxRetentionScopeEntries) {
    return fieldError(p, "may hold at most " + std::to_string(kMaxRetentionScopeEntries) + " entries.");
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < it->size(); ++i) {
    const std::string pi = p + "[" + std::to_string(i) + "]";
    if (!(*it)[i].is_string()) return fieldError(pi, "must be a string.");
    out.push_back((*it)[i].get<std::string>());
  }
  return out;
}

Result<RetentionScope> parseScope(const Json& policy, const std::string& path) {
  const std::string p = path + ".scope";
  auto it = policy.find("scope");
  if (it == policy.end() || it->is_null()) return fieldError(p, "is missing.");
  if (!it->is_object()) return fieldError(p, "must be an object.");
  const Json& s = *it;
  auto kind = requiredString(s, "kind", p);
  if (!kind) return kind.error();
  RetentionScope scope;
  if (*kind == "allArchives") {
    SPE_TRY(onlyKeys(s, p, {"kind"}));
    scope.kind = RetentionScopeKind::kAllArchives;
  } else if (*kind == "users") {
    SPE_TRY(onlyKeys(s, p, {"kind", "users"}));
    scope.kind = RetentionScopeKind::kUsers;
    auto users = stringList(s, "users", p);
    if (!users) return users.error();
    std::set<std::string> seen;
    for (std::size_t i = 0; i < users->size(); ++i) {
      const std::string& u = (*users)[i];
      const std::string pi = p + ".users[" + std::to_string(i) + "]";
      if (u.empty() || u.size() > 255 || hasControl(u) || u.find('/') != std::string::npos) {
        return fieldError(pi, "must be a user name (1-255 characters, no '/' and no control characters).");
      }
      if (!seen.insert(asciiLower(u)).second) return fieldError(pi, "names '" + u + "' a second time.");
      scope.users.push_back(u);
    }
  } else if (*kind == "folders") {
    SPE_TRY(onlyKeys(s, p, {"kind", "folders", "includeSubfolders"}));
    scope.kind = RetentionScopeKind::kFolders;
    auto folders = stringList(s, "folders", p);
    if (!folders) return folders.error();
    std::set<std::string> seen;
    for (std::size_t i = 0; i < folders->size(); ++i) {
      const std::string pi = p + ".folders[" + std::to_string(i) + "]";
      auto norm = store::ArchiveStore::normaliseFolder((*folders)[i]);
      if (!norm) return fieldError(pi, "is not a folder path: " + norm.error().message);
      if (norm->empty()) return fieldError(pi, "must name a folder (a user archive or a folder in one).");
      if (!seen.insert(*norm).second) return fieldError(pi, "names '" + *norm + "' a second time.");
      scope.folders.push_back(*norm);
    }
    if (auto sub = s.find("includeSubfolders"); sub != s.end() && !sub->is_null()) {
      if (!sub->is_boolean()) return fieldError(p + ".includeSubfolders", "must be true or false.");
      scope.include_subfolders = sub->get<bool>();
    }
  } else {
    return fieldError(p + ".kind",
                      "must be \"allArchives\", \"users\" or \"folders\" (not \"" + printable(*kind) + "\").");
  }
  return scope;
}

Result<RetentionPolicy> parsePolicy(const Json& j, const std::string& path) {
  if (!j.is_object()) return fieldError(path, "must be an object.");
  SPE_TRY(onlyKeys(j, path, {"name", "scope", "period", "from", "action"}));
  RetentionPolicy policy;
  auto name = requiredString(j, "name", path);
  if (!name) return name.error();
  if (name->empty() || name->size() > kMaxRetentionNameLength || hasControl(*name) ||
      collapseWhitespace(*name).empty()) {
    return fieldError(path + ".name", "must be 1-" + std::to_string(kMaxRetentionNameLength) +
                                          " characters, not only spaces, without control characters.");
  }
  policy.name = *name;
  auto scope = parseScope(j, path);
  if (!scope) return scope.error();
  policy.scope = std::move(*scope);

  const std::string pp = path + ".period";
  auto period = j.find("period");
  if (period == j.end() || period->is_null()) return fieldError(pp, "is missing.");
  if (!period->is_object()) return fieldError(pp, "must be an object with years, months and days.");
  SPE_TRY(onlyKeys(*period, pp, {"years", "months", "days"}));
  auto years = periodPart(*period, "years", pp, 100);
  if (!years) return years.error();
  auto months = periodPart(*period, "months", pp, 1200);
  if (!months) return months.error();
  auto days = periodPart(*period, "days", pp, 36500);
  if (!days) return days.error();
  policy.period = {*years, *months, *days};
  if (*years == 0 && *months == 0 && *days == 0) {
    return fieldError(pp, "must be longer than nothing: at least one of years, months and days above 0.");
  }

  auto from = requiredString(j, "from", path);
  if (!from) return from.error();
  if (*from == "messageDate") {
    policy.from = RetentionFrom::kMessageDate;
  } else if (*from == "archiveDate") {
    policy.from = RetentionFrom::kArchiveDate;
  } else {
    return fieldError(path + ".from", "must be \"messageDate\" or \"archiveDate\" (not \"" + printable(*from) + "\").");
  }
  auto action = requiredString(j, "action", path);
  if (!action) return action.error();
  if (*action != "delete") {
    return fieldError(path + ".action", "must be \"delete\" (not \"" + printable(*action) + "\").");
  }
  return policy;
}

const char* kindName(RetentionScopeKind k) {
  switch (k) {
    case RetentionScopeKind::kUsers: return "users";
    case RetentionScopeKind::kFolders: return "folders";
    case RetentionScopeKind::kAllArchives: break;
  }
  return "allArchives";
}

}  // namespace

Result<std::vector<RetentionPolicy>> parseRetentionPolicies(const Json& config) {
  const std::string root = "config";
  if (!config.is_object()) return fieldError(root, "must be an object: {\"policies\": [...]}.");
  SPE_TRY(onlyKeys(config, root, {"policies"}));
  auto list = config.find("policies");
  if (list == config.end() || list->is_null()) return fieldError(root + ".policies", "is missing.");
  if (!list->is_array()) return fieldError(root + ".policies", "must be a list of policies.");
  if (list->size() > kMaxRetentionPolicies) {
    return fieldError(root + ".policies", "may hold at most " + std::to_string(kMaxRetentionPolicies) + " policies.");
  }
  std::vector<RetentionPolicy> out;
  std::set<std::string> names;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string path = root + ".policies[" + std::to_string(i) + "]";
    auto p = parsePolicy((*list)[i], path);
    if (!p) return p.error();
    if (!names.insert(asciiLower(p->name)).second) {
      return fieldError(path + ".name", "'" + p->name + "' is the name of an earlier policy; names must differ.");
    }
    out.push_back(std::move(*p));
  }
  return out;
}

Json retentionPoliciesToJson(const std::vector<RetentionPolicy>& policies) {
  Json list = Json::array();
  for (const auto& p : policies) {
    Json scope{{"kind", kindName(p.scope.kind)}};
    if (p.scope.kind == RetentionScopeKind::kUsers) scope["users"] = p.scope.users;
    if (p.scope.kind == RetentionScopeKind::kFolders) {
      scope["folders"] = p.scope.folders;
      scope["includeSubfolders"] = p.scope.include_subfolders;
    }
    list.push_back({{"name", p.name},
                    {"scope", scope},
                    {"period", {{"years", p.period.years}, {"months", p.period.months}, {"days", p.period.days}}},
                    {"from", p.from == RetentionFrom::kArchiveDate ? "archiveDate" : "messageDate"},
                    {"action", "delete"}});
  }
  return Json{{"policies", list}};
}

Result<std::vector<RetentionPolicy>> loadRetentionPolicies(InstanceMasterDb& db) {
  auto j = db.setting(kRetentionPoliciesSetting, Json{{"policies", Json::array()}});
  if (!j) return j.error();
  auto p = parseRetentionPolicies(*j);
  if (!p) {
    return makeError(ErrorCode::kCorrupt, "The stored retention policies are damaged: " + p.error().message);
  }
  return p;
}

Status saveRetentionPolicies(InstanceMasterDb& db, const std::vector<RetentionPolicy>& policies) {
  return db.setSetting(kRetentionPoliciesSetting, retentionPoliciesToJson(policies));
}

std::int64_t addRetentionPeriod(std::int64_t start, const RetentionPeriod& period) {
  using namespace std::chrono;
  const sys_seconds t{seconds{start}};
  const sys_days day = floor<days>(t);
  const auto time_of_day = t - day;
  const year_month_day ymd{day};
  // Whole months from the start's month, then the day cut to that month's end.
  const year_month ym = year_month{ymd.year(), ymd.month()} + months{period.years * 12 + period.months};
  const auto last = year_month_day_last{ym.year(), month_day_last{ym.month()}}.day();
  const year_month_day target{ym.year(), ym.month(), std::min(ymd.day(), last)};
  const sys_days end = sys_days{target} + days{period.days};
  return duration_cast<seconds>((end + time_of_day).time_since_epoch()).count();
}

bool retentionCovers(const RetentionPolicy& policy, const std::string& folder) {
  switch (policy.scope.kind) {
    case RetentionScopeKind::kAllArchives: return true;
    case RetentionScopeKind::kUsers: {
      const std::string archive = asciiLower(store::archiveOf(folder));
      for (const auto& u : policy.scope.users) {
        if (asciiLower(u) == archive) return true;
      }
      return false;
    }
    case RetentionScopeKind::kFolders:
      for (const auto& f : policy.scope.folders) {
        if (folder == f) return true;
        if (policy.scope.include_subfolders && folder.size() > f.size() && folder.compare(0, f.size(), f) == 0 &&
            folder[f.size()] == '/') {
          return true;
        }
      }
      return false;
  }
  return false;
}

bool retentionMayCoverArchive(const std::vector<RetentionPolicy>& policies, const std::string& archive) {
  for (const auto& p : policies) {
    switch (p.scope.kind) {
      case RetentionScopeKind::kAllArchives: return true;
      case RetentionScopeKind::kUsers:
        if (retentionCovers(p, archive)) return true;
        break;
      case RetentionScopeKind::kFolders:
        for (const auto& f : p.scope.folders) {
          if (store::archiveOf(f) == archive) return true;
        }
        break;
    }
  }
  return false;
}

std::optional<RetentionVerdict> retentionVerdict(const std::vector<RetentionPolicy>& policies,
                                                 const std::string& folder, std::int64_t message_date,
                                                 std::int64_t archived_at, std::int64_t now) {
  std::optional<RetentionVerdict> verdict;
  for (std::size_t i = 0; i < policies.size(); ++i) {
    const auto& p = policies[i];
    if (!retentionCovers(p, folder)) continue;
    const std::int64_t start = p.from == RetentionFrom::kArchiveDate || message_date == 0 ? archived_at : message_date;
    const std::int64_t end = addRetentionPeriod(start, p.period);
    if (end > now) return std::nullopt;  // this policy still keeps it
    if (!verdict || end > verdict->expired_at) verdict = RetentionVerdict{i, end};
  }
  return verdict;
}

std::optional<RetentionPeriod> longestRetentionPeriod(const std::vector<RetentionPolicy>& policies, std::int64_t from) {
  std::optional<RetentionPeriod> longest;
  for (const auto& p : policies) {
    if (!longest || addRetentionPeriod(from, p.period) > addRetentionPeriod(from, *longest)) longest = p.period;
  }
  return longest;
}

Status retentionStoresReady(const Json& stores) {
  std::string problems;
  for (const auto& s : stores) {
    const std::string name = s.value("name", std::string());
    const std::string label = "'" + name + "' (id " + std::to_string(s.value("id", std::int64_t{0})) + ")";
    const std::string state = s.value("requestedState", std::string());
    std::string why;
    if (state != "normal" && state != "current") {
      why = "its requested state is " + state + " (normal or current needed)";
    } else if (s.contains("error") && s["error"].is_string() && !s["error"].get<std::string>().empty()) {
      why = "it is in error: " + s["error"].get<std::string>();
    } else if (s.value("needsUpgrade", false)) {
      why = "it needs an upgrade (UpgradeStore)";
    }
    if (!why.empty()) problems += (problems.empty() ? "" : "; ") + label + ": " + why;
  }
  if (problems.empty()) return okStatus();
  return makeError(ErrorCode::kUnavailable,
                   "Retention policies are processed only while every archive store is in a normal state "
                   "(requested state normal or current, no error, no upgrade pending). Not ready: " +
                       problems + ".");
}

}  // namespace spe::instance
