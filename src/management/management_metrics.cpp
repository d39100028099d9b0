#include "management/management_metrics.h"

#include <map>

#include "common/metrics/filesystem_metrics.h"
#include "management/instance_control.h"
#include "management/management_config.h"
#include "management/role_peers.h"

namespace spe::management {
namespace {

using prometheus::MetricType;

// A role is live when its heartbeat came within this (roles send one every
// few seconds; heartbeatSeconds is at most 60 only in odd setups).
constexpr double kLiveSeconds = 30;

void addInstances(ManagementContext& ctx, std::vector<prometheus::MetricFamily>& out) {
  auto selected = ctx.instances.select("*");
  if (!selected) return;  // the database failed: /health says so
  std::map<std::string, double> by_state{
      {"running", 0}, {"stopped", 0}, {"starting", 0}, {"stopping", 0}, {"error", 0}};
  double frozen = 0, safe_mode = 0;
  for (const auto& s : *selected) {
    const std::string state = s.status.value("status", "stopped");
    by_state[by_state.count(state) ? state : "error"] += 1;
    if (s.status.value("frozen", false)) frozen += 1;
    if (s.status.value("safeMode", false)) safe_mode += 1;
  }
  auto states = metrics::family("spe_instances", "Instances by state, as their hosts report them.", MetricType::Gauge);
  for (const auto& [state, n] : by_state) states.metric.push_back(metrics::sample(n, {{"state", state}}));
  out.push_back(std::move(states));
  auto f = metrics::family("spe_instances_frozen", "Instances frozen (FreezeInstances) now.", MetricType::Gauge);
  f.metric.push_back(metrics::sample(frozen));
  out.push_back(std::move(f));
  auto sm = metrics::family("spe_instances_safe_mode", "Instances running in safe mode now.", MetricType::Gauge);
  sm.metric.push_back(metrics::sample(safe_mode));
  out.push_back(std::move(sm));
}

void addRoles(ManagementContext& ctx, std::vector<prometheus::MetricFamily>& out) {
  auto servers = ctx.db.servers();
  if (!servers) return;
  const auto ages = ctx.peers.heartbeatAges();
  auto roles = metrics::family("spe_role_servers", "Paired Instance Hosts and Client Access Servers, by liveness.",
                               MetricType::Gauge);
  auto age = metrics::family("spe_role_heartbeat_age_seconds",
                             "Seconds since each paired role's last heartbeat (absent: none since this start).",
                             MetricType::Gauge);
  std::map<std::pair<std::string, std::string>, double> counts;
  for (const char* type : {"instanceHost", "clientAccessServer"}) {
    counts[{type, "live"}] = 0;
    counts[{type, "silent"}] = 0;
  }
  for (const auto& s : *servers) {
    const std::string type = serverTypeName(s.type);
    const auto it = ages.find(s.thumbprint);
    const bool live = it != ages.end() && it->second <= kLiveSeconds;
    counts[{type, live ? "live" : "silent"}] += 1;
    if (it != ages.end())
      age.metric.push_back(metrics::sample(it->second, {{"role", type}, {"server", s.server_name}}));
  }
  for (const auto& [key, n] : counts) {
    roles.metric.push_back(metrics::sample(n, {{"role", key.first}, {"state", key.second}}));
  }
  out.push_back(std::move(roles));
  out.push_back(std::move(age));
}

}  // namespace

std::vector<prometheus::MetricFamily> collectManagementFamilies(ManagementContext& ctx) {
  std::vector<prometheus::MetricFamily> out;
  addInstances(ctx, out);
  addRoles(ctx, out);
  if (auto admins = ctx.db.admins()) {
    auto f = metrics::family("spe_administrators", "System administrators.", MetricType::Gauge);
    f.metric.push_back(metrics::sample(static_cast<double>(admins->size())));
    out.push_back(std::move(f));
  }
  auto disks = metrics::filesystemCollector([&ctx] {
    return std::vector<metrics::WatchedDirectory>{{"data", ctx.config.data_directory}};
  });
  auto more = disks->Collect();
  out.insert(out.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
  return out;
}

metrics::HealthReport checkManagementHealth(ManagementContext& ctx) {
  metrics::HealthReport report;
  auto servers = ctx.db.servers();
  if (!servers) {
    report.status = metrics::HealthStatus::kFailing;
    report.checks["database"] = "failing";
    return report;
  }
  report.checks["database"] = "ok";
  const auto ages = ctx.peers.heartbeatAges();
  int silent = 0;
  for (const auto& s : *servers) {
    const auto it = ages.find(s.thumbprint);
    if (it == ages.end() || it->second > kLiveSeconds) ++silent;
  }
  report.checks["pairedRoles"] = servers->size();
  report.checks["silentRoles"] = silent;
  if (silent > 0) report.status = metrics::HealthStatus::kDegraded;
  return report;
}

}  // namespace spe::management
