// Instances: CreateInstance, GetInstances, Get/SetInstanceConfiguration,
// Start/Stop/Restart/Freeze/Thaw/DeleteInstances, statistics and archive
// admin access.
#include <filesystem>
#include <future>

#include "common/base/logging.h"
#include "management/api/function_registry.h"
#include "management/instance_control.h"
#include "management/instance_filter.h"
#include "management/instance_move.h"
#include "management/management_context.h"

namespace spe::management {
namespace {

Status checkAlias(const std::string& alias) {
  if (alias.empty()) return okStatus();
  if (alias.size() > 64)
    return makeError(ErrorCode::kInvalidArgument, "'config.alias' may have at most 64 characters.");
  for (char c : alias) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_')) {
      return makeError(ErrorCode::kInvalidArgument,
                       "'config.alias' may contain only lower-case letters, digits, '-', '.' and '_'.");
    }
  }
  return okStatus();
}

// Reads the instance config object; `existing` supplies values for absent
// keys, and for a new instance `start_mode` the startMode when it has none.
Result<InstanceRecord> readInstanceConfig(const Json& json, const InstanceRecord* existing, bool create,
                                          const std::string& start_mode = "manual") {
  InstanceRecord r = existing ? *existing : InstanceRecord{};
  if (!existing) r.start_mode = start_mode;
  JsonReader rd(json, "config");
  rd.str("instanceID", r.instance_id, true);
  rd.str("alias", r.alias);
  rd.str("displayName", r.display_name);
  rd.str("instanceHost", r.instance_host, create);
  rd.str("startMode", r.start_mode);
  std::string base = existing ? existing->base_directory : std::string();
  rd.str("baseDirectory", base);
  rd.boolean("debugLogEnabled", r.debug_log_enabled);
  rd.boolean("imapServerConnectionLogEnabled", r.imap_server_connection_log_enabled);
  rd.boolean("vssWriterEnabled", r.vss_writer_enabled);
  rd.boolean("vssWriterExcludeIndexes", r.vss_writer_exclude_indexes);
  SPE_TRY(rd.finish());
  r.base_directory = base;
  if (!isValidInstanceId(r.instance_id)) {
    return makeError(ErrorCode::kInvalidArgument,
                     "'config.instanceID' '" + r.instance_id +
                         "' is not valid: use 3 to 32 characters a-z, 0-9 and '-', starting with a letter.");
  }
  if (r.start_mode != "automatic" && r.start_mode != "manual" && r.start_mode != "onDemand" &&
      r.start_mode != "disabled") {
    return makeError(ErrorCode::kInvalidArgument,
                     "'config.startMode' must be automatic, manual, onDemand or disabled.");
  }
  SPE_TRY(checkAlias(r.alias));
  if (r.display_name.size() > 256) {
    return makeError(ErrorCode::kInvalidArgument, "'config.displayName' may have at most 256 characters.");
  }
  // The sizes of their columns (INSTANCE_HOST 255, BASE_DIRECTORY 1024).
  SPE_TRY(checkLength(r.instance_host, 255, "config.instanceHost"));
  SPE_TRY(checkLength(r.base_directory, 1024, "config.baseDirectory"));
  return r;
}

// Aliases are unique and never equal another instance's ID (or an ID equal another's alias).
Status checkNames(InstanceControl& control, const InstanceRecord& r) {
  auto all = control.all();
  if (!all) return all.error();
  for (const auto& p : **all) {
    const InstanceRecord& o = *p;
    if (o.instance_id == r.instance_id) continue;
    if (!r.alias.empty() && (o.alias == r.alias || o.instance_id == r.alias)) {
      return makeError(ErrorCode::kAlreadyExists,
                       "The alias '" + r.alias + "' is already used by the instance '" + o.instance_id + "'.");
    }
    if (!o.alias.empty() && o.alias == r.instance_id) {
      return makeError(ErrorCode::kAlreadyExists,
                       "'" + r.instance_id + "' is already the alias of the instance '" + o.instance_id + "'.");
    }
  }
  return okStatus();
}

