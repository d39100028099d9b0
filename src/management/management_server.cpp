#include "management/management_server.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/signal_set.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/base/atomic_file.h"
#include "common/base/logging.h"
#include "common/base/password.h"
#include "common/base/termination_signals.h"
#include "common/db/firebird_db.h"
#include "common/net/asio.h"
#include "common/net/tls.h"
#include "common/rpc/rpc.h"
#include "common/service/systemd_service.h"
#include "management/admin_mfa.h"
#include "management/api/api_server.h"
#include "management/api/task_registry.h"
#include "management/authenticator.h"
#include "management/console/console_server.h"
#include "management/figures_recorder.h"
#include "management/instance_control.h"
#include "management/management_context.h"
#include "management/management_key.h"
#include "management/management_metrics.h"
#include "management/role_peers.h"
#include "management/route_publisher.h"

namespace spe::management {
namespace fs = std::filesystem;

struct ManagementServer::Impl {
  ManagementConfig config;
  TlsIdentity identity;
  Key256 key{};  // keys/management.key: seals the database's secrets
  std::unique_ptr<ManagementDb> db;
  std::unique_ptr<Authenticator> auth;
  std::unique_ptr<AdminMfa> mfa;
  std::unique_ptr<RolePeers> peers;
  std::unique_ptr<InstanceControl> instances;
  std::unique_ptr<RoutePublisher> routes;  // after what its thread uses: ends first
  std::unique_ptr<ManagementContext> ctx;
  FunctionRegistry registry;
  TaskRegistry tasks;
  asio::io_context io;
  asio::thread_pool pool;
  asio::thread_pool rpc_pool{2};
  std::unique_ptr<FiguresSource> figures_source;
  std::unique_ptr<FiguresRecorder> figures;  // uses the pool: stopped before it is joined
  LoginThrottle login_throttle;              // the API's and the console's
  std::unique_ptr<ApiServer> api;
  std::unique_ptr<ConsoleServer> console;
  std::unique_ptr<RpcServer> role_server;
  std::unique_ptr<metrics::MonitoringServer> monitoring;
  std::uint16_t api_port = 0, role_port = 0, console_port = 0, metrics_port = 0;

