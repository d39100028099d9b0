#include "cas/cas_server.h"

#include <filesystem>

#include "cas/cas_metrics.h"
#include "cas/web_assets.h"
#include "common/base/atomic_file.h"
#include "common/base/branding.h"
#include "common/base/crypto.h"
#include "common/base/logging.h"

namespace spe::cas {
namespace fs = std::filesystem;

CasServer::CasServer(CasConfig config)
    : config_(config),
      agent_(
          config.role, [this](const RpcRequest& r) { return handle(r); },
          [this] {
            Json extra{{"routesVersion", routes_ ? routes_->version() : std::string()}};
            if (const int port = https_port_.load(); port >= 0) {
              extra["webAccess"] = Json{{"hostName", config_.public_host_name}, {"port", port}};
            }
            return extra;
          }) {
  routes_ = std::make_unique<CasRoutes>(agent_.identity());
  agent_.setHeartbeatReplyHandler([this](const Json& reply) { routes_->apply(reply); });
  agent_.setStartHook([this]() -> Status {
    SPE_TRY(startPublic());
    return startMonitoring();
  });
  agent_.setShutdownHook([this] {
    if (imap_) imap_->stop();
    if (web_) web_->stop();
    if (monitoring_) monitoring_->stop();
  });
}

CasServer::~CasServer() {
  pool_.join();
  questions_.join();
}

Result<Json> CasServer::handle(const RpcRequest& r) {
  if (r.method == "routes.apply") {  // pushed on every change of the table: the change, or the whole table
    if (r.params.is_object() && r.params.contains("routesDelta")) {
      return routes_->applyDelta(r.params) ? Json::object() : Json{{"needTable", true}};
    }
    routes_->apply(r.params);
    return Json::object();
  }
  if (r.method == "branding.apply") {
    SPE_TRY(applyBranding(r.params.value("files", Json::object())));
    return Json::object();
  }
  return makeError(ErrorCode::kNotSupported, "The Client Access Server has no method '" + r.method + "'.");
}

Status CasServer::loadWebFiles() {
  auto branding = readBranding(config_.role.data_directory + "/Branding");
  if (!branding) {
    logger("main")->error("{} (using the built-in look)", branding.error().message);
    branding = Branding{Json::object(), Json::object(), {}};
  }
  auto files = composeWebFiles(config_.web_directory, *branding);
  if (!files) return files.error();
  if (web_) web_->setAssets(std::move(files->assets), std::move(files->root_page));
  return okStatus();
}

Status CasServer::applyBranding(const Json& files) {
  if (!files.is_object()) return makeError(ErrorCode::kInvalidArgument, "Branding: 'files' must be an object.");
  std::map<std::string, std::string> bytes;
  for (const auto& [name, b64] : files.items()) {
    auto decoded = b64.is_string() ? base64Decode(b64.get<std::string>()) : std::nullopt;
    if (!decoded) return makeError(ErrorCode::kInvalidArgument, "Branding: '" + name + "' is not base64.");
    bytes[name] = std::move(*decoded);
  }
  auto branding = checkBranding(bytes);
  if (!branding) return branding.error();
  auto composed = composeWebFiles(config_.web_directory, *branding);
  if (!composed) return composed.error();
  // Written beside the active folder, then swapped in.
  const fs::path dir = fs::path(config_.role.data_directory) / "Branding";
  const fs::path fresh = dir.string() + ".new", old = dir.string() + ".old";
  std::error_code ec;
  fs::remove_all(fresh, ec);
  fs::create_directories(fresh, ec);
  if (ec) return makeError(ErrorCode::kIo, "Branding: cannot create '" + fresh.string() + "': " + ec.message());
  for (const auto& [name, data] : branding->files) {
    if (auto st = writeFileAtomically((fresh / name).string(), data, 0644); !st) {
      return makeError(ErrorCode::kIo, "Branding: " + st.error().message);
    }
  }
  fs::remove_all(old, ec);
  if (fs::exists(dir)) fs::rename(dir, old, ec);
  fs::rename(fresh, dir, ec);
  if (ec) return makeError(ErrorCode::kIo, "Branding: cannot replace '" + dir.string() + "': " + ec.message());
  fs::remove_all(old, ec);
  if (web_) web_->setAssets(std::move(composed->assets), std::move(composed->root_page));
  logger("main")->info("branding applied ({} files)", branding->files.size());
  return okStatus();
}

Status CasServer::askForUnknownRoutes() {
  auto pins = std::make_shared<ThumbprintPins>();
  pins->add(config_.role.management.thumbprint);
  auto management = makeClientContext(&agent_.identity(), pins);
  if (!management) return management.error();
  routes_->setQuestioner(questions_, [this, ctx = *management](const std::string& name) {
    const auto& m = config_.role.management;
    RpcClient client(ctx, m.server_name, m.port, m.thumbprint);
    return client.call("routes.lookup", Json{{"name", name}}, std::chrono::seconds(3));
  });
  return okStatus();
}

Status CasServer::startMonitoring() {
  auto tls = makeServerContext(agent_.identity(), nullptr);
  if (!tls) return tls.error();
  monitoring_ = std::make_unique<metrics::MonitoringServer>(
      agent_.io(), pool_, *tls, config_.role.monitoring, [this] { return checkCasHealth(*routes_, agent_); },
      [this] { return collectCasFamilies(*routes_, agent_, config_.role.data_directory); });
  auto port = monitoring_->listen();
  return port ? okStatus() : Status(port.error());
}

Status CasServer::startPublic() {
  auto identity = config_.certificate_file.empty()
                      ? loadOrCreateIdentity(config_.role.data_directory + "/public-tls", config_.role.server_name)
                      : loadIdentityFiles(config_.certificate_file, config_.key_file);
  if (!identity) return identity.error();
  auto ctx = makeServerContext(*identity, nullptr);
  if (!ctx) return ctx.error();
  SPE_TRY(askForUnknownRoutes());
  InstanceCallLimits call_limits;
  call_limits.web_requests = static_cast<std::size_t>(config_.web_requests_per_instance);
  call_limits.web_waiting = static_cast<std::size_t>(config_.web_waiting_per_instance);
  call_limits.web_downloads = static_cast<std::size_t>(config_.web_downloads_per_instance);
  call_limits.imap_logins = static_cast<std::size_t>(config_.imap_logins_per_instance);
  call_limits.timeout = std::chrono::seconds(config_.instance_timeout_seconds);
  calls_ = std::make_unique<InstanceCalls>(call_limits);
  // One count of connections not logged in for IMAP, IMAPS and Web Access.
  auto limiter = std::make_shared<ConnectionLimiter>(
      ConnectionLimits{static_cast<std::size_t>(config_.unauthenticated_per_address),
                       static_cast<std::size_t>(config_.unauthenticated_total)});
  imap_ = std::make_unique<ImapProxy>(agent_.io(), *routes_, delays_, *ctx, *calls_, limiter);
  for (const auto& [port, implicit] : {std::pair{config_.imap_port, false}, std::pair{config_.imaps_port, true}}) {
    if (port < 0) continue;
    auto bound = imap_->listen(config_.public_address, static_cast<std::uint16_t>(port), implicit);
    if (!bound) return bound.error();
    logger("main")->info("{} for end users on {}:{}", implicit ? "IMAPS" : "IMAP (STARTTLS)", config_.public_address,
                         *bound);
  }
  if (config_.https_port >= 0) {
    web_ = std::make_unique<WebServer>(agent_.io(), pool_, *routes_, delays_, *ctx, *calls_, limiter);
    if (config_.remote_images) {
      RemoteImageLimits images;
      images.allow_private = config_.remote_images_from_private_networks;
      web_->setRemoteImages(images);
    }
    SPE_TRY(loadWebFiles());
    auto bound = web_->listen(config_.public_address, static_cast<std::uint16_t>(config_.https_port));
    if (!bound) return bound.error();
    https_port_ = *bound;
    logger("main")->info("Web Access on https://{}:{}/ (files from {})", config_.public_address, *bound,
                         config_.web_directory);
  }
  return okStatus();
}

}  // namespace spe::cas
