#include "instancehost/instance/directory/directory_sync.h"

#include <map>
#include <set>

#include "common/base/text.h"

namespace spe::instance {
namespace {

Json userRow(const User& u) {
  return Json{{"userName", u.name},
              {"fullName", u.full_name},
              {"emailAddresses", u.email_addresses},
              {"distinguishedName", u.distinguished_name}};
}

// A failure of phase 1 (nothing changed yet). The directory being down is
// kIo here, not kUnavailable: between processes kUnavailable means "the
// instance cannot be reached", and the Management Server would say so.
Error readFailure(Error e) {
  if (e.code == ErrorCode::kCancelled) return e;
  if (e.code == ErrorCode::kUnavailable) e.code = ErrorCode::kIo;
  e.message += " Nothing was changed.";
  return e;
}

}  // namespace

bool SyncUpdate::renamed() const {
  for (const auto& c : changes) {
    if (c.field == "userName") return true;
  }
  return false;
}

std::vector<DirectoryEntry> selectDirectoryEntries(const DirectoryConfig& config,
                                                   const std::vector<DirectoryEntry>& entries,
                                                   const std::vector<std::vector<std::string>>& group_members) {
  std::set<std::string> group_dns, member_keys;
  for (const auto& g : config.groups) group_dns.insert(normaliseDn(g));
  for (const auto& members : group_members) {
    for (const auto& m : members) {
      member_keys.insert(normaliseDn(m));  // a DN, or a user name (memberUid)
    }
  }
  std::vector<DirectoryEntry> out;
  for (const auto& e : entries) {
    if (config.enabled_users_only && e.disabled) continue;
    if (!config.groups.empty()) {
      bool in = member_keys.count(normaliseDn(e.dn)) > 0 ||
                (!e.user_name.empty() && member_keys.count(asciiLower(e.user_name)) > 0);
      for (const auto& g : e.member_of) in = in || group_dns.count(normaliseDn(g)) > 0;
      if (!in) continue;
    }
    out.push_back(e);
  }
  return out;
}

SyncPlan planDirectorySync(const DirectoryConfig& config, const std::vector<DirectoryEntry>& selected,
                           const std::vector<User>& existing) {
  SyncPlan plan;
  std::map<std::string, std::size_t> by_dn, by_name;
  for (std::size_t i = 0; i < existing.size(); ++i) {
    if (!existing[i].distinguished_name.empty()) by_dn.emplace(normaliseDn(existing[i].distinguished_name), i);
    by_name.emplace(asciiLower(existing[i].name), i);
  }
  // Pass 1: which entry goes with which user; DN matches first, so a user
  // renamed in the directory is not mistaken for a new one.
  std::vector<std::optional<std::size_t>> match(selected.size());
  std::vector<bool> valid(selected.size(), false);
  std::map<std::size_t, std::size_t> owner;  // existing user -> entry
  std::set<std::string> names;
  for (std::size_t i = 0; i < selected.size(); ++i) {
    const DirectoryEntry& e = selected[i];
    if (e.user_name.empty()) {
      plan.skipped.push_back({e.dn, "The entry has no user name (its user-name attribute is empty)."});
      continue;
    }
    if (auto st = UserDirectory::checkUserName(e.user_name); !st) {
      plan.skipped.push_back(
          {e.dn, "'" + printable(e.user_name, 100) + "' cannot be a user name: " + st.error().message});
      continue;
    }
    if (!names.insert(asciiLower(e.user_name)).second) {
      plan.skipped.push_back({e.dn, "Another entry has the user name '" + e.user_name + "' too."});
      continue;
    }
    valid[i] = true;
    if (auto it = by_dn.find(normaliseDn(e.dn)); it != by_dn.end() && !owner.count(it->second)) {
      match[i] = it->second;
      owner[it->second] = i;
    }
  }
  for (std::size_t i = 0; i < selected.size(); ++i) {
    if (!valid[i] || match[i]) continue;
    if (auto it = by_name.find(asciiLower(selected[i].user_name)); it != by_name.end()) {
      if (owner.count(it->second)) {
        plan.skipped.push_back({selected[i].dn, "The user name '" + selected[i].user_name +
                                                    "' belongs to a user that another entry renames; sync again "
                                                    "after this one."});
        valid[i] = false;
        continue;
      }
      match[i] = it->second;
      owner[it->second] = i;
    }
  }
  // Pass 2: the changes.
  for (std::size_t i = 0; i < selected.size(); ++i) {
    if (!valid[i]) continue;
    const DirectoryEntry& e = selected[i];
    if (!match[i]) {
      User u;
      u.name = e.user_name;
      u.full_name = e.full_name;
      u.distinguished_name = e.dn;
      u.email_addresses = e.email_addresses;
      u.authentication = "directoryServices";
      u.privileges = {"none"};
      u.login_privileges = {"web", "imap"};
      plan.create.push_back(u);
      continue;
    }
    const User& before = existing[*match[i]];
    SyncUpdate up;
    up.user_name = before.name;
    up.after = before;
    if (asciiLower(before.name) != asciiLower(e.user_name)) {
      if (auto it = by_name.find(asciiLower(e.user_name)); it != by_name.end() && it->second != *match[i]) {
        plan.skipped.push_back({e.dn, "'" + before.name + "' cannot be renamed to '" + e.user_name +
                                          "': a user of that name exists already."});
        continue;
      }
      up.changes.push_back({"userName", before.name, e.user_name});
      up.after.name = e.user_name;
    }
    if (before.full_name != e.full_name) {
      up.changes.push_back({"fullName", before.full_name, e.full_name});
      up.after.full_name = e.full_name;
    }
    if (before.email_addresses != e.email_addresses) {
      up.changes.push_back({"emailAddresses", before.email_addresses, e.email_addresses});
      up.after.email_addresses = e.email_addresses;
    }
    if (before.distinguished_name != e.dn) {
      up.changes.push_back({"distinguishedName", before.distinguished_name, e.dn});
      up.after.distinguished_name = e.dn;
    }
    if (up.changes.empty()) {
      ++plan.unchanged;
    } else {
      plan.update.push_back(std::move(up));
    }
  }
  if (config.delete_users) {
    std::vector<std::string> gone;
    for (std::size_t i = 0; i < existing.size(); ++i) {
      const User& u = existing[i];
      if (owner.count(i) || u.authentication != "directoryServices" || u.name == kArchiveAdmin) continue;
      gone.push_back(u.name);
    }
    // A directory that selects nobody is far more often a wrong filter or
    // group than a company without staff: it deletes no one.
    if (selected.empty() && !gone.empty()) {
      plan.skipped.push_back({"(deleteUsers)", "The directory selected no users at all, so none of the " +
                                                   std::to_string(gone.size()) +
                                                   " directory users was deleted (a safety check); check the "
                                                   "base DN, filter and groups."});
    } else {
      plan.remove = std::move(gone);
    }
  }
  return plan;
}

Json syncResultJson(const SyncPlan& plan, bool dry_run, std::size_t done) {
  Json created = Json::array(), updated = Json::array(), deleted = Json::array(), skipped = Json::array();
  std::size_t n = 0;
  for (const auto& u : plan.create) {
    if (n++ >= done) break;
    created.push_back(userRow(u));
  }
  for (const auto& up : plan.update) {
    if (n++ >= done) break;
    Json changes = Json::array();
    for (const auto& c : up.changes) changes.push_back(Json{{"field", c.field}, {"from", c.from}, {"to", c.to}});
    updated.push_back(Json{{"userName", up.user_name}, {"changes", changes}});
  }
  for (const auto& name : plan.remove) {
    if (n++ >= done) break;
    deleted.push_back(Json{{"userName", name}});
  }
  for (const auto& s : plan.skipped) skipped.push_back(Json{{"entry", s.entry}, {"reason", s.reason}});
  return Json{{"dryRun", dry_run},  {"created", created},          {"updated", updated},
              {"deleted", deleted}, {"unchanged", plan.unchanged}, {"skipped", skipped}};
}

Result<Json> applyDirectorySync(const SyncPlan& plan, SyncTarget& target, const store::OperationControl& control,
                                const std::function<void(const std::string&)>& log) {
  const std::size_t total = plan.create.size() + plan.update.size() + plan.remove.size();
  std::size_t done = 0;
  auto stopped = [&](Error e) -> Error {
    e.message += " " + std::to_string(done) + " of " + std::to_string(total) +
                 " changes were made before the sync stopped (listed in the details); the others were not.";
    e.details = dumpJson(syncResultJson(plan, false, done));
    return e;
  };
  auto step = [&](const std::string& what, const std::function<Status()>& change) -> Status {
    if (control.stop()) return stopped(makeError(ErrorCode::kCancelled, "The sync was cancelled."));
    auto st = change();
    if (!st) return stopped(st.error());
    ++done;
    if (log) log(what);
    control.report(static_cast<int>(done * 99 / std::max<std::size_t>(total, 1)), what);
    return okStatus();
  };
  for (const auto& u : plan.create) SPE_TRY(step("Created " + u.name, [&] { return target.create(u); }));
  for (const auto& up : plan.update) {
    const std::string what = up.renamed() ? "Renamed " + up.user_name + " to " + up.after.name
                                          : "Updated " + up.user_name;
    SPE_TRY(step(what, [&] { return target.update(up); }));
  }
  for (const auto& name : plan.remove) SPE_TRY(step("Deleted " + name, [&] { return target.remove(name); }));
  return syncResultJson(plan, false);
}

Status checkSyncable(const DirectoryConfig& config) {
  if (config.type == kDirectoryNone) {
    return makeError(ErrorCode::kInvalidArgument,
                     "No directory service is configured (type none); set one with SetDirectoryServicesConfiguration.");
  }
  if (!config.isLdap()) {
    return makeError(ErrorCode::kNotSupported,
                     "The directory service type '" + config.type + "' needs a cloud connection, not available.");
  }
  return okStatus();
}

Result<Json> syncUsersWithDirectory(const DirectoryConfig& config, DirectoryReader& reader,
                                    const std::vector<User>& existing, SyncTarget& target, bool dry_run,
                                    const store::OperationControl& control,
                                    const std::function<void(const std::string&)>& log) {
  auto say = [&](const std::string& line) {
    if (log) log(line);
    control.report(0, line);
  };
  SPE_TRY(checkSyncable(config));
  say("Reading the users of " + config.url() + " under " + config.base_dn);
  auto entries = reader.users(control);
  if (!entries) return readFailure(entries.error());
  std::vector<std::vector<std::string>> members;
  for (const auto& g : config.groups) {
    if (control.stop()) return makeError(ErrorCode::kCancelled, "The sync was cancelled; nothing was changed.");
    auto m = reader.groupMembers(g);
    if (!m) return readFailure(m.error());
    members.push_back(std::move(*m));
  }
  const auto selected = selectDirectoryEntries(config, *entries, members);
  say("The directory has " + std::to_string(entries->size()) + " user entries; " + std::to_string(selected.size()) +
      " are selected");
  const SyncPlan plan = planDirectorySync(config, selected, existing);
  say(std::to_string(plan.create.size()) + " to create, " + std::to_string(plan.update.size()) + " to update, " +
      std::to_string(plan.remove.size()) + " to delete, " + std::to_string(plan.unchanged) + " unchanged, " +
      std::to_string(plan.skipped.size()) + " skipped");
  if (dry_run) return syncResultJson(plan, true);
  auto result = applyDirectorySync(plan, target, control, log);
  control.report(100, "Done");
  return result;
}

}  // namespace spe::instance
