#include "management/role_peers.h"

#include "common/base/logging.h"
#include "common/base/system_info.h"
#include "common/base/text.h"
#include "common/metrics/metrics.h"
#include "common/rpc/silent_peers.h"

namespace spe::management {

RolePeers::RolePeers(const TlsIdentity& identity, ManagementDb& db) : identity_(identity), db_(db) {}

Status RolePeers::refreshPins() {
  auto servers = db_.servers();
  if (!servers) return servers.error();
  std::set<std::string> pins;
  std::map<std::string, std::set<ServerType>> roles;
  std::map<std::string, std::set<std::string>> addresses;
  for (const auto& s : *servers) {
    pins.insert(s.thumbprint);
    roles[s.thumbprint].insert(s.type);
    addresses[s.thumbprint].insert(s.server_name + ":" + std::to_string(s.port));
  }
  {
    std::lock_guard lock(mutex_);
    roles_ = std::move(roles);
    addresses_ = std::move(addresses);
  }
  pins_->replace(std::move(pins));
  if (roles_changed_) roles_changed_();
  return okStatus();
}

Result<ServerType> RolePeers::pairedRole(const std::string& thumbprint, const Json& heartbeat) {
  const auto text = [&heartbeat](const char* key, const char* missing) {
    const auto it = heartbeat.find(key);
    if (it == heartbeat.end()) return std::string(missing);
    return it->is_string() ? it->get<std::string>() : std::string("(not a string)");
  };
  const std::string claimed = text("serverType", "");
  const std::optional<ServerType> claim = parseServerType(claimed);
  std::lock_guard lock(mutex_);
  const auto it = roles_.find(thumbprint);
  const std::set<ServerType> paired = it == roles_.end() ? std::set<ServerType>() : it->second;
  if (claim && paired.count(*claim)) return *claim;
  if (claimed.empty() && paired.size() == 1) return *paired.begin();
  std::string as;
  for (ServerType t : paired) as += std::string(as.empty() ? "" : " and ") + serverTypeName(t);
  if (as.empty()) as = "nothing (no longer paired)";
  // Once per peer and claim (a role name or anything else): the peer repeats it every few seconds.
  if (refusals_logged_.insert(thumbprint + "/" + (claim ? serverTypeName(*claim) : "other")).second) {
    logger("roles")->warn(
        "refused a heartbeat from '{}' (certificate {}) claiming to be {}: that certificate is "
        "paired as {}",
        text("serverName", "?"), thumbprint.substr(0, 16), claimed.empty() ? std::string("no role") : claimed, as);
  }
  return makeError(ErrorCode::kPermissionDenied,
                   "This certificate is paired as " + as + ", not as " + (claimed.empty() ? "?" : claimed) + ".");
}

Result<Json> RolePeers::handleRoleRequest(const RpcRequest& request) {
  if (request.method == "heartbeat") {
    logger("roles")->debug("heartbeat from {}", stringOf(request.params, "serverName").value_or("?"));
    auto role = pairedRole(request.peer_thumbprint, request.params.is_object() ? request.params : Json::object());
    if (!role) return role.error();
    // A role whose heartbeat arrives is on the network again: calls to it
    // are tried at once, not failed for what a connect found before.
    metrics::counter("spe_role_heartbeats_total", "Heartbeats received from paired roles, by role.",
                     {{"role", serverTypeName(*role)}})
        .Increment();
    {
      std::lock_guard lock(mutex_);
      heartbeats_[request.peer_thumbprint] = std::chrono::steady_clock::now();
      const auto it = addresses_.find(request.peer_thumbprint);
      if (it != addresses_.end()) {
        for (const auto& address : it->second) SilentPeers::shared().connected(address);
      }
    }
    Json out{{"serverType", "managementServer"}, {"version", kProductVersion}};
    if (answer_) {
      const Json extra = answer_(request.peer_thumbprint, *role, request.params);
      for (const auto& [k, v] : extra.items()) out[k] = v;
    }
    return out;
  }
  if (request.method == "routes.lookup") {
    bool cas = false;
    {
      std::lock_guard lock(mutex_);
      const auto it = roles_.find(request.peer_thumbprint);
      cas = it != roles_.end() && it->second.count(ServerType::kClientAccessServer);
    }
    if (!cas) return makeError(ErrorCode::kPermissionDenied, "Only a Client Access Server may ask for routes.");
    const auto name = stringOf(request.params, "name");
    if (!name || name->empty() || name->size() > 255) {
      return makeError(ErrorCode::kInvalidArgument, "'name' must be an instance ID or alias.");
    }
    return lookup_ ? lookup_(*name) : Json{{"known", false}};
  }
  if (request.method == "ping") return Json{{"serverType", "managementServer"}, {"version", kProductVersion}};
  return makeError(ErrorCode::kNotSupported,
                   "The Management Server has no role method '" + printable(request.method) + "'.");
}

Result<SslContextPtr> RolePeers::contextFor(const std::string& thumbprint) {
  std::lock_guard lock(mutex_);
  auto it = contexts_.find(thumbprint);
  if (it != contexts_.end()) return it->second;
  auto pins = std::make_shared<ThumbprintPins>();
  pins->add(thumbprint);
  auto ctx = makeClientContext(&identity_, pins);
  if (!ctx) return ctx.error();
  contexts_[thumbprint] = *ctx;
  return *ctx;
}

Result<Json> RolePeers::call(const ServerRecord& server, const std::string& method, const Json& params,
                             std::chrono::milliseconds timeout, const RpcClient::ProgressFn& progress) {
  auto ctx = contextFor(server.thumbprint);
  if (!ctx) return ctx.error();
  RpcClient client(*ctx, server.server_name, static_cast<std::uint16_t>(server.port), server.thumbprint);
  auto result = client.call(method, params, timeout, progress);
  if (!result && (result.error().code == ErrorCode::kUnavailable || result.error().code == ErrorCode::kTimeout)) {
    const char* what = server.type == ServerType::kInstanceHost ? "Instance Host" : "Client Access Server";
    Error e = result.error();
    e.message = std::string("The ") + what + " '" + server.server_name + "' (port " + std::to_string(server.port) +
                ") is not reachable: " + e.message;
    return e;
  }
  return result;
}

std::map<std::string, double> RolePeers::heartbeatAges() const {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  std::map<std::string, double> out;
  for (const auto& [thumbprint, at] : heartbeats_) out[thumbprint] = std::chrono::duration<double>(now - at).count();
  return out;
}

}  // namespace spe::management
