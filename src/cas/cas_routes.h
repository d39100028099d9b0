// CasRoutes: the CAS's routing table, kept current from the Management
// Server's heartbeat answers: which Instance Host (name, role port, pinned
// thumbprint) runs which instance, found by ID or alias (case-insensitive).
// Connections to hosts are mutual TLS with the CAS's identity.
// Thread safety: internally locked.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "common/base/json_reader.h"
#include "common/net/tls.h"

namespace spe::cas {

struct InstanceRoute {
  std::string instance_id;
  std::string host;
  std::uint16_t port = 0;
  std::string thumbprint;
  SslContextPtr context;  // pinned to the host's thumbprint
};

class CasRoutes {
 public:
  explicit CasRoutes(const TlsIdentity& identity) : identity_(identity) {}
  // Applies {routes:{instances, hosts}, routesVersion}; ignores other answers.
  void apply(const Json& heartbeat_answer);
  std::string version() const;
  // The route to an instance by ID or alias; nullopt when unknown.
  std::optional<InstanceRoute> find(const std::string& instance) const;

 private:
  struct Host {
    std::uint16_t port = 0;
    std::string thumbprint;
    SslContextPtr context;
  };
  const TlsIdentity& identity_;
  mutable std::mutex mutex_;
  std::string version_;
  std::map<std::string, std::pair<std::string, std::string>> instances_;  // lower id/alias -> id, host
  std::map<std::string, Host> hosts_;
  std::map<std::string, SslContextPtr> contexts_;  // by thumbprint
};

}  // namespace spe::cas