// Whether one of two normalized absolute paths is the other or lies below it
// (compared by whole names: /srv/a and /srv/ab do not overlap).
bool pathsOverlap(std::string_view a, std::string_view b) {
  if (a.size() > b.size()) std::swap(a, b);
  if (b.compare(0, a.size(), a) != 0) return false;
  return b.size() == a.size() || b[a.size()] == '/' || (!a.empty() && a.back() == '/');
}

// Resolves the base directory on the host: empty = <host base>/<id>, "~" =
// relative to the host base; the host refuses paths outside its root.
Result<std::string> resolveBaseDirectory(ManagementContext& ctx, InstanceControl& control, const ServerRecord& host,
                                         const InstanceRecord& r) {
  std::string host_base = host.base_directory.value_or("");
  if (host_base.empty()) {
    auto pong = ctx.peers.call(host, "ping", Json::object(), std::chrono::seconds(5));
    if (!pong) return pong.error();
    host_base = pong->value("baseDirectory", "");
  }
  std::string wanted = r.base_directory;
  if (wanted.empty()) {
    wanted = host_base + "/" + r.instance_id;
  } else if (wanted[0] == '~') {
    wanted = host_base + "/" + wanted.substr(wanted.size() > 1 && wanted[1] == '/' ? 2 : 1);
  } else if (wanted[0] != '/') {
    return makeError(ErrorCode::kInvalidArgument,
                     "'config.baseDirectory' must be absolute or start with '~' (the host's base directory).");
  }
  auto resolved = control.hostCall(host.server_name, "resolvePath", Json{{"path", wanted}}, std::chrono::seconds(10));
  if (!resolved) {
    Error e = resolved.error();
    e.message = "'config.baseDirectory': " + e.message;
    return e;
  }
  const std::string path = resolved->value("path", "");
  if (path == std::filesystem::path(host_base).lexically_normal().string()) {
    return makeError(ErrorCode::kInvalidArgument,
                     "'config.baseDirectory' must be a directory of its own below the host's base directory.");
  }
  auto all = control.all();
  if (!all) return all.error();
  for (const auto& p : **all) {
    const InstanceRecord& o = *p;
    if (o.instance_id == r.instance_id || o.instance_host != host.server_name) continue;
    if (pathsOverlap(o.base_directory, path)) {
      return makeError(ErrorCode::kAlreadyExists,
                       "'config.baseDirectory' overlaps the base directory of the instance '" + o.instance_id + "' (" +
                           o.base_directory + ").");
    }
  }
  return path;
}

// Puts the instance on its host: the host's canonical name and the resolved
// base directory.
Status placeOnHost(ManagementContext& ctx, InstanceControl& control, InstanceRecord& r) {
  auto h = ctx.db.server(ServerType::kInstanceHost, r.instance_host);
  if (!h) return h.error();
  if (!h->has_value()) {
    return makeError(ErrorCode::kNotFound,
                     "'config.instanceHost' names the unknown Instance Host '" + r.instance_host + "'.");
  }
  r.instance_host = (*h)->server_name;
  auto base = resolveBaseDirectory(ctx, control, **h, r);
  if (!base) return base.error();
  r.base_directory = *base;
  return okStatus();
}

Result<InstanceRecord> requireInstance(ManagementDb& db, const std::string& id) {
  auto r = db.instance(id);
  if (!r) return r.error();
  if (!r->has_value()) return makeError(ErrorCode::kNotFound, "There is no instance '" + id + "'.");
  return **r;
}

bool isStopped(const Json& status) {
  const std::string s = status.value("status", "stopped");
  return s == "stopped" || s == "standby" || (s == "error" && status.value("processID", Json()).is_null());
}

