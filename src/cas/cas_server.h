// CasServer: the spe-cas role. Pairs with the Management Server (8473 for
// its commands, heartbeats to 8471, whose answers carry the routing table)
// and serves end users: IMAP on 143 (STARTTLS) and 993 (TLS), see
// imap_proxy.h.
#pragma once

#include <memory>

#include "cas/cas_config.h"
#include "cas/cas_routes.h"
#include "cas/imap_proxy.h"
#include "cas/instance_calls.h"
#include "cas/web_server.h"
#include "common/rpc/role_agent.h"

namespace spe::cas {

class CasServer {
 public:
  explicit CasServer(CasConfig config);
  ~CasServer();
  RoleAgent& agent() { return agent_; }

 private:
  Status startPublic();
  Result<Json> handle(const RpcRequest& request);
  // Checks branding files from the Management Server, keeps them in
  // <data>/Branding and serves them; on error the previous branding stays.
  Status applyBranding(const Json& files);
  Status loadWebFiles();

  CasConfig config_;
  RoleAgent agent_;
  asio::thread_pool pool_{4};
  LoginDelays delays_;
  std::unique_ptr<CasRoutes> routes_;
  std::unique_ptr<InstanceCalls> calls_;
  std::unique_ptr<ImapProxy> imap_;
  std::unique_ptr<WebServer> web_;
};

}  // namespace spe::cas
