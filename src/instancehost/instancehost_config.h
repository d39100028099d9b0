// Configuration of spe-instancehost (instancehost.json). Strict.
#pragma once

#include "common/role_agent.h"

namespace spe::instancehost {

struct InstanceHostConfig {
  RoleConfig role;
  // Root under which instance base directories live; the directory
  // functions of the Management API never reach outside it.
  std::string base_directory = "data/instances";
};

Result<InstanceHostConfig> loadInstanceHostConfig(const std::string& path);

}  // namespace spe::instancehost
