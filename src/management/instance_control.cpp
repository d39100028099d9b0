#include "management/instance_control.h"

#include <future>

#include "common/base/crypto.h"
#include "common/base/text.h"
#include "management/instance_filter.h"

namespace spe::management {

InstanceControl::InstanceControl(ManagementDb& db, RolePeers& peers)
    : db_(db),
      peers_(peers),
      epoch_(std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                 .count()) {}

Result<std::shared_ptr<const std::vector<InstanceRecord>>> InstanceControl::all() {
  std::lock_guard lock(cache_mutex_);
  const std::int64_t seq = seq_.load();
  if (!cache_ || cache_seq_ != seq) {
    auto rows = db_.instances();
    if (!rows) return rows.error();
    cache_ = std::make_shared<const std::vector<InstanceRecord>>(std::move(rows.value()));
    cache_seq_ = seq;
  }
  return cache_;
}

Json InstanceControl::listVersion() const { return Json{{"epoch", epoch_}, {"seq", seq_.load()}}; }

Json InstanceControl::specJson(const InstanceRecord& r) {
  return Json{{"instanceID", r.instance_id},
              {"baseDirectory", r.base_directory},
              {"startMode", r.start_mode},
              {"debugLogEnabled", r.debug_log_enabled}};
}

Json InstanceControl::configurationJson(const InstanceRecord& r) {
  return Json{{"instanceID", r.instance_id},
              {"alias", r.alias},
              {"displayName", r.display_name},
              {"instanceHost", r.instance_host},
              {"startMode", r.start_mode},
              {"baseDirectory", r.base_directory},
              {"debugLogEnabled", r.debug_log_enabled},
              {"imapServerConnectionLogEnabled", r.imap_server_connection_log_enabled},
              {"vssWriterEnabled", r.vss_writer_enabled},
              {"vssWriterExcludeIndexes", r.vss_writer_exclude_indexes}};
}

Json InstanceControl::statusJson(const SelectedInstance& s) {
  const InstanceRecord& r = s.record;
  auto field = [&s](const char* key, Json fallback) {
    auto it = s.status.find(key);
    return it == s.status.end() ? fallback : *it;
  };
  // Built in place (reserved, emplaced): GetInstances makes one per instance.
  Json j = Json::object();
  auto& o = j.get_ref<Json::object_t&>();
  o.reserve(10);
  o.emplace_back("instanceID", r.instance_id);
  o.emplace_back("alias", r.alias);
  o.emplace_back("displayName", r.display_name);
  o.emplace_back("instanceHost", r.instance_host);
  o.emplace_back("startMode", r.start_mode);
  o.emplace_back("processID", field("processID", Json()));
  o.emplace_back("status", field("status", "stopped"));
  o.emplace_back("startStopError", field("startStopError", Json()));
  o.emplace_back("safeMode", field("safeMode", false));
  o.emplace_back("frozen", field("frozen", false));
  return j;
}

Result<Json> InstanceControl::hostCall(const std::string& host_name, const std::string& method, const Json& params,
                                       std::chrono::milliseconds timeout, const RpcClient::ProgressFn& progress) {
  auto host = db_.server(ServerType::kInstanceHost, host_name);
  if (!host) return host.error();
  if (!host->has_value()) {
    return makeError(ErrorCode::kNotFound, "There is no Instance Host '" + host_name + "'.");
  }
  return peers_.call(**host, method, params, timeout, progress);
}

Result<Json> InstanceControl::instanceCall(const InstanceRecord& instance, const std::string& method,
                                           const Json& params, std::chrono::milliseconds timeout,
                                           const RpcClient::ProgressFn& progress) {
  return hostCall(instance.instance_host, "instance.call",
                  Json{{"instanceID", instance.instance_id},
                       {"method", method},
                       {"params", params},
                       {"timeoutMilliseconds", timeout.count()}},
                  timeout + std::chrono::seconds(5), progress);
}

Result<LicenseCount> InstanceControl::countUsedLicenses(const InstanceRecord& instance, std::int64_t counted_at,
                                                        std::chrono::milliseconds timeout) {
  auto res = instanceCall(instance, "api", Json{{"function", "CountUsedLicenses"}, {"args", Json::object()}}, timeout);
  if (!res) return res.error();
  const Json used = res->is_object() ? res->value("usedLicenseCount", Json()) : Json();
  if (!used.is_number_integer()) {
    return makeError(ErrorCode::kInternal, "The instance's answer has no usedLicenseCount: " + printable(res->dump()));
  }
  const Json not_counted = res->value("storesNotCounted", Json(0));
  return LicenseCount{instance.instance_id, used.get<std::int64_t>(), counted_at,
                      not_counted.is_number_integer() ? not_counted.get<std::int64_t>() : 0};
}

std::map<std::string, Json> InstanceControl::statuses(const std::vector<InstanceRecord>& records) {
  std::map<std::string, std::vector<std::string>> by_host;
  for (const auto& r : records) by_host[r.instance_host].push_back(r.instance_id);
  std::map<std::string, std::future<Result<Json>>> calls;
  for (const auto& [host, ids] : by_host) {
    calls[host] = std::async(std::launch::async, [this, h = host] {
      return hostCall(h, "instances.status", Json::object(), std::chrono::seconds(5));
    });
  }
  std::map<std::string, Json> out;
  for (auto& [host, fut] : calls) {
    Result<Json> st = fut.get();
    std::map<std::string, Json> known;
    if (st && st->is_array()) {
      for (auto& s : *st) {
        std::string id = s.value("instanceID", "");
        known.emplace(std::move(id), std::move(s));
      }
    }
    for (const auto& id : by_host[host]) {
      auto k = known.find(id);
      if (!st) {
        out[id] = Json{{"processID", nullptr}, {"status", "error"}, {"startStopError", st.error().message}};
      } else if (k != known.end()) {
        out[id] = std::move(k->second);
      } else {
        out[id] = Json{{"processID", nullptr}, {"status", "stopped"}, {"startStopError", nullptr}};
      }
    }
  }
  return out;
}

Result<std::vector<SelectedInstance>> InstanceControl::select(const std::string& filter_text) {
  auto filter = parseInstanceFilter(filter_text);
  if (!filter) return filter.error();
  auto cached = this->all();
  if (!cached) return cached.error();
  const auto& all = *cached;
  for (const auto& host : filter->hosts) {
    auto h = db_.server(ServerType::kInstanceHost, host);
    if (!h) return h.error();
    if (!h->has_value()) {
      return makeError(ErrorCode::kNotFound, "'instanceFilter' names the unknown Instance Host '" + host + "'.");
    }
  }
  std::set<std::string> found;
  std::vector<InstanceRecord> chosen;
  for (const auto& r : *all) {
    const bool by_id = filter->ids.count(r.instance_id) || (!r.alias.empty() && filter->ids.count(r.alias));
    if (filter->ids.count(r.instance_id)) found.insert(r.instance_id);
    if (!r.alias.empty() && filter->ids.count(r.alias)) found.insert(r.alias);
    bool by_host = false;
    for (const auto& h : filter->hosts) by_host = by_host || h == r.instance_host;
    if (filter->all || by_id || by_host) chosen.push_back(r);
  }
  for (const auto& id : filter->ids) {
    if (!found.count(id)) {
      return makeError(ErrorCode::kNotFound, "'instanceFilter' names the unknown instance '" + id + "'.");
    }
  }
  auto live = statuses(chosen);
  std::vector<SelectedInstance> out;
  out.reserve(chosen.size());
  for (auto& r : chosen) {
    Json live_status = std::move(live[r.instance_id]);
    SelectedInstance s{std::move(r), std::move(live_status)};
    const std::string status = s.status.value("status", "stopped");
    if (filter->state == "running" && status != "running") continue;
    if (filter->state == "stopped" && status != "stopped" && status != "error") continue;
    out.push_back(std::move(s));
  }
  return out;
}

Result<SelectedInstance> InstanceControl::one(const std::string& instance_id) {
  auto r = db_.instance(instance_id);
  if (!r) return r.error();
  if (!r->has_value()) return makeError(ErrorCode::kNotFound, "There is no instance '" + instance_id + "'.");
  auto live = statuses({**r});
  return SelectedInstance{**r, live[instance_id]};
}

Status InstanceControl::pushToHost(const std::string& host_name) {
  const Json version = listVersion();  // read before the list
  auto all = this->all();
  if (!all) return all.error();
  Json list = Json::array();
  for (const auto& r : **all) {
    if (r.instance_host == host_name) list.push_back(specJson(r));
  }
  auto res = hostCall(host_name, "instances.sync", Json{{"instances", list}, {"instancesVersion", version}},
                      std::chrono::seconds(10));
  if (!res) return res.error();
  return okStatus();
}

Json InstanceControl::instancesForHostThumbprint(const std::string& thumbprint) {
  const Json version = listVersion();  // read before the list
  Json list = Json::array();
  auto hosts = db_.servers(ServerType::kInstanceHost);
  if (!hosts) return Json::object();
  std::string host_name;
  for (const auto& h : *hosts) {
    if (h.thumbprint == thumbprint) host_name = h.server_name;
  }
  if (host_name.empty()) return Json::object();
  auto all = this->all();
  if (!all) return Json::object();
  for (const auto& r : **all) {
    if (r.instance_host == host_name) list.push_back(specJson(r));
  }
  return Json{{"instances", list}, {"instancesVersion", version}};
}

Json InstanceControl::routesForCas() {
  Json instances = Json::array();
  Json hosts = Json::array();
  auto all = this->all();
  auto servers = db_.servers(ServerType::kInstanceHost);
  if (!all || !servers) return Json::object();  // keep the CAS's last table
  for (const auto& r : **all) {
    instances.push_back({{"instanceID", r.instance_id}, {"alias", r.alias}, {"host", r.instance_host}});
  }
  for (const auto& h : *servers) {
    hosts.push_back({{"serverName", h.server_name}, {"port", h.port}, {"thumbprint", h.thumbprint}});
  }
  Json routes{{"instances", instances}, {"hosts", hosts}};
  const std::string version = sha256Hex(dumpJson(routes)).substr(0, 32);
  return Json{{"routes", std::move(routes)}, {"routesVersion", version}};
}

Json InstanceControl::casThumbprints() {
  Json out = Json::array();
  auto servers = db_.servers(ServerType::kClientAccessServer);
  if (!servers) return out;
  for (const auto& s : *servers) out.push_back(s.thumbprint);
  return out;
}

}  // namespace spe::management
