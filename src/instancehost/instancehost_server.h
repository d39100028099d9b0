// InstanceHostServer: the spe-instancehost role. Answers the Management
// Server's commands on 8472 (directory functions now; instance control in
// the instances issue) and sends heartbeats to 8471.
#pragma once

#include <memory>

#include "common/role_agent.h"
#include "instancehost/directory_service.h"
#include "instancehost/instancehost_config.h"

namespace spe::instancehost {

class InstanceHostServer {
 public:
  explicit InstanceHostServer(InstanceHostConfig config);
  RoleAgent& agent() { return agent_; }
  Result<Json> handle(const RpcRequest& request);

 private:
  InstanceHostConfig config_;
  DirectoryService directories_;
  RoleAgent agent_;
};

}  // namespace spe::instancehost
