// Configuration of spe-instancehost (instancehost.json). Strict.
#pragma once

#include <optional>

#include "common/rpc/role_agent.h"

namespace spe::instancehost {

struct InstanceHostConfig {
  RoleConfig role;
  // Root under which instance base directories live; the directory
  // functions of the Management API never reach outside it.
  std::string base_directory = "data/instances";
  // spe-instance; empty = next to the spe-instancehost binary.
  std::string instance_binary;
  // "perInstance": each instance runs as its own system user spe-i-<id>
  // (the host must run as root; as another user instances run as that user
  // and the host logs what isolation is missing). "hostUser": instances run
  // as the host's user.
  std::string instance_users = "perInstance";
  // Each instance may import from <importDirectory>/<instanceID> (created
  // at start; readable, not writable, by the instance's user).
  std::string import_directory = "data/imports";
  // Further absolute directories every instance may import from and keep
  // archive stores in; "{instanceID}" in an entry becomes the instance's ID.
  // Besides these, only the instance's base and import directories.
  std::vector<std::string> allowed_path_roots;
  // Web Access restores to a mailbox the end user names (docs/export.md
  // "Web Access"): on or off for every instance; the servers the provider
  // allows besides public ones on ports 143 and 993 ("host", "host:port",
  // "[v6]:port": common/base/host_names.h); a PEM file of certificates
  // trusted besides the system's (readable by the instances' users).
  bool web_restore = true;
  std::vector<std::string> web_restore_servers;
  std::string web_restore_ca_file;
  // How often each instance looks for events to notify about
  // (reports/notifier.h); absent: the instance's default, 300. A shorter
  // one is for tests and for operators who want notifications sooner; the
  // limit of one mail per kind per 15 minutes stays.
  std::optional<std::int64_t> notification_sweep_seconds;
  std::int64_t stop_timeout_seconds = 10;
  std::int64_t ready_timeout_seconds = 30;
  // Instances with the start mode "onDemand" stop after this long without
  // use (on_demand.h); 0: only when asked.
  std::int64_t on_demand_idle_stop_seconds = 900;
};

Result<InstanceHostConfig> loadInstanceHostConfig(const std::string& path);

}  // namespace spe::instancehost
