// SyncUsersWithDirectoryServices: brings the instance's users in line with
// the users its directory selects (docs/directory-services.md).
//
// Two phases, so the directory can never leave the users half-synced:
//   1. read: every user entry, then the members of each configured group,
//      from the DirectoryReader. A directory that fails, stops answering or
//      goes away here ends the sync with its error and nothing changed.
//   2. plan and apply: planDirectorySync() compares the selected entries
//      with the instance's users (pure; a dry run stops here and reports the
//      plan); applyDirectorySync() carries it out change by change through a
//      SyncTarget. A failure or a cancellation there stops at once; the
//      error says which changes were made (the details carry them as JSON),
//      and each made change is whole (one user at a time, audited).
//
// Matching: an entry matches the user with its DN (case-insensitively,
// spaces around separators ignored), else the user with its name. A DN
// match with another name is a rename (the archive folder follows).
// Created users authenticate with "directoryServices" and may log in with
// web and imap; existing users keep their authentication and privileges.
// Deletion (deleteUsers) only ever touches users whose authentication is
// directoryServices; their archives stay.
// Thread safety: none needed; one sync runs on the calling thread.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/base/json_reader.h"
#include "instancehost/instance/directory/directory_config.h"
#include "instancehost/instance/directory/ldap_directory.h"
#include "instancehost/instance/model/users.h"

namespace spe::instance {

struct SyncChange {
  std::string field;  // "userName" | "fullName" | "emailAddresses" | "distinguishedName"
  Json from;
  Json to;
};

struct SyncUpdate {
  std::string user_name;  // the stored name before the change
  User after;             // the whole user as it is to be stored
  std::vector<SyncChange> changes;
  bool renamed() const;
};

struct SyncSkip {
  std::string entry;  // the entry's DN (or name)
  std::string reason;
};

struct SyncPlan {
  std::vector<User> create;
  std::vector<SyncUpdate> update;
  std::vector<std::string> remove;
  int unchanged = 0;
  std::vector<SyncSkip> skipped;
};

// Which entries a sync takes: the enabled ones when enabledUsersOnly, and,
// when groups are configured, those in any of them (the entry's memberOf
// names the group, or the group's member values name the entry's DN or its
// user name). `group_members` is indexed like config.groups. Entries not
// taken are simply not there for the sync.
std::vector<DirectoryEntry> selectDirectoryEntries(const DirectoryConfig& config,
                                                   const std::vector<DirectoryEntry>& entries,
                                                   const std::vector<std::vector<std::string>>& group_members);

// The changes that make `existing` match `selected` (pure).
SyncPlan planDirectorySync(const DirectoryConfig& config, const std::vector<DirectoryEntry>& selected,
                           const std::vector<User>& existing);

// Where a sync's changes go; each call is one whole change, audited.
class SyncTarget {
 public:
  virtual ~SyncTarget() = default;
  virtual Status create(const User& user) = 0;
  virtual Status update(const SyncUpdate& update) = 0;  // may rename (the archive follows)
  virtual Status remove(const std::string& user_name) = 0;
};

// The result object of SyncUsersWithDirectoryServices (identity_protocol):
// {dryRun, created, updated, deleted, unchanged, skipped}. Only the first
// `done` changes (in create, update, delete order) are listed: all by
// default, what a stopped sync made otherwise.
Json syncResultJson(const SyncPlan& plan, bool dry_run, std::size_t done = SIZE_MAX);

// Phase 2 for real: applies `plan` in order (create, update, delete),
// checking `control` before each change and reporting progress. Returns
// the result object; a failure or cancellation is an error whose message
// counts the changes made and whose details are the result object of them.
Result<Json> applyDirectorySync(const SyncPlan& plan, SyncTarget& target, const store::OperationControl& control,
                                const std::function<void(const std::string&)>& log);

// OK for the LDAP types; kInvalidArgument for none ("configure one first"),
// kNotSupported for the cloud types ("needs a cloud connection").
Status checkSyncable(const DirectoryConfig& config);

// The whole sync: read (phase 1), plan, then report (dry run) or apply.
// Refuses what checkSyncable() refuses.
Result<Json> syncUsersWithDirectory(const DirectoryConfig& config, DirectoryReader& reader,
                                    const std::vector<User>& existing, SyncTarget& target, bool dry_run,
                                    const store::OperationControl& control,
                                    const std::function<void(const std::string&)>& log);

}  // namespace spe::instance