// Runs a host operation on every selected instance (4 at a time), with
// progress; fails naming every instance that failed.
Result<Json> runOnInstances(InstanceControl& control, CallContext& c, const std::string& verb,
                            const std::string& method, Json extra = Json::object()) {
  auto selected = control.select(c.args.str("instanceFilter"));
  if (!selected) return selected.error();
  const std::size_t total = selected->size();
  std::vector<std::string> failures;
  std::size_t done = 0;
  for (std::size_t i = 0; i < total; i += 4) {
    if (c.progress.cancelled()) {
      return makeError(ErrorCode::kCancelled,
                       std::to_string(done) + " of " + std::to_string(total) + " instances were " + verb + " before.");
    }
    std::vector<std::pair<std::string, std::future<Result<Json>>>> batch;
    for (std::size_t k = i; k < std::min(total, i + 4); ++k) {
      const InstanceRecord& r = (*selected)[k].record;
      Json params = extra;
      params["instanceIDs"] = Json::array({r.instance_id});
      batch.emplace_back(r.instance_id, std::async(std::launch::async, [&control, r, method, params] {
                           return control.hostCall(r.instance_host, method, params, std::chrono::seconds(90));
                         }));
    }
    for (auto& [id, fut] : batch) {
      Result<Json> res = fut.get();
      std::string error;
      if (!res) error = res.error().message;
      else if (!res->value(id, Json::object()).value("ok", false)) error = (*res)[id].value("error", "failed");
      if (!error.empty()) failures.push_back(id + ": " + error);
      c.progress.log(id + ": " + (error.empty() ? verb : "failed: " + error));
      ++done;
      c.progress.update(static_cast<int>(done * 100 / std::max<std::size_t>(total, 1)),
                        verb + " " + std::to_string(done) + " of " + std::to_string(total) + " instances");
    }
  }
  if (!failures.empty()) {
    std::string msg = "Not every instance could be " + verb + ": ";
    for (std::size_t i = 0; i < failures.size(); ++i) msg += (i ? "; " : "") + failures[i];
    return makeError(ErrorCode::kUnavailable, msg);
  }
  return Json();
}

// Creating instances and reading and changing their configuration.
void registerInstanceConfiguration(FunctionRegistry& registry, ManagementContext& ctx) {
  InstanceControl* control = &ctx.instances;
  registry.add({"CreateInstance", {{"config", ArgType::kJson}}, [&ctx, control](CallContext& c) -> Result<Json> {
                  auto r = readInstanceConfig(c.args.json("config"), nullptr, true, ctx.config.new_instance_start_mode);
                  if (!r) return r.error();
                  auto existing = ctx.db.instance(r->instance_id);
                  if (!existing) return existing.error();
                  if (existing->has_value()) {
                    return makeError(ErrorCode::kAlreadyExists,
                                     "The instance '" + r->instance_id + "' exists already.");
                  }
                  SPE_TRY(checkNames(*control, *r));
                  SPE_TRY(placeOnHost(ctx, *control, *r));
                  SPE_TRY(ctx.db.insertInstance(*r));
                  auto change = control->changed({r->instance_id});
                  if (!change) return change.error();
                  if (auto st = control->pushChanges(*change); !st) {
                    logger("instances")
                        ->warn("instance {} created; host {} not updated yet: {}", r->instance_id, r->instance_host,
                               st.error().message);
                  }
                  ctx.routes.publish(change->routes);  // every CAS routes it when this returns
                  return Json();
                }});

  registry.add({"GetInstances",
                {ArgSpec{"instanceFilter", ArgType::kString}.maxLength(65536)},
                [control](CallContext& c) -> Result<Json> {
                  auto text = control->statusListText(c.args.str("instanceFilter"));
                  if (!text) return text.error();
                  c.raw_result = std::move(*text);
                  return Json();
                }});

  registry.add({"GetInstanceConfiguration",
                {ArgSpec{"instanceID", ArgType::kString}.maxLength(32)},
                [&ctx](CallContext& c) -> Result<Json> {
                  auto r = requireInstance(ctx.db, c.args.str("instanceID"));
                  if (!r) return r.error();
                  return InstanceControl::configurationJson(*r);
                }});

  registry.add(
      {"SetInstanceConfiguration",
       {{"config", ArgType::kJson}},
       [&ctx, control](CallContext& c) -> Result<Json> {
         const Json& cfg = c.args.json("config");
         if (!cfg.is_object() || !cfg.contains("instanceID") || !cfg["instanceID"].is_string()) {
           return makeError(ErrorCode::kInvalidArgument, "'config.instanceID' is required.");
         }
         auto current = requireInstance(ctx.db, cfg["instanceID"].get<std::string>());
         if (!current) return current.error();
         auto r = readInstanceConfig(cfg, &*current, false);
         if (!r) return r.error();
         SPE_TRY(checkNames(*control, *r));
         const bool moves = r->instance_host != current->instance_host || r->base_directory != current->base_directory;
         if (moves) {
           auto live = control->one(r->instance_id);
           if (!live) return live.error();
           if (!isStopped(live->status)) {
             return makeError(ErrorCode::kInvalidArgument,
                              "The instance host and base directory can only be changed while the instance "
                              "is stopped (it is " +
                                  live->status.value("status", "?") + ").");
           }
           // A new host without a directory named: the instance's default one there.
           if (r->instance_host != current->instance_host && !cfg.contains("baseDirectory")) r->base_directory.clear();
           SPE_TRY(placeOnHost(ctx, *control, *r));
         }
         std::optional<MovedData> moved;
         if (moves && (r->instance_host != current->instance_host || r->base_directory != current->base_directory)) {
           auto m = moveInstanceData(ctx, *control, *current, *r, c.progress);
           if (!m) return m.error();
           moved = std::move(*m);
         }
         if (auto updated = ctx.db.updateInstance(*r); !updated) {
           if (moved) release(*control, *moved);  // the data stays usable where the record still points
           return updated.error();
         }
         auto change = control->changed({r->instance_id});
         if (!change) return change.error();
         (void)control->pushChanges(*change);
         if (!change->routes.empty()) ctx.routes.publish(change->routes);
         if (moved) {
           if (auto warning = finishMove(*control, *moved)) c.progress.log(*warning);
           logger("instances")
               ->info("instance {} moved to {} on {}: {}", r->instance_id, r->base_directory, r->instance_host,
                      moved->summary);
         }
         return Json();
       },
       true});
}

