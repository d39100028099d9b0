#include "instancehost/instancehost_metrics.h"

#include <filesystem>
#include <map>
#include <set>

#include "common/base/logging.h"
#include "common/metrics/family_json.h"
#include "common/metrics/filesystem_metrics.h"
#include "common/metrics/process_metrics.h"

namespace spe::instancehost {
namespace {

using prometheus::MetricType;

// How long one instance may take to answer "metrics"; one that does not is
// left out of this collection (spe_instance_metrics_up 0), never holds it up long.
constexpr std::chrono::milliseconds kInstanceTimeout{2000};

struct Running {
  std::string id;
  std::string state;
  int pid = 0;
  bool frozen = false;
};

std::vector<Running> listed(InstanceSupervisor& supervisor) {
  std::vector<Running> out;
  const Json status = supervisor.status();
  if (!status.is_array()) return out;
  for (const auto& s : status) {
    Running r;
    r.id = s.value("instanceID", "");
    r.state = s.value("status", "stopped");
    r.pid = s.contains("processID") && s["processID"].is_number_integer() ? s["processID"].get<int>() : 0;
    r.frozen = s.value("frozen", false);
    if (!r.id.empty()) out.push_back(std::move(r));
  }
  return out;
}

// Adds one instance's families to `merged` (by name); a family whose type
// differs from one of that name already there is dropped.
void merge(std::map<std::string, prometheus::MetricFamily>& merged, std::vector<prometheus::MetricFamily> families) {
  for (auto& f : families) {
    auto it = merged.find(f.name);
    if (it == merged.end()) {
      merged.emplace(f.name, std::move(f));
    } else if (it->second.type == f.type) {
      auto& into = it->second.metric;
      into.insert(into.end(), std::make_move_iterator(f.metric.begin()), std::make_move_iterator(f.metric.end()));
    }
  }
}

}  // namespace

std::vector<prometheus::MetricFamily> collectHostFamilies(InstanceSupervisor& supervisor,
                                                          const InstanceHostConfig& config) {
  std::vector<prometheus::MetricFamily> own;
  const auto instances = listed(supervisor);
  std::map<std::string, double> by_state{{"running", 0}, {"starting", 0}, {"stopping", 0}, {"error", 0}};
  double frozen = 0;
  auto up = metrics::family("spe_instance_metrics_up",
                            "1 when a running instance answered the host's request for its metrics.",
                            MetricType::Gauge);
  std::map<std::string, prometheus::MetricFamily> from_instances;
  for (const auto& r : instances) {
    by_state[by_state.count(r.state) ? r.state : "error"] += 1;
    if (r.frozen) frozen += 1;
    if (r.state != "running") continue;
    const metrics::Labels labels{{"instance", r.id}};
    if (r.pid > 0) {
      if (auto facts = metrics::readProcessFacts(r.pid)) {
        metrics::appendProcessFamilies(own, "spe_instance_process_", *facts, labels);
      }
    }
    auto answer = supervisor.call(r.id, "metrics", Json::object(), kInstanceTimeout);
    Result<std::vector<prometheus::MetricFamily>> families = answer ? metrics::familiesFromJson(*answer, labels)
                                                                    : Result<std::vector<prometheus::MetricFamily>>(
                                                                          answer.error());
    if (!families) logger("metrics")->debug("no metrics from instance {}: {}", r.id, families.error().message);
    up.metric.push_back(metrics::sample(families ? 1 : 0, labels));
    if (families) merge(from_instances, std::move(*families));
  }
  by_state["standby"] = supervisor.standbyCount();
  by_state["stopped"] = std::max(0.0,
                                 supervisor.knownCount() - static_cast<double>(instances.size()) - by_state["standby"]);
  auto states = metrics::family("spe_host_instances", "This host's instances by state.", MetricType::Gauge);
  for (const auto& [state, n] : by_state) states.metric.push_back(metrics::sample(n, {{"state", state}}));
  own.push_back(std::move(states));
  auto fz = metrics::family("spe_host_instances_frozen", "This host's instances frozen now.", MetricType::Gauge);
  fz.metric.push_back(metrics::sample(frozen));
  own.push_back(std::move(fz));
  own.push_back(std::move(up));
  auto disks = metrics::filesystemCollector([&config] {
    return std::vector<metrics::WatchedDirectory>{{"data", config.role.data_directory},
                                                  {"instances", config.base_directory},
                                                  {"imports", config.import_directory}};
  });
  for (auto& f : disks->Collect()) own.push_back(std::move(f));
  // What the host names itself wins over what an instance sent under that
  // name (the registry's families included): a name must appear once.
  std::set<std::string> taken;
  for (const auto& f : own) taken.insert(f.name);
  for (const auto& f : metrics::collect()) taken.insert(f.name);
  for (auto& [name, f] : from_instances) {
    if (!taken.count(name)) own.push_back(std::move(f));
  }
  return own;
}

metrics::HealthReport checkHostHealth(InstanceSupervisor& supervisor, const RoleAgent& agent,
                                      const InstanceHostConfig& config) {
  metrics::HealthReport report;
  std::error_code ec;
  if (!std::filesystem::is_directory(config.base_directory, ec)) {
    report.status = metrics::HealthStatus::kFailing;
    report.checks["baseDirectory"] = "missing";
    return report;
  }
  report.checks["baseDirectory"] = "ok";
  const bool reachable = agent.managementReachable();
  report.checks["managementServer"] = reachable ? "reachable" : "unreachable";
  int errors = 0;
  for (const auto& r : listed(supervisor)) errors += r.state == "error" ? 1 : 0;
  report.checks["instancesKnown"] = supervisor.knownCount();
  report.checks["instancesRunning"] = supervisor.runningCount();
  report.checks["instancesInError"] = errors;
  if (!reachable || errors > 0) report.status = metrics::HealthStatus::kDegraded;
  return report;
}

}  // namespace spe::instancehost
