#include "instancehost/instancehost_server.h"

#include "common/logging.h"

namespace spe::instancehost {

InstanceHostServer::InstanceHostServer(InstanceHostConfig config)
    : config_(config),
      directories_(config.base_directory),
      agent_(config.role, [this](const RpcRequest& r) { return handle(r); },
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
  supervisor_ = std::make_unique<InstanceSupervisor>(agent_.io(), o);
  supervisor_->begin();
  agent_.setHeartbeatReplyHandler([this](const Json& reply) {
    if (reply.is_object() && reply.contains("instances")) {
      syncFrom(reply["instances"], reply.value("instancesVersion", Json()));
    }
  });
  agent_.setShutdownHook([this] { supervisor_->stopAll(); });
}

InstanceHostServer::~InstanceHostServer() = default;

void InstanceHostServer::syncFrom(const Json& list, const Json& version) {
  if (!list.is_array()) return;
  std::lock_guard lock(sync_mutex_);
  if (version.is_object()) {
    const std::int64_t epoch = version.value("epoch", std::int64_t{0});
    const std::int64_t seq = version.value("seq", std::int64_t{0});
    if (epoch == sync_epoch_ && seq < sync_seq_) return;  // stale
    sync_epoch_ = epoch;
    sync_seq_ = seq;
  }
  std::vector<InstanceSpec> specs;
  for (const auto& j : list) {
    if (!j.is_object()) continue;
    specs.push_back({j.value("instanceID", ""), j.value("baseDirectory", ""), j.value("startMode", "manual"),
                     j.value("debugLogEnabled", false)});
  }
  supervisor_->sync(specs);
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
    return Json{{"path", *resolved}};
  }
  if (m == "instances.sync") {
    syncFrom(p.value("instances", Json::array()), p.value("instancesVersion", Json()));
    return Json();
  }
  if (m == "instances.status") return supervisor_->status();
  const bool safe = p.value("safeMode", false);
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
    return supervisor_->call(p.value("instanceID", ""), p.value("method", ""), p.value("params", Json::object()),
                             std::chrono::milliseconds(p.value("timeoutMilliseconds", 60000)), request.progress);
  }
  return makeError(ErrorCode::kNotSupported, "The Instance Host has no method '" + m + "'.");
}

}  // namespace spe::instancehost