// Starting, stopping, freezing and deleting instances, and their statistics.
void registerInstanceStates(FunctionRegistry& registry, ManagementContext& ctx) {
  InstanceControl* control = &ctx.instances;
  auto fromInstance = [&ctx, control](const std::string& method) {
    return [&ctx, control, method](CallContext& c) -> Result<Json> {
      auto r = requireInstance(ctx.db, c.args.str("instanceID"));
      if (!r) return r.error();
      return control->instanceCall(*r, method, Json::object(), std::chrono::seconds(30));
    };
  };
  registry.add(
      {"StartInstances",
       {ArgSpec{"instanceFilter", ArgType::kString}.maxLength(65536), {"safeMode", ArgType::kBool, true}},
       [control](CallContext& c) {
         return runOnInstances(*control, c, "started", "instances.start", Json{{"safeMode", c.args.flag("safeMode")}});
       },
       true});

  registry.add({"StopInstances",
                {ArgSpec{"instanceFilter", ArgType::kString}.maxLength(65536)},
                [control](CallContext& c) { return runOnInstances(*control, c, "stopped", "instances.stop"); },
                true});

  registry.add({"RestartInstances",
                {ArgSpec{"instanceFilter", ArgType::kString}.maxLength(65536)},
                [control](CallContext& c) { return runOnInstances(*control, c, "restarted", "instances.restart"); },
                true});

  registry.add({"FreezeInstances",
                {ArgSpec{"instanceFilter", ArgType::kString}.maxLength(65536)},
                [control](CallContext& c) { return runOnInstances(*control, c, "frozen", "instances.freeze"); },
                true});

  registry.add({"ThawInstances",
                {ArgSpec{"instanceFilter", ArgType::kString}.maxLength(65536)},
                [control](CallContext& c) { return runOnInstances(*control, c, "thawed", "instances.thaw"); },
                true});

  registry.add({"DeleteInstances",
                {ArgSpec{"instanceFilter", ArgType::kString}.maxLength(65536)},
                [&ctx, control](CallContext& c) -> Result<Json> {
                  auto selected = control->select(c.args.str("instanceFilter"));
                  if (!selected) return selected.error();
                  for (const auto& s : *selected) {
                    if (!isStopped(s.status)) {
                      return makeError(ErrorCode::kInvalidArgument, "The instance '" + s.record.instance_id + "' is " +
                                                                        s.status.value("status", "?") +
                                                                        ": stop it before deleting it.");
                    }
                  }
                  Json out = Json::array();
                  std::vector<std::string> deleted;
                  // Hosts and CASes learn of what was deleted, also when a later delete fails.
                  auto tell = [&] {
                    auto change = control->changed(deleted);
                    if (!change) return;  // the hosts and CASes learn it with their next heartbeats
                    (void)control->pushChanges(*change);
                    if (!change->routes.empty()) ctx.routes.publish(change->routes);  // no CAS routes them after
                  };
                  for (const auto& s : *selected) {
                    if (auto st = ctx.db.deleteInstance(s.record.instance_id); !st) {
                      tell();
                      return st.error();
                    }
                    deleted.push_back(s.record.instance_id);
                    out.push_back({{"instanceID", s.record.instance_id},
                                   {"instanceHost", s.record.instance_host},
                                   {"baseDirectory", s.record.base_directory},
                                   {"message", "The registration was removed; the instance's data stays in " +
                                                   s.record.base_directory + " on " + s.record.instance_host + "."}});
                  }
                  tell();
                  return out;
                }});

  registry.add(
      {"GetInstanceStatistics", {ArgSpec{"instanceID", ArgType::kString}.maxLength(32)}, fromInstance("statistics")});

  registry.add({"GetInstanceProcessLiveStatistics",
                {ArgSpec{"instanceID", ArgType::kString}.maxLength(32)},
                fromInstance("liveStatistics")});
}

