// The operating-system side of instance isolation, for the Instance Host:
//
// - every instance runs as its own unprivileged system user, `spe-i-<id>`
//   (created with useradd on first start when the host runs as root);
// - its base directory belongs to that user (mode 700), its import directory
//   is readable but not writable by it (root:<its group>, mode 750), its
//   runtime directory (the Unix socket) belongs to it (mode 700);
// - leftovers: instance processes of an earlier run of this host (found by
//   the socket directory in their command line) are ended at host start.
// Thread safety: the functions are independent; ensureInstanceUser must be
// serialised by the caller (useradd locks /etc/passwd and fails when busy).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "common/base/result.h"

namespace spe::instancehost {

struct InstanceUser {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
};

// `spe-i-<id>`; IDs longer than 26 characters (the user name limit is 32)
// keep their first 17 characters and add 8 hex digits of a hash of the ID.
std::string instanceUserName(const std::string& instance_id);

// The instance IDs the Management Server accepts: 3-32 characters of a-z,
// 0-9 and '-', starting with a letter. The host refuses any other.
bool isValidInstanceId(const std::string& id);

// Runs a program to completion and returns its wait status (or an error
// when it cannot be started). Given by the supervisor, which reaps children.
using RunProgram = std::function<Result<int>(const std::vector<std::string>& argv)>;

// Looks the user up and creates it (system user, no home, no login shell,
// own group) when it does not exist.
Result<InstanceUser> ensureInstanceUser(const std::string& instance_id, const RunProgram& run);

// Gives `dir` and everything below it that belongs to someone else (files
// an administrator's tools wrote as root, a base directory from before users
// per instance) to uid:gid; symbolic links are not followed. One lstat per
// file: a store holds container files, not a file per message.
Status chownTree(const std::string& dir, uid_t uid, gid_t gid);

// Checks that every directory above `dir` lets `uid`/`gid` pass (search
// permission); the error names the first directory that does not.
Status checkReachable(const std::string& dir, uid_t uid, gid_t gid);

// Processes named spe-instance whose `--socket` lies in `runtime_directory`
// (from /proc/<pid>/cmdline), other than this process's children.
std::vector<int> findLeftoverInstances(const std::string& runtime_directory);

// SIGTERM to each, SIGKILL to those alive after `grace`; waits until they
// are gone (they are not our children: /proc tells). Returns how many ended.
int endLeftoverInstances(const std::vector<int>& pids, std::chrono::milliseconds grace);

}  // namespace spe::instancehost
