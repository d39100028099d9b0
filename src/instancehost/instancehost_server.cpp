#include "instancehost/instancehost_server.h"

#include <unistd.h>

#include <optional>

#include "common/base/logging.h"
#include "common/base/text.h"
#include "instancehost/instancehost_metrics.h"

namespace spe::instancehost {
namespace {

// An end user's stream from a CAS: on to the instance's socket, answer the
// CAS with the instance's answer, then copy bytes both ways.
// `in_use` (an on-demand instance's use) lasts as long as the stream.
asio::awaitable<void> forwardStream(std::shared_ptr<ByteStream> from_cas, Result<std::string> socket, Json params,
                                    Json id, [[maybe_unused]] std::shared_ptr<void> in_use = nullptr) {
  ErrorCodeT ec;
  std::shared_ptr<ByteStream> to_instance;
  Json answer;
  answer["id"] = id;
  if (socket) {
    auto opened = co_await openLocalStream(*socket, params, std::chrono::seconds(30));
    if (opened) to_instance = *opened;
    else answer["error"] = rpcErrorToJson(opened.error());
  } else {
    answer["error"] = rpcErrorToJson(socket.error());
  }
  if (!to_instance) {
    co_await writeFrame(*from_cas, answer, ec);
    co_await from_cas->shutdown();
    co_return;
  }
  answer["result"] = Json::object();
  co_await writeFrame(*from_cas, answer, ec);
  if (ec) {
    to_instance->close();
    co_return;
  }
  co_await splice(from_cas, to_instance);
}

}  // namespace

InstanceHostServer::InstanceHostServer(InstanceHostConfig config)
    : config_(config),
      directories_(config.base_directory),
      agent_(
          config.role, [this](const RpcRequest& r) { return handle(r); },
          [this] {
            std::lock_guard lock(sync_mutex_);
            return Json{{"baseDirectory", config_.base_directory},
                        {"numberOfInstances", supervisor_->knownCount()},
                        {"numberOfRunningInstances", supervisor_->runningCount()},
                        {"instancesVersion", Json{{"epoch", sync_epoch_}, {"seq", sync_seq_}}}};
          }) {
  SupervisorOptions o;
  o.instance_binary = config_.instance_binary;
  o.runtime_directory = config_.role.data_directory + "/run";
  o.state_file = config_.role.data_directory + "/instances.json";
  o.host_key_file = config_.role.data_directory + "/keys/host.key";
  o.stop_timeout = std::chrono::seconds(config_.stop_timeout_seconds);
  o.ready_timeout = std::chrono::seconds(config_.ready_timeout_seconds);
  o.idle_stop_after = std::chrono::seconds(config_.on_demand_idle_stop_seconds);
  o.user_per_instance = config_.instance_users == "perInstance" && ::geteuid() == 0;
  o.import_directory = config_.import_directory;
  o.allowed_path_roots = config_.allowed_path_roots;
  o.web_restore = config_.web_restore;
  o.web_restore_servers = config_.web_restore_servers;
  o.web_restore_ca_file = config_.web_restore_ca_file;
  if (config_.notification_sweep_seconds)
    o.notification_sweep = std::chrono::seconds(*config_.notification_sweep_seconds);
  supervisor_ = std::make_unique<InstanceSupervisor>(agent_.io(), o);
  InstanceMoves::Hooks hooks;
  hooks.resolve = [this](const std::string& path) { return directories_.resolve(path); };
  hooks.stopped = [this](const std::string& id) {
    auto socket = supervisor_->socketOfRunning(id);
    return !socket && (socket.error().code == ErrorCode::kNotFound || socket.error().details == kArchiveStopped);
  };
  hooks.host_key_hex = [this] { return supervisor_->hostKeyHex(); };
  hooks.peers_changed = [this] { updatePeers(); };
  moves_ = std::make_unique<InstanceMoves>(agent_.identity(), std::move(hooks));
  supervisor_->setStartGuard([this](const std::string& id) { return refuseWhileMoving(id); });
  // Instances start with the daemon, never with --show-thumbprint (which
  // builds the daemon too, to read its identity).
  agent_.setStartHook([this, per_instance = o.user_per_instance] {
    if (!per_instance) {
      logger("instances")
          ->warn(
              "instances run as this host's user (uid {}){}: they are not isolated from each other or from the host's "
              "key at the operating-system level (one instance's process could read another's files and the host "
              "key); only the path checks of imports and stores confine them",
              ::geteuid(),
              config_.instance_users == "perInstance" ? " because the host does not run as root" : " (instanceUsers)");
    }
    supervisor_->begin();
    return startMonitoring();
  });
  agent_.setStreamHandler([this](std::shared_ptr<ByteStream> stream, RpcRequest request, Json id) {
    if (InstanceMoves::isMoveStream(request)) {  // another host fetching an instance's data
      moves_->serve(std::move(stream), request, std::move(id));
      return;
    }
    if (!isCas(request.peer_thumbprint)) {  // end users' streams come from the CASes alone
      logger("streams")->warn("a stream from a peer that is no CAS ({}) was refused",
                              request.peer_thumbprint.substr(0, 16));
      auto refusal = makeError(ErrorCode::kPermissionDenied, "Only a Client Access Server opens such streams.");
      auto ex = stream->executor();
      asio::co_spawn(ex, forwardStream(std::move(stream), refusal, std::move(request.params), std::move(id)),
                     asio::detached);
      return;
    }
    // The error an unknown or stopped instance gets reveals nothing else.
    const std::string instance = stringOf(request.params, "instanceID").value_or("");
    if (supervisor_->onDemand(instance)) {  // started for this stream when it is not running
      // An IMAP session is a use while it lasts. The CAS keeps Web Access
      // streams open for later requests: opening one is a use, keeping it
      // is not (logged-in users keep the instance busy: its activity).
      auto in_use = supervisor_->use(instance);
      if (stringOf(request.params, "service").value_or("") == "web") in_use = nullptr;
      asio::post(agent_.pool(), [this, stream, request, id, instance, in_use]() mutable {
        const Status woke = supervisor_->wake(instance);
        Result<std::string> socket = woke ? supervisor_->socketOfRunning(instance) : Result<std::string>(woke.error());
        if (!socket) logger("streams")->info("stream for instance '{}' refused: {}", instance, socket.error().message);
        auto ex = stream->executor();
        asio::co_spawn(ex,
                       forwardStream(std::move(stream), std::move(socket), std::move(request.params), std::move(id),
                                     std::move(in_use)),
                       asio::detached);
      });
      return;
    }
    auto socket = supervisor_->socketOfRunning(instance);
    if (!socket) logger("streams")->info("stream for instance '{}' refused: {}", instance, socket.error().message);
    // An end user of a stopped instance reads why (the CAS passes these words on).
    if (!socket && socket.error().details == kArchiveStopped) {
      socket = makeError(ErrorCode::kUnavailable, "This archive is stopped. Ask your provider.", kArchiveStopped);
    }
    auto ex = stream->executor();
    asio::co_spawn(ex, forwardStream(std::move(stream), std::move(socket), std::move(request.params), std::move(id)),
                   asio::detached);
  });
  agent_.setHeartbeatReplyHandler([this](const Json& reply) {
    if (reply.is_object() && reply.contains("casThumbprints") && reply["casThumbprints"].is_array()) {
      std::set<std::string> cas;
      for (const auto& t : reply["casThumbprints"]) {
        if (t.is_string()) cas.insert(t.get<std::string>());
      }
      {
        std::lock_guard lock(peers_mutex_);
        cas_peers_ = std::move(cas);
      }
      updatePeers();
    }
    if (reply.is_object() && reply.contains("instances")) {
      syncFrom(reply["instances"], reply.value("instancesVersion", Json()));
    }
  });
  agent_.setShutdownHook([this] { supervisor_->stopAll(); });
}

InstanceHostServer::~InstanceHostServer() = default;

Status InstanceHostServer::startMonitoring() {
  auto tls = makeServerContext(agent_.identity(), nullptr);
  if (!tls) return tls.error();
  monitoring_ = std::make_unique<metrics::MonitoringServer>(
      agent_.io(), agent_.pool(), *tls, config_.role.monitoring,
      [this] { return checkHostHealth(*supervisor_, agent_, config_); },
      [this] { return collectHostFamilies(*supervisor_, config_); });
  auto port = monitoring_->listen();
  return port ? okStatus() : Status(port.error());
}

bool InstanceHostServer::isCas(const std::string& thumbprint) {
  std::lock_guard lock(peers_mutex_);
  return cas_peers_.count(thumbprint) > 0;
}

void InstanceHostServer::updatePeers() {
  std::lock_guard lock(peers_mutex_);
  std::set<std::string> all = cas_peers_;
  for (const auto& t : moves_->peers()) all.insert(t);
  agent_.setPeerThumbprints(all);
}

namespace {

// One entry of the Management Server's list; nullopt (logged) when not valid.
std::optional<InstanceSpec> specFrom(const Json& j) {
  if (!j.is_object()) return std::nullopt;
  auto id = stringField(j, "instanceID", {}, 255);
  auto base = stringField(j, "baseDirectory", {}, 4096);
  auto mode = stringField(j, "startMode", "manual", 64);
  auto debug = boolField(j, "debugLogEnabled", false);
  if (!id || !base || !mode || !debug || id->empty()) {
    logger("instances")->warn("instances.sync: an entry of the list is not valid; it is ignored");
    return std::nullopt;
  }
  return InstanceSpec{*id, *base, *mode, *debug};
}

}  // namespace

void InstanceHostServer::syncFrom(const Json& list, const Json& version) {
  if (!list.is_array()) return;
  std::lock_guard lock(sync_mutex_);
  if (version.is_object()) {
    const std::int64_t epoch = intField(version, "epoch", 0, 0, INT64_MAX).value_or(0);
    const std::int64_t seq = intField(version, "seq", 0, 0, INT64_MAX).value_or(0);
    if (epoch == sync_epoch_ && seq < sync_seq_) return;  // stale
    sync_epoch_ = epoch;
    sync_seq_ = seq;
  }
  std::vector<InstanceSpec> specs;
  for (const auto& j : list) {
    if (auto spec = specFrom(j)) specs.push_back(std::move(*spec));
  }
  supervisor_->sync(specs);
}

Json InstanceHostServer::changeFrom(const Json& params) {
  auto version = [&](const char* key) -> std::pair<std::int64_t, std::int64_t> {
    const auto v = params.find(key);
    if (v == params.end() || !v->is_object()) return {-2, -2};
    return {intField(*v, "epoch", -2, 0, INT64_MAX).value_or(-2), intField(*v, "seq", -2, 0, INT64_MAX).value_or(-2)};
  };
  const auto [from_epoch, from_seq] = version("fromVersion");
  const auto [epoch, seq] = version("instancesVersion");
  const auto changes = params.find("changes");
  if (changes == params.end() || !changes->is_array() || epoch < 0 || seq < 0) {
    return Json{{"needList", true}};
  }
  std::lock_guard lock(sync_mutex_);
  if (epoch == sync_epoch_ && seq <= sync_seq_) return Json::object();  // as new already
  if (from_epoch != sync_epoch_ || from_seq != sync_seq_) return Json{{"needList", true}};
  for (const auto& c : *changes) {
    if (c.is_object() && c.value("removed", false) == true) {
      auto id = stringField(c, "instanceID", {}, 255);
      if (id && !id->empty()) supervisor_->update({}, {*id});
    } else if (auto spec = specFrom(c)) {
      supervisor_->update({std::move(*spec)}, {});
    }
  }
  sync_seq_ = seq;
  return Json::object();
}

Result<Json> InstanceHostServer::forEachInstance(const Json& params,
                                                 const std::function<Status(const std::string&)>& op) {
  std::vector<std::string> ids;
  if (params.contains("instanceIDs") && params["instanceIDs"].is_array()) {
    for (const auto& id : params["instanceIDs"]) {
      if (id.is_string()) ids.push_back(id.get<std::string>());
    }
  }
  Json out = Json::object();
  for (const auto& [id, st] : supervisor_->forEach(ids, op)) {
    out[id] = st.ok() ? Json{{"ok", true}} : Json{{"ok", false}, {"error", st.error().message}};
  }
  return out;
}

Status InstanceHostServer::refuseWhileMoving(const std::string& id) const {
  if (!moves_->moving(id)) return okStatus();
  return makeError(ErrorCode::kInvalidArgument,
                   "The instance '" + id + "' is being moved to another Instance Host; it starts there.");
}

Result<Json> InstanceHostServer::handle(const RpcRequest& request) {
  const Json& p = request.params;
  const std::string path = p.is_object() && p.contains("path") && p["path"].is_string() ? p["path"].get<std::string>()
                                                                                        : std::string();
  const std::string& m = request.method;
  if (m == "listDirectories") return directories_.list(path);
  if (m == "createDirectory") {
    SPE_TRY(directories_.create(path));
    return Json();
  }
  if (m == "resolvePath") {
    auto resolved = directories_.resolve(path);
    if (!resolved) return resolved.error();
    // Whether an instance's data lives there (SetInstanceConfiguration refuses
    // to point an instance away from its data).
    std::error_code ec;
    const bool data = std::filesystem::exists(*resolved + "/MailStoreMaster.fdb", ec);
    return Json{{"path", *resolved}, {"hasInstanceData", data}};
  }
  if (m == "instances.sync") {
    if (p.contains("changes")) return changeFrom(p);
    const auto list = p.find("instances");
    const auto version = p.find("instancesVersion");
    syncFrom(list == p.end() ? Json::array() : *list, version == p.end() ? Json() : *version);
    return Json();
  }
  if (m == "instances.status") return supervisor_->status();
  if (m == "move.inspect") return moves_->inspect(p);
  if (m == "move.offer") return moves_->offer(p);
  if (m == "move.pull") return moves_->pull(p, request.progress);
  if (m == "move.discard") return moves_->discard(p);
  if (m == "move.release") return moves_->release(p);
  auto safe_field = boolField(p, "safeMode", false);
  if (!safe_field) return safe_field.error();
  const bool safe = *safe_field;
  if (m == "instances.start") {
    return forEachInstance(p, [this, safe](const std::string& id) { return supervisor_->start(id, safe); });
  }
  if (m == "instances.stop") {
    return forEachInstance(p, [this](const std::string& id) { return supervisor_->stop(id); });
  }
  if (m == "instances.restart") {
    return forEachInstance(p, [this, safe](const std::string& id) { return supervisor_->restart(id, safe); });
  }
  if (m == "instances.freeze") {
    return forEachInstance(p, [this](const std::string& id) { return supervisor_->freeze(id); });
  }
  if (m == "instances.thaw") {
    return forEachInstance(p, [this](const std::string& id) { return supervisor_->thaw(id); });
  }
  if (m == "instance.call") {
    auto id = stringField(p, "instanceID", {}, 255);
    auto method = stringField(p, "method", {}, 255);
    auto timeout = intField(p, "timeoutMilliseconds", 60000, 1, 7LL * 24 * 3600 * 1000);
    if (!id || !method || !timeout) return !id ? id.error() : !method ? method.error() : timeout.error();
    const auto params = p.find("params");
    const Json call_params = params == p.end() || params->is_null() ? Json::object() : *params;
    if (!call_params.is_object()) return makeError(ErrorCode::kInvalidArgument, "'params' must be a JSON object.");
    return supervisor_->call(*id, *method, call_params, std::chrono::milliseconds(*timeout), request.progress);
  }
  return makeError(ErrorCode::kNotSupported, "The Instance Host has no method '" + printable(m) + "'.");
}

}  // namespace spe::instancehost
