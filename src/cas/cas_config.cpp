#include "cas/cas_config.h"

namespace spe::cas {

Result<CasConfig> loadCasConfig(const std::string& path) {
  RoleConfig defaults;
  defaults.server_type = "clientAccessServer";
  defaults.port = 8473;
  defaults.data_directory = "data/cas";
  auto role = loadRoleConfig(path, defaults, {});
  if (!role) return role.error();
  return CasConfig{*role};
}

}  // namespace spe::cas
