#include "management/instance_control.h"

#include <future>
#include <set>

#include "common/base/text.h"
#include "management/instance_filter.h"

namespace spe::management {

InstanceControl::InstanceControl(ManagementDb& db, RolePeers& peers) : db_(db), peers_(peers), catalog_(db) {}

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

template <typename Records>
InstanceControl::LiveStatuses InstanceControl::live(const Records& records) {
  std::set<std::string> hosts;
  const std::string* last = nullptr;  // instances come in runs of one host: one insert a run
  for (const auto& r : records) {
    if (last == nullptr || *last != r->instance_host) hosts.insert(r->instance_host);
    last = &r->instance_host;
  }
  std::map<std::string, std::future<Result<Json>>> calls;
  for (const auto& host : hosts) {
    calls[host] = std::async(std::launch::async, [this, h = host] {
      return hostCall(h, "instances.status", Json::object(), std::chrono::seconds(5));
    });
  }
  LiveStatuses out;
  for (auto& [host, fut] : calls) {
    Result<Json> st = fut.get();
    if (!st) {
      out.host_errors[host] = st.error().message;
      continue;
    }
    if (!st->is_array()) continue;
    for (auto& s : *st) {
      if (!s.is_object()) continue;
      std::string id = s.value("instanceID", "");
      out.reported.insert_or_assign(std::move(id), std::move(s));
    }
  }
  return out;
}

Json InstanceControl::LiveStatuses::of(const InstanceRecord& r) const {
  if (auto e = host_errors.find(r.instance_host); e != host_errors.end()) {
    return Json{{"processID", nullptr}, {"status", "error"}, {"startStopError", e->second}};
  }
  if (auto k = reported.find(r.instance_id); k != reported.end()) return k->second;
  // An on-demand instance without a process starts at its next use (docs/instances.md).
  return Json{{"processID", nullptr},
              {"status", r.start_mode == "onDemand" ? "standby" : "stopped"},
              {"startStopError", nullptr}};
}

std::string InstanceControl::LiveStatuses::fingerprint() const {
  std::string out;
  for (const auto& [id, status] : reported) out += id + '\n' + status.dump() + '\n';
  out += '\f';
  for (const auto& [host, error] : host_errors) out += host + '\n' + error + '\n';
  return out;
}

bool InstanceControl::stateMatches(const std::string& wanted, const std::string& status) {
  if (wanted == "running") return status == "running";
  if (wanted == "stopped") return status == "stopped" || status == "standby" || status == "error";
  return true;
}

Result<InstanceControl::Matches> InstanceControl::match(const std::string& filter_text) {
  auto filter = parseInstanceFilter(filter_text);
  if (!filter) return filter.error();
  auto cached = this->all();
  if (!cached) return cached.error();
  for (const auto& host : filter->hosts) {
    auto h = db_.server(ServerType::kInstanceHost, host);
    if (!h) return h.error();
    if (!h->has_value()) {
      return makeError(ErrorCode::kNotFound, "'instanceFilter' names the unknown Instance Host '" + host + "'.");
    }
  }
  std::set<std::string> found;
  Matches out;
  out.snapshot = *cached;
  out.state = filter->state.value_or("");
  if (filter->all) out.records.reserve((*cached)->size());
  for (const auto& p : **cached) {
    const InstanceRecord& r = *p;
    bool chosen = filter->all;
    if (!filter->ids.empty()) {
      if (filter->ids.count(r.instance_id)) {
        found.insert(r.instance_id);
        chosen = true;
      }
      if (!r.alias.empty() && filter->ids.count(r.alias)) {
        found.insert(r.alias);
        chosen = true;
      }
    }
    for (const auto& h : filter->hosts) chosen = chosen || h == r.instance_host;
    if (chosen) out.records.push_back(p.get());
  }
  for (const auto& id : filter->ids) {
    if (!found.count(id)) {
      return makeError(ErrorCode::kNotFound, "'instanceFilter' names the unknown instance '" + id + "'.");
    }
  }
  return out;
}

Result<std::vector<SelectedInstance>> InstanceControl::select(const std::string& filter_text) {
  auto matches = match(filter_text);
  if (!matches) return matches.error();
  const LiveStatuses statuses = live(matches->records);
  std::vector<SelectedInstance> out;
  out.reserve(matches->records.size());
  for (const auto& r : matches->records) {
    SelectedInstance s{*r, statuses.of(*r)};
    if (stateMatches(matches->state, s.status.value("status", "stopped"))) out.push_back(std::move(s));
  }
  return out;
}

Result<std::shared_ptr<const std::string>> InstanceControl::statusListText(const std::string& filter_text) {
  auto matches = match(filter_text);
  if (!matches) return matches.error();
  const LiveStatuses statuses = live(matches->records);
  std::string fingerprint = statuses.fingerprint();
  {
    std::lock_guard lock(list_texts_mutex_);
    auto kept = list_texts_.find(filter_text);
    if (kept != list_texts_.end() && kept->second.snapshot == matches->snapshot && kept->second.live == fingerprint) {
      return kept->second.text;
    }
  }
  static const std::string kStoppedTail =
      "\"processID\":null,\"status\":\"stopped\",\"startStopError\":null,\"safeMode\":false,\"frozen\":false}";
  static const std::string kStandbyTail =
      "\"processID\":null,\"status\":\"standby\",\"startStopError\":null,\"safeMode\":false,\"frozen\":false}";
  std::string out = "[";
  out.reserve(matches->records.size() * (kStoppedTail.size() + 120));
  for (const auto& r : matches->records) {
    std::string tail;
    if (!statuses.reported.count(r->instance_id) && !statuses.host_errors.count(r->instance_host)) {
      const bool standby = r->start_mode == "onDemand";
      if (!stateMatches(matches->state, standby ? "standby" : "stopped")) continue;
      tail = standby ? kStandbyTail : kStoppedTail;
    } else {
      const Json full = statusJson(SelectedInstance{InstanceRecord(), statuses.of(*r)});
      if (!stateMatches(matches->state, full.value("status", "stopped"))) continue;
      Json fields = Json::object();
      for (const char* key : {"processID", "status", "startStopError", "safeMode", "frozen"}) fields[key] = full[key];
      tail = fields.dump(-1, ' ', false, Json::error_handler_t::replace).substr(1);  // without its '{'
    }
    if (out.size() > 1) out += ',';
    out += r->status_head;
    out += tail;
  }
  out += ']';
  auto text = std::make_shared<const std::string>(std::move(out));
  std::lock_guard lock(list_texts_mutex_);
  if (list_texts_.size() >= kListTexts && !list_texts_.count(filter_text)) list_texts_.clear();
  list_texts_[filter_text] = ListText{std::move(matches->snapshot), std::move(fingerprint), text};
  return text;
}

Result<SelectedInstance> InstanceControl::one(const std::string& instance_id) {
  auto r = db_.instance(instance_id);
  if (!r) return r.error();
  if (!r->has_value()) return makeError(ErrorCode::kNotFound, "There is no instance '" + instance_id + "'.");
  const InstanceRecord* record = &**r;
  const LiveStatuses statuses = live(std::vector<const InstanceRecord*>{record});
  return SelectedInstance{**r, statuses.of(**r)};
}

Result<Json> InstanceControl::hostList(const std::string& host_name) {
  const Json version = catalog_.hostVersion(host_name);  // read before the list
  auto all = this->all();
  if (!all) return all.error();
  Json list = Json::array();
  for (const auto& r : **all) {
    if (r->instance_host == host_name) list.push_back(InstanceCatalog::specJson(*r));
  }
  return Json{{"instances", std::move(list)}, {"instancesVersion", version}};
}

Status InstanceControl::pushToHost(const std::string& host_name) {
  auto list = hostList(host_name);
  if (!list) return list.error();
  auto res = hostCall(host_name, "instances.sync", *list, std::chrono::seconds(10));
  if (!res) return res.error();
  return okStatus();
}

Status InstanceControl::pushChanges(const CatalogChange& change) {
  Status first = okStatus();
  for (const auto& [host, delta] : change.hosts) {
    auto res = hostCall(
        host, "instances.sync",
        Json{{"changes", delta.changes}, {"fromVersion", delta.from_version}, {"instancesVersion", delta.to_version}},
        std::chrono::seconds(10));
    Status st = res ? okStatus() : Status(res.error());
    if (res && res->is_object() && res->value("needList", false)) st = pushToHost(host);
    if (!st && first) first = st;
  }
  return first;
}

Json InstanceControl::instancesForHostThumbprint(const std::string& thumbprint, const Json& reported) {
  auto hosts = db_.servers(ServerType::kInstanceHost);
  if (!hosts) return Json::object();
  std::string host_name;
  for (const auto& h : *hosts) {
    if (h.thumbprint == thumbprint) host_name = h.server_name;
  }
  if (host_name.empty()) return Json::object();
  if (reported == catalog_.hostVersion(host_name)) return Json::object();
  auto list = hostList(host_name);
  return list ? std::move(*list) : Json::object();
}

Json InstanceControl::routesForCas() {
  Json instances = Json::array();
  Json hosts = Json::array();
  auto all = this->all();
  auto servers = db_.servers(ServerType::kInstanceHost);
  if (!all || !servers) return Json::object();  // keep the CAS's last table
  for (const auto& r : **all) {
    instances.push_back({{"instanceID", r->instance_id}, {"alias", r->alias}, {"host", r->instance_host}});
  }
  for (const auto& h : *servers) {
    hosts.push_back({{"serverName", h.server_name}, {"port", h.port}, {"thumbprint", h.thumbprint}});
  }
  return Json{{"routes", Json{{"instances", std::move(instances)}, {"hosts", std::move(hosts)}}}};
}

Json InstanceControl::casThumbprints() {
  Json out = Json::array();
  auto servers = db_.servers(ServerType::kClientAccessServer);
  if (!servers) return out;
  for (const auto& s : *servers) out.push_back(s.thumbprint);
  return out;
}

}  // namespace spe::management
