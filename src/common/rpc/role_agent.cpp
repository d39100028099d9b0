#include "common/rpc/role_agent.h"

#include <boost/asio/signal_set.hpp>

#include "common/base/logging.h"
#include "common/base/system_info.h"
#include "common/service/systemd_service.h"

namespace spe {

void readRoleConfig(JsonReader& r, RoleConfig& c) {
  r.str("serverName", c.server_name);
  r.str("dataDirectory", c.data_directory);
  r.str("listenAddress", c.listen_address);
  r.port("port", c.port);
  std::int64_t hb = c.heartbeat_seconds;
  r.integer("heartbeatSeconds", hb, false, 1, 3600);
  c.heartbeat_seconds = static_cast<int>(hb);
  r.str("logLevel", c.log_level);
  metrics::readMonitoringConfig(r, c.monitoring);
  c.monitoring.role = c.server_type;
  if (JsonReader* m = r.object("managementServer", true)) {
    m->str("serverName", c.management.server_name, true);
    m->port("port", c.management.port);
    std::string tp;
    m->str("thumbprint", tp, true);
    c.management.thumbprint = normalizeThumbprint(tp);
    if (c.management.thumbprint.empty()) m->fail("thumbprint", "must be a SHA-256 thumbprint (64 hex digits)");
  }
  if (c.data_directory.empty()) r.fail("dataDirectory", "must not be empty");
}

Result<RoleConfig> loadRoleConfig(const std::string& path, RoleConfig defaults,
                                  const std::function<void(JsonReader&)>& extra) {
  auto doc = loadJsonFile(path);
  if (!doc) return doc.error();
  JsonReader r(*doc, path);
  readRoleConfig(r, defaults);
  if (extra) extra(r);
  SPE_TRY(r.finish());
  return defaults;
}

RoleAgent::RoleAgent(RoleConfig config, RpcHandler handler, std::function<Json()> extra_ping)
    : config_(std::move(config)), handler_(std::move(handler)), extra_ping_(std::move(extra_ping)) {}

RoleAgent::~RoleAgent() {
  stop();
  if (heartbeat_.joinable()) heartbeat_.join();
  pool_.join();
}

Status RoleAgent::init() {
  auto id = loadOrCreateIdentity(config_.data_directory + "/tls", config_.server_name);
  if (!id) return id.error();
  identity_ = *id;
  return okStatus();
}

Result<Json> RoleAgent::handle(const RpcRequest& request) {
  if (request.method == "ping") {
    Json out{{"serverType", config_.server_type},
             {"serverName", config_.server_name},
             {"version", kProductVersion},
             {"systemProperties", systemProperties()}};
    if (extra_ping_) {
      const Json extra = extra_ping_();
      for (const auto& [k, v] : extra.items()) out[k] = v;
    }
    return out;
  }
  if (request.peer_thumbprint != config_.management.thumbprint) {
    return makeError(ErrorCode::kPermissionDenied, "Only the Management Server may call '" + request.method + "'.");
  }
  return handler_(request);
}

void RoleAgent::setPeerThumbprints(const std::set<std::string>& thumbprints) {
  std::set<std::string> all = thumbprints;
  all.insert(config_.management.thumbprint);
  pins_->replace(std::move(all));
}

Status RoleAgent::start() {
  pins_->add(config_.management.thumbprint);
  auto ctx = makeServerContext(identity_, pins_);
  if (!ctx) return ctx.error();
  server_ = std::make_unique<RpcServer>(
      io_, pool_, *ctx, [this](const RpcRequest& r) { return handle(r); }, config_.server_type + " port");
  if (stream_handler_) server_->setStreamHandler(stream_handler_);
  auto port = server_->listen(config_.listen_address, config_.port);
  if (!port) return port.error();
  port_ = *port;
  if (on_start_) SPE_TRY(on_start_());
  heartbeat_ = std::thread([this] { heartbeatLoop(); });
  logger("main")->info("{} '{}' ready on port {} (thumbprint {}), Management Server {}:{}", config_.server_type,
                       config_.server_name, port_, identity_.thumbprint, config_.management.server_name,
                       config_.management.port);
  return okStatus();
}

void RoleAgent::heartbeatLoop() {
  auto pins = std::make_shared<ThumbprintPins>();
  pins->add(config_.management.thumbprint);
  auto ctx = makeClientContext(&identity_, pins);
  if (!ctx) {
    logger("heartbeat")->error("cannot build the TLS context: {}", ctx.error().message);
    return;
  }
  RpcClient client(*ctx, config_.management.server_name, config_.management.port);
  bool was_ok = true;
  for (;;) {
    Json hb{{"serverType", config_.server_type},
            {"serverName", config_.server_name},
            {"port", port_},
            {"thumbprint", identity_.thumbprint}};
    if (extra_ping_) {
      const Json extra = extra_ping_();
      for (const auto& [k, v] : extra.items()) hb[k] = v;
    }
    auto r = client.call("heartbeat", hb, std::chrono::seconds(5));
    if (r) {
      last_answer_.store(std::chrono::steady_clock::now().time_since_epoch().count());
      if (on_reply_) on_reply_(*r);
      if (!was_ok) logger("heartbeat")->info("Management Server reachable again");
      was_ok = true;
    } else if (was_ok) {
      logger("heartbeat")
          ->warn("Management Server {}:{} not reachable: {} {}", config_.management.server_name,
                 config_.management.port, r.error().message, r.error().details);
      was_ok = false;
    }
    std::unique_lock lock(mutex_);
    if (cv_.wait_for(lock, std::chrono::seconds(config_.heartbeat_seconds), [this] { return stopping_; })) return;
  }
}

void RoleAgent::run() {
  service::SystemdService service(io_, on_reload_);
  asio::signal_set signals(io_, SIGINT, SIGTERM);
  signals.async_wait([this, &service](const ErrorCodeT& ec, int) {
    if (!ec) {
      logger("main")->info("Stopping");
      service.stopping();
      stop();
    }
  });
  service.ready(config_.server_type + " serving on port " + std::to_string(port_));
  io_.run();
  if (on_shutdown_) on_shutdown_();
}

void RoleAgent::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  io_.stop();
}

}  // namespace spe
