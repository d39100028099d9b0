// Instance Hosts and Client Access Servers: pairing, registration,
// configuration, and the host's directory functions.
#include "common/base/branding.h"
#include "common/base/crypto.h"
#include "common/net/tls.h"
#include "management/api/function_registry.h"
#include "management/management_context.h"

namespace spe::management {
namespace {

constexpr std::chrono::milliseconds kRoleTimeout{10000};

const char* roleTitle(ServerType t) {
  return t == ServerType::kInstanceHost ? "Instance Host" : "Client Access Server";
}

Status checkServerName(const std::string& name) {
  if (name.empty() || name.size() > 253) {
    return makeError(ErrorCode::kInvalidArgument, "The server name must have 1 to 253 characters.");
  }
  for (unsigned char c : name) {
    if (!(std::isalnum(c) || c == '.' || c == '-' || c == ':' || c == '_')) {
      return makeError(ErrorCode::kInvalidArgument, "The server name '" + name + "' is not a host name or IP address.");
    }
  }
  return okStatus();
}

// Reads {serverName, port, serverCertificate:{thumbprint}[, baseDirectory]}.
Result<ServerRecord> readServerConfig(const Json& json, ServerType type, bool allow_base_directory) {
  ServerRecord s;
  s.type = type;
  JsonReader r(json, "config");
  r.str("serverName", s.server_name, true);
  std::int64_t port = 0;
  r.integer("port", port, true, 1, 65535);
  s.port = port;
  std::string tp;
  if (JsonReader* cert = r.object("serverCertificate", true)) cert->str("thumbprint", tp, true);
  if (allow_base_directory) {
    std::optional<std::string> base;
    r.optStr("baseDirectory", base);
    if (base && !base->empty()) s.base_directory = *base;
  }
  SPE_TRY(r.finish());
  SPE_TRY(checkServerName(s.server_name));
  s.thumbprint = normalizeThumbprint(tp);
  if (s.thumbprint.empty()) {
    return makeError(ErrorCode::kInvalidArgument,
                     "'config.serverCertificate.thumbprint' must be a SHA-256 thumbprint (64 hex digits).");
  }
  if (s.base_directory) SPE_TRY(checkLength(*s.base_directory, 1024, "config.baseDirectory"));
  if (s.base_directory && s.base_directory->front() != '/') {
    return makeError(ErrorCode::kInvalidArgument, "'config.baseDirectory' must be an absolute path.");
  }
  return s;
}

Json serverJson(const ServerRecord& s) {
  Json j{{"serverName", s.server_name}, {"port", s.port}, {"serverCertificate", {{"thumbprint", s.thumbprint}}}};
  if (s.type == ServerType::kInstanceHost) j["baseDirectory"] = s.base_directory ? Json(*s.base_directory) : Json();
  return j;
}

Result<ServerRecord> requireServer(ManagementDb& db, ServerType type, const std::string& name) {
  auto s = db.server(type, name);
  if (!s) return s.error();
  if (!s->has_value()) {
    return makeError(ErrorCode::kNotFound, std::string("There is no ") + roleTitle(type) + " '" + name + "'.");
  }
  return **s;
}

Result<Json> createServer(ManagementContext& ctx, ServerRecord s) {
  auto existing = ctx.db.server(s.type, s.server_name);
  if (!existing) return existing.error();
  if (existing->has_value()) {
    return makeError(ErrorCode::kAlreadyExists,
                     std::string("The ") + roleTitle(s.type) + " '" + s.server_name + "' is registered already.");
  }
  SPE_TRY(ctx.db.insertServer(s));
  SPE_TRY(ctx.peers.refreshPins());
  return Json();
}

Result<Json> listServers(ManagementContext& ctx, ServerType type, const Args& args, bool with_status) {
  auto servers = ctx.db.servers(type);
  if (!servers) return servers.error();
  Json out = Json::array();
  const bool filtered = args.has("serverNameFilter");
  const std::string filter = args.str("serverNameFilter");
  for (const auto& s : *servers) {
    if (filtered && s.server_name != filter) continue;
    Json j = serverJson(s);
    if (with_status) {
      auto pong = ctx.peers.call(s, "ping", Json::object(), std::chrono::milliseconds(3000));
      j["serviceStatus"] = {{"active", pong.ok()},
                            {"systemProperties", pong ? pong->value("systemProperties", Json()) : Json()},
                            {"message", pong ? Json() : Json(pong.error().message)}};
      // A CAS's public Web Access address ({hostName, port}), for end-user URLs.
      if (type == ServerType::kClientAccessServer) {
        j["serviceStatus"]["webAccess"] = pong ? pong->value("webAccess", Json()) : Json();
      }
    }
    out.push_back(std::move(j));
  }
  return out;
}

void registerRole(FunctionRegistry& registry, ManagementContext& ctx, ServerType type, const std::string& noun) {
  const bool host = type == ServerType::kInstanceHost;
  registry.add({"Create" + noun, {{"config", ArgType::kJson}}, [&ctx, type](CallContext& c) -> Result<Json> {
                  auto s = readServerConfig(c.args.json("config"), type, false);
                  if (!s) return s.error();
                  return createServer(ctx, *s);
                }});
  registry.add({"Delete" + noun, {{"serverName", ArgType::kString}}, [&ctx, type](CallContext& c) -> Result<Json> {
                  auto s = requireServer(ctx.db, type, c.args.str("serverName"));
                  if (!s) return s.error();
                  SPE_TRY(ctx.db.deleteServer(type, s->server_name));
                  SPE_TRY(ctx.peers.refreshPins());
                  return Json();
                }});
  registry.add({"Set" + noun + "Configuration",
                {{"config", ArgType::kJson}},
                [&ctx, type, host](CallContext& c) -> Result<Json> {
                  auto s = readServerConfig(c.args.json("config"), type, host);
                  if (!s) return s.error();
                  auto current = requireServer(ctx.db, type, s->server_name);
                  if (!current) return current.error();
                  SPE_TRY(ctx.db.updateServer(*s));
                  SPE_TRY(ctx.peers.refreshPins());
                  return Json();
                }});
}

Result<Json> hostDirectoryCall(ManagementContext& ctx, const Args& args, const std::string& method) {
  auto s = requireServer(ctx.db, ServerType::kInstanceHost, args.str("serverName"));
  if (!s) return s.error();
  Json params = Json::object();
  if (args.has("path")) params["path"] = args.str("path");
  return ctx.peers.call(*s, method, params, kRoleTimeout);
}

// The registered roles, their branding and the directories of instance hosts.
void registerRoleServices(FunctionRegistry& registry, ManagementContext& ctx) {
  registry.add({"GetInstanceHosts", {{"serverNameFilter", ArgType::kString, true}}, [&ctx](CallContext& c) {
                  return listServers(ctx, ServerType::kInstanceHost, c.args, false);
                }});

  // Sends the branding in <data>/Branding to every CAS, checked first: a
  // branding with an error is refused as a whole and every CAS keeps its
  // previous one.
  registry.add({"ReloadBranding", {}, [&ctx](CallContext&) -> Result<Json> {
                  auto branding = readBranding(ctx.config.data_directory + "/Branding");
                  if (!branding) return branding.error();
                  Json files = Json::object();
                  for (const auto& [name, bytes] : branding->files) files[name] = base64Encode(bytes);
                  auto servers = ctx.db.servers(ServerType::kClientAccessServer);
                  if (!servers) return servers.error();
                  std::vector<std::string> failed;
                  for (const auto& cas : *servers) {
                    auto r = ctx.peers.call(cas, "branding.apply", Json{{"files", files}}, std::chrono::seconds(30));
                    if (!r) failed.push_back(cas.server_name + ": " + r.error().message);
                  }
                  if (!failed.empty()) {
                    std::string message = "The branding did not reach every Client Access Server:";
                    for (const auto& f : failed) message += " " + f;
                    return makeError(ErrorCode::kUnavailable, message);
                  }
                  return Json();
                }});

  registry.add({"GetClientAccessServers",
                {{"serverNameFilter", ArgType::kString, true}, {"withServiceStatus", ArgType::kBool}},
                [&ctx](CallContext& c) {
                  return listServers(ctx, ServerType::kClientAccessServer, c.args, c.args.flag("withServiceStatus"));
                }});

  registry.add({"GetDirectoriesOnInstanceHost",
                {{"serverName", ArgType::kString}, ArgSpec{"path", ArgType::kString, true}.maxLength(4096)},
                [&ctx](CallContext& c) { return hostDirectoryCall(ctx, c.args, "listDirectories"); }});

  registry.add({"CreateDirectoryOnInstanceHost",
                {{"serverName", ArgType::kString}, ArgSpec{"path", ArgType::kString}.maxLength(4096)},
                [&ctx](CallContext& c) -> Result<Json> {
                  auto r = hostDirectoryCall(ctx, c.args, "createDirectory");
                  if (!r) return r.error();
                  return Json();
                }});
}

// Pairing a role with this Management Server.
void registerPairing(FunctionRegistry& registry, ManagementContext& ctx) {
  // Registers (or re-pairs) a role and proves the pairing by connecting to it
  // over mutual TLS: the call fails when the role is unreachable or presents
  // another certificate. A re-pairing changes the registration only once it
  // is proven.
  registry.add(
      {"PairWithManagementServer",
       {{"serverType", ArgType::kString},
        {"serverName", ArgType::kString},
        ArgSpec{"port", ArgType::kNumber}.range(1, 65535),
        {"thumbprint", ArgType::kString}},
       [&ctx](CallContext& c) -> Result<Json> {
         auto type = parseServerType(c.args.str("serverType"));
         if (!type) {
           return makeError(ErrorCode::kInvalidArgument,
                            "'serverType' must be 'instanceHost' or 'clientAccessServer'.");
         }
         // Errors name the arguments as given here, not as 'config.*'.
         if (auto st = checkServerName(c.args.str("serverName")); !st) {
           return makeError(ErrorCode::kInvalidArgument, "'serverName': " + st.error().message);
         }
         if (normalizeThumbprint(c.args.str("thumbprint")).empty()) {
           return makeError(ErrorCode::kInvalidArgument, "'thumbprint' must be a SHA-256 thumbprint (64 hex digits).");
         }
         Json cfg{{"serverName", c.args.str("serverName")},
                  {"port", c.args.num("port")},
                  {"serverCertificate", {{"thumbprint", c.args.str("thumbprint")}}}};
         auto s = readServerConfig(cfg, *type, false);
         if (!s) return s.error();
         auto existing = ctx.db.server(*type, s->server_name);
         if (!existing) return existing.error();
         if (existing->has_value()) s->base_directory = (*existing)->base_directory;
         // The pairing is proven before anything is changed: a wrong
         // port or thumbprint must not replace a working registration.
         auto pong = ctx.peers.call(*s, "ping", Json::object(), kRoleTimeout);
         std::optional<Error> unproven;
         if (!pong) {
           unproven = makeError(pong.error().code, "pairing could not be verified: " + pong.error().message,
                                pong.error().details);
         } else if (pong->value("serverType", "") != serverTypeName(*type)) {
           unproven = makeError(ErrorCode::kInvalidArgument, "the server at that address is a '" +
                                                                 pong->value("serverType", "?") + "', not a '" +
                                                                 serverTypeName(*type) + "'");
         }
         if (unproven && existing->has_value()) {
           const ServerRecord& old = **existing;
           unproven->message = "Nothing was changed: " + unproven->message + ". The previous registration of '" +
                               old.server_name + "' (port " + std::to_string(old.port) + ", thumbprint " +
                               old.thumbprint.substr(0, 16) + "...) stays in use.";
           return *unproven;
         }
         if (unproven && unproven->code == ErrorCode::kInvalidArgument) {
           unproven->message = "Nothing was registered: " + unproven->message + ".";
           return *unproven;
         }
         if (existing->has_value()) {
           SPE_TRY(ctx.db.updateServer(*s));
         } else {
           SPE_TRY(ctx.db.insertServer(*s));
         }
         SPE_TRY(ctx.peers.refreshPins());
         if (unproven) {
           // A new role that is not reachable yet stays registered, so it pairs when it starts.
           unproven->message = "The role was registered, but " + unproven->message;
           return *unproven;
         }
         return Json();
       }});
}

}  // namespace

void registerServerFunctions(FunctionRegistry& registry, ManagementContext& ctx) {
  registerRole(registry, ctx, ServerType::kInstanceHost, "InstanceHost");
  registerRole(registry, ctx, ServerType::kClientAccessServer, "ClientAccessServer");
  registerRoleServices(registry, ctx);
  registerPairing(registry, ctx);
}

}  // namespace spe::management