// The archive administrator's access to an instance.
void registerArchiveAdminAccess(FunctionRegistry& registry, ManagementContext& ctx) {
  InstanceControl* control = &ctx.instances;
  registry.add({"GetArchiveAdminEnabled",
                {ArgSpec{"instanceID", ArgType::kString}.maxLength(32)},
                [&ctx](CallContext& c) -> Result<Json> {
                  auto r = requireInstance(ctx.db, c.args.str("instanceID"));
                  if (!r) return r.error();
                  return Json(r->archive_admin_enabled);
                }});

  registry.add({"SetArchiveAdminEnabled",
                {ArgSpec{"instanceID", ArgType::kString}.maxLength(32), {"enabled", ArgType::kBool}},
                [&ctx, control](CallContext& c) -> Result<Json> {
                  auto r = requireInstance(ctx.db, c.args.str("instanceID"));
                  if (!r) return r.error();
                  r->archive_admin_enabled = c.args.flag("enabled");
                  SPE_TRY(ctx.db.updateInstance(*r));
                  (void)control->changed({r->instance_id});  // nothing a host or CAS knows changed
                  // Audited in the instance. The setting is the Management Server's and
                  // stays changed when the instance cannot write the record (turning
                  // access off must work while an instance is down); the lost record is
                  // logged as an error.
                  auto audited = control->instanceCall(
                      *r, "audit",
                      Json{{"userName", c.caller.user_name},
                           {"event", "UserSetArchiveAdminSetEnabled"},
                           {"details", std::string("enabled=") + (r->archive_admin_enabled ? "true" : "false")}},
                      std::chrono::minutes(10));
                  if (!audited) {
                    logger("instances")
                        ->error(
                            "audit record lost: {} set archive admin access of {} to {} "
                            "(UserSetArchiveAdminSetEnabled not written in the instance: {})",
                            c.caller.user_name, r->instance_id, r->archive_admin_enabled, audited.error().message);
                  }
                  if (!r->archive_admin_enabled) {
                    // One-time passwords handed out before stop working now.
                    (void)control->instanceCall(*r, "archiveAdmin.revoke", Json::object(), std::chrono::seconds(30));
                  }
                  return Json();
                }});
}

