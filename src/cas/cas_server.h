// CasServer: the spe-cas role. Pairs with the Management Server (8473 for
// its commands, among them "routes.apply" with the routing table on every
// change; heartbeats to 8471, whose answers carry the routing table when it
// changed; questions to 8471 for names the table lacks, see cas_routes.h)
// and serves end users: IMAP on 143 (STARTTLS) and 993 (TLS), see
// imap_proxy.h, and Web Access on 443. Its ping and heartbeat tell the
// Management Server where Web Access is: webAccess {hostName, port}.
#pragma once

#include <atomic>
#include <memory>

#include "cas/cas_config.h"
#include "cas/cas_routes.h"
#include "cas/imap_proxy.h"
#include "cas/instance_calls.h"
#include "cas/web_server.h"
#include "common/metrics/monitoring_server.h"
#include "common/rpc/role_agent.h"

namespace spe::cas {

class CasServer {
 public:
  explicit CasServer(CasConfig config);
  ~CasServer();
  RoleAgent& agent() { return agent_; }

 private:
  Status startPublic();
  // Lets the routing table ask the Management Server for names it lacks.
  Status askForUnknownRoutes();
  Result<Json> handle(const RpcRequest& request);
  // Checks branding files from the Management Server, keeps them in
  // <data>/Branding and serves them; on error the previous branding stays.
  Status applyBranding(const Json& files);
  Status loadWebFiles();
  // /metrics and /health (docs/metrics.md), when the config asks for them.
  Status startMonitoring();

  CasConfig config_;
  RoleAgent agent_;
  asio::thread_pool pool_{4};
  asio::thread_pool questions_{4};   // route questions to the Management Server (RouteQuestionLimits::in_flight)
  std::atomic<int> https_port_{-1};  // Web Access's bound port, -1 while off
  LoginDelays delays_;
  std::unique_ptr<CasRoutes> routes_;
  std::unique_ptr<InstanceCalls> calls_;
  std::unique_ptr<ImapProxy> imap_;
  std::unique_ptr<WebServer> web_;
  std::unique_ptr<metrics::MonitoringServer> monitoring_;  // last: it reads the routes
};

}  // namespace spe::cas
