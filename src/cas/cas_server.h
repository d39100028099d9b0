// CasServer: the spe-cas role. Pairs with the Management Server (8473 for
// its commands, heartbeats to 8471). End-user listeners come with the
// end-user access issue.
#pragma once

#include "cas/cas_config.h"
#include "common/role_agent.h"

namespace spe::cas {

class CasServer {
 public:
  explicit CasServer(CasConfig config);
  RoleAgent& agent() { return agent_; }

 private:
  CasConfig config_;
  RoleAgent agent_;
};

}  // namespace spe::cas
