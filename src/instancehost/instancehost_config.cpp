#include "instancehost/instancehost_config.h"

#include <filesystem>

#include "common/base/host_names.h"

namespace spe::instancehost {

Result<InstanceHostConfig> loadInstanceHostConfig(const std::string& path) {
  InstanceHostConfig c;
  RoleConfig defaults;
  defaults.server_type = "instanceHost";
  defaults.port = 8472;
  defaults.data_directory = "data/instancehost";
  auto role = loadRoleConfig(path, defaults, [&c](JsonReader& r) {
    r.str("baseDirectory", c.base_directory);
    if (c.base_directory.empty()) r.fail("baseDirectory", "must not be empty");
    r.str("instanceBinary", c.instance_binary);
    r.str("instanceUsers", c.instance_users);
    if (c.instance_users != "perInstance" && c.instance_users != "hostUser") {
      r.fail("instanceUsers", "must be perInstance or hostUser");
    }
    r.str("importDirectory", c.import_directory);
    if (c.import_directory.empty()) r.fail("importDirectory", "must not be empty");
    r.strList("allowedPathRoots", c.allowed_path_roots);
    for (const auto& root : c.allowed_path_roots) {
      if (root.empty() || root[0] != '/') r.fail("allowedPathRoots", "every entry must be an absolute path");
    }
    r.boolean("webRestore", c.web_restore);
    r.strList("webRestoreServers", c.web_restore_servers);
    if (auto list = HostAllowList::parse(c.web_restore_servers); !list) {
      r.fail("webRestoreServers", list.error().message);
    }
    r.str("webRestoreCaFile", c.web_restore_ca_file);
    if (!c.web_restore_ca_file.empty() && c.web_restore_ca_file[0] != '/') {
      r.fail("webRestoreCaFile", "must be an absolute path");
    }
    std::int64_t sweep = 0;
    r.integer("notificationSweepSeconds", sweep, false, 1, 3600);
    if (sweep > 0) c.notification_sweep_seconds = sweep;
    r.integer("stopTimeoutSeconds", c.stop_timeout_seconds, false, 1, 3600);
    r.integer("readyTimeoutSeconds", c.ready_timeout_seconds, false, 1, 3600);
    r.integer("onDemandIdleStopSeconds", c.on_demand_idle_stop_seconds, false, 0, 7 * 24 * 3600);
  });
  if (!role) return role.error();
  c.role = *role;
  c.base_directory = std::filesystem::absolute(c.base_directory).lexically_normal().string();
  while (c.base_directory.size() > 1 && c.base_directory.back() == '/') c.base_directory.pop_back();
  c.import_directory = std::filesystem::absolute(c.import_directory).lexically_normal().string();
  while (c.import_directory.size() > 1 && c.import_directory.back() == '/') c.import_directory.pop_back();
  for (auto& root : c.allowed_path_roots) {
    root = std::filesystem::path(root).lexically_normal().string();
    while (root.size() > 1 && root.back() == '/') root.pop_back();
  }
  if (c.instance_binary.empty()) {
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    c.instance_binary = (ec ? std::filesystem::path(".") : self.parent_path()) / "spe-instance";
  }
  return c;
}

}  // namespace spe::instancehost
