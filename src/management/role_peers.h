// RolePeers: what the Management Server knows about the paired Instance
// Hosts and Client Access Servers at run time.
//
// - pins(): thumbprints accepted on the role port (8471), refreshed from the
//   database whenever a role is paired, changed or deleted;
// - heartbeats received from roles (answered with their instance list), and
//   a CAS's question for a route it does not know ("routes.lookup"). A
//   peer's role is the one it is paired as (looked up by the thumbprint of
//   its certificate), never what its heartbeat claims: a heartbeat claiming
//   a role its certificate is not paired as is refused and logged;
// - call(): a command to a role on its own port (8472/8473), mutual TLS with
//   our identity, accepting only that role's paired thumbprint.
// Thread safety: internally locked.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "common/net/tls.h"
#include "common/rpc/rpc.h"
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
  // list and the CASes it must accept; a CAS: the routing table). `role`
  // is the peer's role by its pairing.
  using HeartbeatAnswer = std::function<Json(const std::string& thumbprint, ServerType role, const Json& heartbeat)>;
  void setHeartbeatAnswer(HeartbeatAnswer fn) { answer_ = std::move(fn); }
  // Answers "routes.lookup" {name} from a peer paired as a CAS (asking for a
  // name it has no route for); peers paired otherwise are refused. Before start.
  void setRouteLookup(std::function<Json(const std::string& name)> fn) { lookup_ = std::move(fn); }
  // Called after refreshPins() read the roles anew (a role was paired,
  // changed or removed). Before start.
  void setRolesChanged(std::function<void()> fn) { roles_changed_ = std::move(fn); }

  Result<Json> call(const ServerRecord& server, const std::string& method, const Json& params,
                    std::chrono::milliseconds timeout, const RpcClient::ProgressFn& progress = {});

  // Seconds since the last heartbeat of each role that sent one since this
  // server started, by thumbprint (for the metrics).
  std::map<std::string, double> heartbeatAges() const;

 private:
  Result<SslContextPtr> contextFor(const std::string& thumbprint);
  // The role of the peer with `thumbprint` by its pairing, when the heartbeat
  // claims that role (or none and the certificate is paired as one role only).
  Result<ServerType> pairedRole(const std::string& thumbprint, const Json& heartbeat);

  const TlsIdentity& identity_;
  ManagementDb& db_;
  std::shared_ptr<ThumbprintPins> pins_ = std::make_shared<ThumbprintPins>();
  mutable std::mutex mutex_;
  HeartbeatAnswer answer_;
  std::function<Json(const std::string&)> lookup_;
  std::function<void()> roles_changed_;
  // The roles each pinned thumbprint is paired as (refreshPins()).
  std::map<std::string, std::set<ServerType>> roles_;
  // The name:port each pinned thumbprint is reached at (to forget a peer
  // SilentPeers remembers when its heartbeat arrives).
  std::map<std::string, std::set<std::string>> addresses_;
  // When each thumbprint's last heartbeat arrived.
  std::map<std::string, std::chrono::steady_clock::time_point> heartbeats_;
  // Refused claims already logged (thumbprint and claimed role), to log each once.
  std::set<std::string> refusals_logged_;
  // One client context per pinned thumbprint (their connections are pooled).
  std::map<std::string, SslContextPtr> contexts_;
};

}  // namespace spe::management
