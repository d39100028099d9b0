#include "instancehost/instancehost_config.h"

#include <filesystem>

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
  });
  if (!role) return role.error();
  c.role = *role;
  c.base_directory = std::filesystem::absolute(c.base_directory).lexically_normal().string();
  while (c.base_directory.size() > 1 && c.base_directory.back() == '/') c.base_directory.pop_back();
  return c;
}

}  // namespace spe::instancehost
