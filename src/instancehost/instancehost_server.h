// InstanceHostServer: the spe-instancehost role. Answers the Management
// Server's commands on 8472 (directories, instance control, calls forwarded
// to instance processes), sends heartbeats to 8471 and takes the list of its
// instances from their answers.
#pragma once

#include <memory>

#include "common/metrics/monitoring_server.h"
#include "common/rpc/role_agent.h"
#include "instancehost/directory_service.h"
#include "instancehost/instance_move.h"
#include "instancehost/instance_supervisor.h"
#include "instancehost/instancehost_config.h"

namespace spe::instancehost {

class InstanceHostServer {
 public:
  explicit InstanceHostServer(InstanceHostConfig config);
  ~InstanceHostServer();
  RoleAgent& agent() { return agent_; }
  InstanceSupervisor& supervisor() { return *supervisor_; }
  Result<Json> handle(const RpcRequest& request);

 private:
  // Applies the Management Server's instance list unless it is older than
  // the last one applied (same epoch, lower sequence number).
  void syncFrom(const Json& list, const Json& version);
  // Applies {changes, fromVersion, instancesVersion} (a change of the list)
  // when the list is at fromVersion; else answers {needList: true}.
  Json changeFrom(const Json& params);
  Result<Json> forEachInstance(const Json& params, const std::function<Status(const std::string&)>& op);
  // The peers that may connect besides the Management Server: the CASes
  // and the hosts an instance's move is offered to.
  void updatePeers();
  bool isCas(const std::string& thumbprint);
  Status refuseWhileMoving(const std::string& id) const;
  // /metrics and /health (docs/metrics.md), when the config asks for them.
  Status startMonitoring();

  InstanceHostConfig config_;
  DirectoryService directories_;
  RoleAgent agent_;
  std::unique_ptr<InstanceSupervisor> supervisor_;
  std::unique_ptr<InstanceMoves> moves_;
  std::mutex peers_mutex_;
  std::set<std::string> cas_peers_;
  std::mutex sync_mutex_;
  std::int64_t sync_epoch_ = -1;
  std::int64_t sync_seq_ = -1;
  std::unique_ptr<metrics::MonitoringServer> monitoring_;  // last: it reads the supervisor
};

}  // namespace spe::instancehost
