// Configuration of spe-instancehost (instancehost.json). Strict.
#pragma once

#include "common/role_agent.h"

namespace spe::instancehost {

struct InstanceHostConfig {
  RoleConfig role;
  // Root under which instance base directories live; the directory
  // functions of the Management API never reach outside it.
  std::string base_directory = "data/instances";
  // spe-instance; empty = next to the spe-instancehost binary.
  std::string instance_binary;
  std::int64_t stop_timeout_seconds = 10;
  std::int64_t ready_timeout_seconds = 30;
};

Result<InstanceHostConfig> loadInstanceHostConfig(const std::string& path);

}  // namespace spe::instancehost
