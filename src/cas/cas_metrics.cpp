#include "cas/cas_metrics.h"

#include "common/metrics/filesystem_metrics.h"

namespace spe::cas {

using prometheus::MetricType;

std::vector<prometheus::MetricFamily> collectCasFamilies(const CasRoutes& routes, const RoleAgent& agent,
                                                         const std::string& data_directory) {
  std::vector<prometheus::MetricFamily> out;
  auto names = metrics::family("spe_cas_route_names", "Instance IDs and aliases in this CAS's routing table.",
                               MetricType::Gauge);
  names.metric.push_back(metrics::sample(static_cast<double>(routes.nameCount())));
  out.push_back(std::move(names));
  auto hosts = metrics::family("spe_cas_route_hosts", "Instance Hosts in this CAS's routing table.", MetricType::Gauge);
  hosts.metric.push_back(metrics::sample(static_cast<double>(routes.hostCount())));
  out.push_back(std::move(hosts));
  auto asked = metrics::family("spe_cas_route_questions_total",
                               "Names the routing table lacked that this CAS asked the Management Server about.",
                               MetricType::Counter);
  asked.metric.push_back(metrics::sample(static_cast<double>(routes.questionsAsked()), {}, MetricType::Counter));
  out.push_back(std::move(asked));
  auto unasked = metrics::family("spe_cas_route_refusals_total",
                                 "Unknown names refused without asking (asked lately, or too many questions).",
                                 MetricType::Counter);
  unasked.metric.push_back(
      metrics::sample(static_cast<double>(routes.refusedWithoutAsking()), {}, MetricType::Counter));
  out.push_back(std::move(unasked));
  if (const auto since = agent.secondsSinceHeartbeatAnswer()) {
    auto age = metrics::family("spe_management_answer_age_seconds",
                               "Seconds since the Management Server last answered a heartbeat.", MetricType::Gauge);
    age.metric.push_back(metrics::sample(*since));
    out.push_back(std::move(age));
  }
  auto disks = metrics::filesystemCollector([data_directory] {
    return std::vector<metrics::WatchedDirectory>{{"data", data_directory}};
  });
  for (auto& f : disks->Collect()) out.push_back(std::move(f));
  return out;
}

metrics::HealthReport checkCasHealth(const CasRoutes& routes, const RoleAgent& agent) {
  metrics::HealthReport report;
  const bool table = !routes.version().empty();
  const bool reachable = agent.managementReachable();
  report.checks["routingTable"] = table ? "ok" : "missing";
  report.checks["instanceHosts"] = routes.hostCount();
  report.checks["managementServer"] = reachable ? "reachable" : "unreachable";
  if (!table) report.status = metrics::HealthStatus::kFailing;
  else if (!reachable) report.status = metrics::HealthStatus::kDegraded;
  return report;
}

}  // namespace spe::cas
