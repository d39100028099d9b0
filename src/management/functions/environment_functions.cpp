// Ping, GetEnvironmentInfo, GetServiceStatus, CreateLicenseRequest.
#include <algorithm>
#include <atomic>
#include <future>
#include <map>
#include <optional>
#include <thread>
#include <vector>

#include "common/base/logging.h"
#include "common/base/system_info.h"
#include "common/base/text.h"
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

// CreateLicenseRequest (docs/api.md, "Used licenses"): each instance's used
// licenses, the user archives that hold mail, counted inside the instance
// (its internal function CountUsedLicenses). A running instance is counted
// now and the count kept in the management database; a stopped or frozen
// one, or one that does not answer, is reported with the last count kept
// (with its time) or null, and the reason. One instance never fails the
// request. Nothing is enforced and nothing is sent anywhere.
constexpr std::size_t kCountsAtOnce = 8;  // instances asked in parallel
constexpr std::chrono::seconds kCountTimeout{60};

// `text` ending with a full stop (error messages may end without one).
std::string sentence(std::string text) {
  if (!text.empty() && text.back() != '.' && text.back() != '!' && text.back() != '?') text += '.';
  return text;
}

// Why a selected instance is not asked now; empty when it is asked.
std::string notAskedBecause(const SelectedInstance& s) {
  const std::string status = s.status.value("status", "stopped");
  if (status == "running") {
    if (!s.status.value("frozen", false)) return {};
    // Frozen for a backup: its stores are left alone (Firebird may write pages, garbage
    // collection, even while it reads).
    return "The instance is frozen; it is counted when it runs thawed.";
  }
  if (status == "error") {
    const Json why = s.status.value("startStopError", Json());
    const std::string text = why.is_string() ? why.get<std::string>() : std::string();
    return text.empty() ? "The instance is in error." : sentence("The instance is in error: " + text);
  }
  return "The instance is " + status + "; it is counted when it runs.";
}

Json licenseEntry(const std::string& instance_id, const std::optional<LicenseCount>& count, bool current,
                  const std::string& reason) {
  std::string why = reason;
  if (!current && !count) why += " It has never been counted.";
  return Json{{"instanceID", instance_id},
              {"usedLicenseCount", count ? Json(count->used) : Json()},
              {"countedAt", count ? Json(utcText(count->counted_at)) : Json()},
              {"current", current},
              {"storesNotCounted", count ? Json(count->stores_not_counted) : Json()},
              {"reason", current ? Json() : Json(why)}};
}

Result<Json> licenseRequest(ManagementContext& ctx) {
  auto selected = ctx.instances.select("*");
  if (!selected) return selected.error();
  auto& instances = *selected;
  std::sort(instances.begin(), instances.end(), [](const SelectedInstance& a, const SelectedInstance& b) {
    return a.record.instance_id < b.record.instance_id;
  });
  auto stored_rows = ctx.db.licenseCounts();
  if (!stored_rows) return stored_rows.error();
  std::map<std::string, LicenseCount> stored;
  for (const auto& c : *stored_rows) stored[c.instance_id] = c;

  // The running instances are asked in parallel, a few at a time.
  const std::size_t n = instances.size();
  std::vector<std::string> reasons(n);
  std::vector<std::optional<Result<LicenseCount>>> live(n);
  for (std::size_t i = 0; i < n; ++i) reasons[i] = notAskedBecause(instances[i]);
  std::atomic<std::size_t> next{0};
  auto ask = [&] {
    for (std::size_t i = next++; i < n; i = next++) {
      if (!reasons[i].empty()) continue;
      const auto now = std::chrono::system_clock::to_time_t(ctx.clock.systemNow());
      live[i] = ctx.instances.countUsedLicenses(instances[i].record, static_cast<std::int64_t>(now), kCountTimeout);
    }
  };
  std::vector<std::thread> askers;
  for (std::size_t k = 0; k < std::min(kCountsAtOnce, n); ++k) askers.emplace_back(ask);
  for (auto& t : askers) t.join();

  Json data = Json::array();
  std::int64_t total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string& id = instances[i].record.instance_id;
    std::optional<LicenseCount> count;
    if (auto it = stored.find(id); it != stored.end()) count = it->second;
    bool current = false;
    std::string reason = reasons[i];
    if (live[i] && live[i]->ok()) {
      count = live[i]->value();
      current = true;
      if (auto kept = ctx.db.recordLicenseCount(*count); !kept) {
        logger("api")->warn("Keeping the license count of instance {}: {}", id, kept.error().message);
      }
    } else if (live[i]) {
      reason = sentence("The instance did not answer: " + live[i]->error().message);
    }
    if (count) total += count->used;
    data.push_back(licenseEntry(id, count, current, reason));
  }
  const auto now = std::chrono::system_clock::to_time_t(ctx.clock.systemNow());
  return Json{{"machineName", ctx.config.server_name},
              {"licenseeName", ctx.config.licensee_name},
              {"createdAt", utcText(static_cast<std::int64_t>(now))},
              {"total", total},
              {"instanceData", std::move(data)}};
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
  registry.add({"CreateLicenseRequest", {}, [&ctx](CallContext&) -> Result<Json> { return licenseRequest(ctx); }});
}

}  // namespace spe::management
