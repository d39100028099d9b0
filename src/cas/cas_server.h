// CasServer: the spe-cas role. Pairs with the Management Server (8473 for
// its commands, heartbeats to 8471, whose answers carry the routing table)
// and serves end users: IMAP on 143 (STARTTLS) and 993 (TLS), see
// imap_proxy.h.
#pragma once

#include <memory>

#include "cas/cas_config.h"
#include "cas/cas_routes.h"
#include "cas/imap_proxy.h"
#include "common/role_agent.h"

namespace spe::cas {

class CasServer {
 public:
  explicit CasServer(CasConfig config);
  ~CasServer();
  RoleAgent& agent() { return agent_; }

 private:
  Status startPublic();

  CasConfig config_;
  RoleAgent agent_;
  std::unique_ptr<CasRoutes> routes_;
  std::unique_ptr<ImapProxy> imap_;
};

}  // namespace spe::cas