// Web Access's address of an instance, for URLs made without 'instanceUrl':
// the first Client Access Server in GetClientAccessServers' order (by name)
// that answers and serves Web Access, as it says in its ping: its
// publicHostName and Web Access port (left out when 443).
Result<std::string> defaultInstanceUrl(ManagementContext& ctx, const std::string& instance_id) {
  auto servers = ctx.db.servers(ServerType::kClientAccessServer);
  if (!servers) return servers.error();
  if (servers->empty()) {
    return makeError(ErrorCode::kInvalidArgument, "There is no Client Access Server; give 'instanceUrl'.");
  }
  std::string skipped;
  for (const auto& cas : *servers) {
    auto pong = ctx.peers.call(cas, "ping", Json::object(), std::chrono::seconds(5));
    const Json web = pong ? pong->value("webAccess", Json::object()) : Json::object();
    const auto host = stringOf(web, "hostName");
    const std::int64_t port = intField(web, "port", 0, 0, 65535).value_or(0);
    if (host && !host->empty() && port > 0) {
      const std::string h = host->find(':') != std::string::npos ? "[" + *host + "]" : *host;  // IPv6
      return "https://" + h + (port == 443 ? "" : ":" + std::to_string(port)) + "/" + instance_id;
    }
    skipped += (skipped.empty() ? "" : "; ") + cas.server_name + ": " +
               (pong ? std::string("no Web Access") : pong.error().message);
  }
  return makeError(ErrorCode::kUnavailable,
                   "No Client Access Server can say where its Web Access is (" + skipped + "); give 'instanceUrl'.");
}

// A Web Access URL that logs in as $archiveadmin once, within 5 minutes,
// while archive admin access is enabled (the access check refuses
// otherwise). The password travels in the URL's fragment, which browsers
// never send to a server.
void registerArchiveAdminOneTimeUrl(FunctionRegistry& registry, ManagementContext& ctx) {
  InstanceControl* control = &ctx.instances;
  FunctionSpec spec{
      "CreateClientOneTimeUrlForArchiveAdmin",
      {ArgSpec{"instanceID", ArgType::kString}.maxLength(32),
       ArgSpec{"instanceUrl", ArgType::kString, true}.maxLength(2048)},
      [&ctx, control](CallContext& c) -> Result<Json> {
        auto r = requireInstance(ctx.db, c.args.str("instanceID"));
        if (!r) return r.error();
        std::string base = c.args.str("instanceUrl");
        if (base.empty()) {
          auto url = defaultInstanceUrl(ctx, r->instance_id);
          if (!url) return url.error();
          base = *url;
        }
        if (base.rfind("https://", 0) != 0 || base.find_first_of("#?\r\n ") != std::string::npos) {
          return makeError(ErrorCode::kInvalidArgument,
                           "'instanceUrl' must be an https:// address without a query or fragment.");
        }
        auto otp = control->instanceCall(*r, "archiveAdmin.oneTimePassword", Json::object(), std::chrono::seconds(30));
        if (!otp) return otp.error();
        // No unaudited way in: without its audit record the URL is not handed out.
        auto audited = control->instanceCall(
            *r, "audit",
            Json{{"userName", c.caller.user_name}, {"event", "CreateClientOneTimeUrlForArchiveAdmin"}, {"details", ""}},
            std::chrono::seconds(30));
        if (!audited) {
          logger("instances")
              ->error(
                  "audit record not written in instance {} ({}): {}; the "
                  "one-time URL was not handed out",
                  r->instance_id, "CreateClientOneTimeUrlForArchiveAdmin", audited.error().message);
          return makeError(audited.error().code,
                           "The one-time URL was not created: its audit record could not be "
                           "written in the instance (" +
                               audited.error().message + ").");
        }
        while (!base.empty() && base.back() == '/') base.pop_back();
        return Json(base + "/#archiveadmin=" + otp->value("password", ""));
      }};
  spec.scope = Scope::kInstance;
  registry.add(std::move(spec));
}

}  // namespace

void registerInstanceFunctions(FunctionRegistry& registry, ManagementContext& ctx) {
  registerInstanceConfiguration(registry, ctx);
  registerInstanceStates(registry, ctx);
  registerArchiveAdminAccess(registry, ctx);
  registerArchiveAdminOneTimeUrl(registry, ctx);
}

}  // namespace spe::management
