// What an instance needs before its process starts, for InstanceSupervisor:
// the host key that protects every instance's key file, the instance's
// directories and system user, its allowed roots, and the cached list of
// instances (for starting without the Management Server).
// Thread safety: the functions are independent; prepareInstance serialises
// its user creation on `useradd_mutex` (useradd fails while another one
// holds /etc/passwd).
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/base/result.h"
#include "instancehost/instance_process.h"
#include "instancehost/instance_supervisor.h"
#include "instancehost/instance_users.h"

namespace spe::instancehost {

// Reads the host key (64 hex characters), creating it (mode 600, its
// directory 700) on first use. Empty on failure, which is logged.
std::string loadOrCreateHostKey(const std::string& path);

// Creates the instance's base, runtime (for `socket`) and import
// directories with their modes and owners, and with a user per instance its
// user (running useradd through `run_program`), which goes into launch.uid
// and gid; appends the --allowed-root arguments to launch.argv. Errors name
// the directory or the ID that is wrong.
Status prepareInstance(const InstanceSpec& spec, const SupervisorOptions& options, const std::string& socket,
                       const RunProgram& run_program, std::mutex& useradd_mutex, LaunchOptions& launch);

// The cached instance list at `path`; nullopt when there is none (or
// `path` is empty, or it is not a list).
std::optional<std::vector<InstanceSpec>> loadInstanceList(const std::string& path);
// Replaces it atomically (mode 600: it names every instance and its base
// directory); kIo naming the file on failure, the old list left as it was.
Status saveInstanceList(const std::string& path, const std::vector<InstanceSpec>& specs);

}  // namespace spe::instancehost
