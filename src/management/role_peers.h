// RolePeers: what the Management Server knows about the paired Instance
// Hosts and Client Access Servers at run time.
//
// - pins(): thumbprints accepted on the role port (8471), refreshed from the
//   database whenever a role is paired, changed or deleted;
// - heartbeats received from roles (answered with their instance list);
// - call(): a command to a role on its own port (8472/8473), mutual TLS with
//   our identity, accepting only that role's paired thumbprint.
// Thread safety: internally locked.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/rpc.h"
#include "common/tls.h"
#include "management/management_db.h"

namespace spe::management {

class RolePeers {
 public:
  RolePeers(const TlsIdentity& identity, ManagementDb& db);

  Status refreshPins();
  std::shared_ptr<ThumbprintPins> pins() const { return pins_; }

  // Handles an RPC arriving on the role port.
  Result<Json> handleRoleRequest(const RpcRequest& request);
  // Adds to heartbeat answers what the role needs (a host: its instance
  // list and the CASes it must accept; a CAS: the routing table).
  void setHeartbeatAnswer(std::function<Json(const std::string& thumbprint, const Json& heartbeat)> fn) {
    answer_ = std::move(fn);
  }

  Result<Json> call(const ServerRecord& server, const std::string& method, const Json& params,
                    std::chrono::milliseconds timeout, const RpcClient::ProgressFn& progress = {});

 private:
  Result<SslContextPtr> contextFor(const std::string& thumbprint);

  const TlsIdentity& identity_;
  ManagementDb& db_;
  std::shared_ptr<ThumbprintPins> pins_ = std::make_shared<ThumbprintPins>();
  mutable std::mutex mutex_;
  std::function<Json(const std::string&, const Json&)> answer_;
  // One client context per pinned thumbprint (their connections are pooled).
  std::map<std::string, SslContextPtr> contexts_;
};

}  // namespace spe::management