  explicit Impl(const ManagementConfig& c) : config(c), pool(static_cast<std::size_t>(c.api_threads)) {}
};

namespace {

Status createInitialAdmin(ManagementDb& db, const std::string& data_dir, std::optional<std::string> password) {
  auto admins = db.admins();
  if (!admins) return admins.error();
  if (!admins->empty()) return okStatus();
  std::string pw;
  if (password && !password->empty()) {
    SPE_TRY(checkPasswordStrength(*password, "admin"));
    pw = *password;
  } else {
    pw = generatePassword(20);
    const std::string path = data_dir + "/initial-admin-password";
    // A new file of mode 600 even when an old one (of any mode) is there.
    SPE_TRY(writeFileAtomically(path, pw + "\n", 0600));
    logger("main")->warn("Created the administrator 'admin'; its generated password is in {}", path);
  }
  auto hash = hashPassword(pw);
  if (!hash) return hash.error();
  AdminRecord admin;
  admin.user_name = "admin";
  admin.full_name = "Administrator";
  admin.password_hash = *hash;
  return db.insertAdmin(admin);
}

}  // namespace

Status pairOffline(ManagementDb& db, const ServerRecord& server) {
  auto existing = db.server(server.type, server.server_name);
  if (!existing) return existing.error();
  if (existing->has_value()) {
    ServerRecord merged = server;
    if (!merged.base_directory) merged.base_directory = (*existing)->base_directory;
    return db.updateServer(merged);
  }
  return db.insertServer(server);
}

ManagementServer::ManagementServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ManagementServer::~ManagementServer() {
  stop();
  if (impl_->figures) impl_->figures->stop();
  impl_->pool.join();
  impl_->rpc_pool.join();
}

Result<std::unique_ptr<ManagementServer>> ManagementServer::create(const ManagementConfig& config,
                                                                   std::optional<std::string> initial_admin_password) {
  auto impl = std::make_unique<Impl>(config);
  std::error_code ec;
  fs::create_directories(config.data_directory, ec);
  if (ec) return makeError(ErrorCode::kIo, "Cannot create '" + config.data_directory + "': " + ec.message());
  ::chmod(config.data_directory.c_str(), 0700);
  auto identity = loadOrCreateIdentity(config.data_directory + "/tls", config.server_name);
  if (!identity) return identity.error();
  impl->identity = *identity;
  SPE_TRY(setFirebirdLockDirectory(config.data_directory + "/.fblock"));
  // The key first: a migration of the database may seal with it.
  auto key = loadOrCreateManagementKey(config.data_directory);
  if (!key) return key.error();
  impl->key = *key;
  auto db = ManagementDb::open(config.data_directory + "/management.fdb", impl->key);
  if (!db) return db.error();
  impl->db = std::move(db.value());
  SPE_TRY(createInitialAdmin(*impl->db, config.data_directory, std::move(initial_admin_password)));
  impl->auth = std::make_unique<Authenticator>(*impl->db);
  impl->mfa = std::make_unique<AdminMfa>(*impl->db, impl->key, systemClock(), "SPE " + config.server_name);
  impl->peers = std::make_unique<RolePeers>(impl->identity, *impl->db);
  SPE_TRY(impl->peers->refreshPins());
  impl->instances = std::make_unique<InstanceControl>(*impl->db, *impl->peers);
  impl->routes = std::make_unique<RoutePublisher>(*impl->instances, *impl->db, *impl->peers);
  impl->ctx = std::make_unique<ManagementContext>(
      ManagementContext{impl->config, impl->identity, *impl->db, *impl->auth, *impl->mfa, systemClock(), *impl->peers,
                        *impl->instances, *impl->routes, impl->key});
  registerEnvironmentFunctions(impl->registry, *impl->ctx);
  registerAdministratorFunctions(impl->registry, *impl->ctx);
  registerServerFunctions(impl->registry, *impl->ctx);
  registerSmtpFunctions(impl->registry, *impl->ctx);
  registerInstanceFunctions(impl->registry, *impl->ctx);
  registerArchiveFunctions(impl->registry, *impl->ctx);
  registerBrandingFunctions(impl->registry, *impl->ctx);
  registerFiguresFunctions(impl->registry, *impl->ctx);
  {
    InstanceControl* control = impl->instances.get();
    RoutePublisher* publisher = impl->routes.get();
    // The list goes out only when the host does not have the current version.
    // `role` comes from the peer's pairing (RolePeers checks the claim).
    impl->peers->setHeartbeatAnswer(
        [control, publisher](const std::string& thumbprint, ServerType role, const Json& heartbeat) {
          if (role == ServerType::kClientAccessServer) {
            if (stringOf(heartbeat, "routesVersion") == publisher->version()) return Json::object();
            return publisher->table();
          }
          const auto version = heartbeat.find("instancesVersion");
          Json out = control->instancesForHostThumbprint(thumbprint, version == heartbeat.end() ? Json() : *version);
          out["casThumbprints"] = control->casThumbprints();
          return out;
        });
    impl->peers->setRouteLookup([publisher](const std::string& name) { return publisher->lookup(name); });
    // A role paired, changed or removed: the CASes learn the hosts at once.
    impl->peers->setRolesChanged([publisher] { publisher->publish(); });
    ManagementDb* mdb = impl->db.get();
    impl->registry.setAccessCheck([mdb](const FunctionSpec& spec, const Args& args) -> Status {
      if (spec.scope != Scope::kInstance) return okStatus();
      const std::string id = args.str("instanceID");
      auto r = mdb->instance(id);
      if (!r) return r.error();
      if (!r->has_value()) return makeError(ErrorCode::kNotFound, "There is no instance '" + id + "'.");
      if (!(*r)->archive_admin_enabled) {
        return makeError(ErrorCode::kPermissionDenied,
                         "Service provider access (archive admin access) is disabled for the instance '" + id +
                             "'. Enable it with SetArchiveAdminEnabled, or ask the customer to.");
      }
      return okStatus();
    });
  }
  return std::unique_ptr<ManagementServer>(new ManagementServer(std::move(impl)));
}

namespace {

// The Management Console on its port, with the API's certificate.
Status startConsole(ManagementServer::Impl& m) {
  auto console_ctx = makeServerContext(m.identity, nullptr);
  if (!console_ctx) return console_ctx.error();
  ConsoleOptions options;
  options.web_directory = m.config.console_directory;
  options.api_port = m.api_port;
  options.connections.per_address = static_cast<std::size_t>(m.config.unauthenticated_per_address);
  options.connections.total = static_cast<std::size_t>(m.config.unauthenticated_total);
  m.console = std::make_unique<ConsoleServer>(m.io, m.pool, *console_ctx, m.registry, m.tasks, *m.auth,
                                              m.login_throttle, *m.db, *m.mfa, systemClock(), options);
  auto port = m.console->listen(m.config.listen_address, m.config.console_port);
  if (!port) return port.error();
  m.console_port = *port;
  return okStatus();
}

// /metrics and /health on their own port, with the API's certificate.
Status startMonitoring(ManagementServer::Impl& m) {
  auto tls = makeServerContext(m.identity, nullptr);
  if (!tls) return tls.error();
  metrics::MonitoringConfig config = m.config.monitoring;
  config.role = "managementServer";
  ManagementContext* ctx = m.ctx.get();
  m.monitoring = std::make_unique<metrics::MonitoringServer>(
      m.io, m.pool, *tls, config, [ctx] { return checkManagementHealth(*ctx); },
      [ctx] { return collectManagementFamilies(*ctx); });
  auto port = m.monitoring->listen();
  if (!port) return port.error();
  m.metrics_port = *port;
  return okStatus();
}

}  // namespace

FunctionRegistry& ManagementServer::registry() { return impl_->registry; }
std::uint16_t ManagementServer::consolePort() const { return impl_->console_port; }
ManagementDb& ManagementServer::db() { return *impl_->db; }
const std::string& ManagementServer::thumbprint() const { return impl_->identity.thumbprint; }
std::uint16_t ManagementServer::apiPort() const { return impl_->api_port; }
std::uint16_t ManagementServer::rolePort() const { return impl_->role_port; }

Status ManagementServer::start() {
  auto& m = *impl_;
  auto role_ctx = makeServerContext(m.identity, m.peers->pins());
  if (!role_ctx) return role_ctx.error();
  m.role_server = std::make_unique<RpcServer>(
      m.io, m.rpc_pool, *role_ctx, [peers = m.peers.get()](const RpcRequest& r) { return peers->handleRoleRequest(r); },
      "role port");
  auto rp = m.role_server->listen(m.config.listen_address, m.config.role_port);
  if (!rp) return rp.error();
  m.role_port = *rp;
  if (m.config.api_enabled) {
    auto api_ctx = makeServerContext(m.identity, nullptr);
    if (!api_ctx) return api_ctx.error();
    ApiLimits api_limits;
    api_limits.connections.per_address = static_cast<std::size_t>(m.config.unauthenticated_per_address);
    api_limits.connections.total = static_cast<std::size_t>(m.config.unauthenticated_total);
    m.api = std::make_unique<ApiServer>(m.io, m.pool, *api_ctx, m.registry, m.tasks, *m.auth, m.login_throttle,
                                        api_limits);
    auto ap = m.api->listen(m.config.listen_address, m.config.api_port);
    if (!ap) return ap.error();
    m.api_port = *ap;
  }
  if (m.config.console_enabled) SPE_TRY(startConsole(m));
  SPE_TRY(startMonitoring(m));
  m.figures_source = makeInstanceFiguresSource(*m.instances);
  m.figures = std::make_unique<FiguresRecorder>(
      *m.db, *m.figures_source, systemClock(), [&m](std::function<void()> fn) { asio::post(m.pool, std::move(fn)); },
      std::chrono::seconds(m.config.statistics_interval_seconds));
  // The first sample once the hosts had time to report their instances.
  m.figures->start(std::min(std::chrono::seconds(m.config.statistics_interval_seconds), std::chrono::seconds(60)));
  logger("main")->info(
      "Management Server ready: API https://{}:{}/api/ console https://{}:{}/ role port {} thumbprint {}",
      m.config.listen_address, m.api_port, m.config.listen_address, m.console_port, m.role_port, m.identity.thumbprint);
  return okStatus();
}

void ManagementServer::run(std::function<void()> reload) {
  service::SystemdService service(impl_->io, std::move(reload));
  asio::signal_set signals(impl_->io, SIGINT, SIGTERM);
  signals.async_wait([this, &service](const ErrorCodeT& ec, int) {
    if (!ec) {
      logger("main")->info("Stopping");
      service.stopping();
      impl_->io.stop();
    }
  });
  service.ready("Management Server serving the API on port " + std::to_string(impl_->api_port));
  unblockTerminationSignals();  // one that came since main started goes to `signals` now
  // Two network threads: this one and a helper (functions run on the pool).
  std::thread helper([this] { impl_->io.run(); });
  impl_->io.run();
  helper.join();
}

void ManagementServer::stop() { impl_->io.stop(); }

}  // namespace spe::management
