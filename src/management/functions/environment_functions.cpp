// Ping, GetEnvironmentInfo, GetServiceStatus.
#include <future>

#include "common/base/system_info.h"
#include "management/api/function_registry.h"
#include "management/management_context.h"

namespace spe::management {
namespace {

Json environmentInfo(const ManagementContext& ctx, const std::string& user) {
  return Json{{"version", kProductVersion},
              {"webClientVersion", kProductVersion},
              {"copyright", "Copyright (c) 2026 the SPE authors. Open source."},
              {"licenseeName", ctx.config.licensee_name},
              {"licenseeID", 0},
              {"serverName", ctx.config.server_name},
              {"userName", user},
              {"systemProperties", systemProperties()}};
}

// One line of GetServiceStatus' messages.
Json statusMessage(const char* type, const std::string& text, bool sub_item, const std::string& tag) {
  return Json{{"type", type}, {"text", text}, {"isSubItem", sub_item}, {"tag", tag}, {"flags", 0}};
}

// The Management Server itself and every role, probed in parallel so one
// dead host does not delay the rest; a role that does not answer is an error.
void probeRoles(ManagementContext& ctx, Json& infos, Json& messages) {
  infos.push_back({{"serverName", ctx.config.server_name},
                   {"port", ctx.config.role_port},
                   {"serverCertificate", {{"thumbprint", ctx.identity.thumbprint}}},
                   {"serverType", "managementServer"},
                   {"active", true},
                   {"systemProperties", systemProperties()},
                   {"numberOfInstances", nullptr},
                   {"numberOfRunningInstances", nullptr}});
  auto servers = ctx.db.servers();
  if (!servers) {
    messages.push_back(statusMessage("error", servers.error().message, false, "database"));
    return;
  }
  std::vector<std::future<Result<Json>>> probes;
  for (const auto& s : *servers) {
    probes.push_back(std::async(std::launch::async, [&ctx, s] {
      return ctx.peers.call(s, "ping", Json::object(), std::chrono::milliseconds(3000));
    }));
  }
  for (std::size_t i = 0; i < servers->size(); ++i) {
    const ServerRecord& s = (*servers)[i];
    Result<Json> pong = probes[i].get();
    const bool host = s.type == ServerType::kInstanceHost;
    Json info{{"serverName", s.server_name},
              {"port", s.port},
              {"serverCertificate", {{"thumbprint", s.thumbprint}}},
              {"serverType", serverTypeName(s.type)},
              {"active", pong.ok()},
              {"systemProperties", pong ? pong->value("systemProperties", Json()) : Json()},
              {"numberOfInstances", host && pong ? Json(pong->value("numberOfInstances", 0)) : Json()},
              {"numberOfRunningInstances", host && pong ? Json(pong->value("numberOfRunningInstances", 0)) : Json()}};
    infos.push_back(std::move(info));
    if (!pong) {
      messages.push_back(statusMessage("error", pong.error().message, false,
                                       std::string(serverTypeName(s.type)) + ":" + s.server_name));
    }
  }
}

// Running instances with search indexes to rebuild (asked in parallel).
void indexRebuildMessages(ManagementContext& ctx, Json& messages) {
  auto instances = ctx.db.instances();
  if (!instances) return;
  std::vector<std::future<Result<Json>>> asks;
  for (const auto& r : *instances) {
    asks.push_back(std::async(std::launch::async, [&ctx, r] {
      return ctx.instances.instanceCall(r, "indexStatus", Json::object(), std::chrono::milliseconds(3000));
    }));
  }
  for (std::size_t i = 0; i < instances->size(); ++i) {
    Result<Json> status = asks[i].get();  // stopped instances do not answer: nothing to say
    if (!status) continue;
    const Json stores = status->value("storesNeedingRebuild", Json::array());
    if (!stores.is_array() || stores.empty()) continue;
    const InstanceRecord& r = (*instances)[i];
    const std::string tag = "instance:" + r.instance_id;
    messages.push_back(statusMessage(
        "warning",
        "Instance " + r.instance_id + " on " + r.instance_host + ": One or more search indexes have to be rebuilt.",
        false, tag));
    for (const auto& s : stores) {  // one sub-item per store
      std::string text = "Archive store '" + s.value("name", "") + "' (id " +
                         std::to_string(s.value("id", std::int64_t{0})) + "): ";
      text += s.value("broken", false) ? "broken: " + s.value("error", std::string()) : "selected for a rebuild";
      messages.push_back(statusMessage("warning", text, true, tag));
    }
  }
}

// System SMTP settings that put mail at risk.
void smtpMessages(ManagementContext& ctx, Json& messages) {
  auto smtp = ctx.db.setting("systemSmtp");
  if (!smtp || !smtp->has_value()) return;
  const Json& s = **smtp;
  if (s.value("protocol", "") == "SMTP") {
    messages.push_back(statusMessage("warning", "The system SMTP settings send email unencrypted.", false, "smtp"));
  }
  if (s.value("ignoreSslPolicyErrors", false)) {
    messages.push_back(statusMessage(
        "warning", "The system SMTP settings accept all certificates (\"Accept all certificates\").", false, "smtp"));
  }
}

Json serviceStatus(ManagementContext& ctx, const std::string& user) {
  Json infos = Json::array();
  Json messages = Json::array();
  probeRoles(ctx, infos, messages);
  indexRebuildMessages(ctx, messages);
  smtpMessages(ctx, messages);
  return Json{{"environmentInfo", environmentInfo(ctx, user)}, {"serverInfos", infos}, {"messages", messages}};
}

}  // namespace

void registerEnvironmentFunctions(FunctionRegistry& registry, ManagementContext& ctx) {
  registry.add({"Ping", {}, [](CallContext&) -> Result<Json> { return Json(); }});
  registry.add({"GetEnvironmentInfo", {}, [&ctx](CallContext& c) -> Result<Json> {
                  return environmentInfo(ctx, c.caller.user_name);
                }});
  registry.add({"GetServiceStatus", {}, [&ctx](CallContext& c) -> Result<Json> {
                  return serviceStatus(ctx, c.caller.user_name);
                }});
}

}  // namespace spe::management
