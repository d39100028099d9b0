// Configuration of spe-cas (cas.json). Strict. The public listeners (443,
// 143, 993) belong to the end-user access issue and are configured here then.
#pragma once

#include "common/role_agent.h"

namespace spe::cas {

struct CasConfig {
  RoleConfig role;
};

Result<CasConfig> loadCasConfig(const std::string& path);

}  // namespace spe::cas
