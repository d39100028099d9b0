#include "instancehost/instance/instance_metrics.h"

#include <map>

#include "common/metrics/family_json.h"
#include "common/metrics/metrics.h"
#include "index/store_indexer.h"

namespace spe::instance {
namespace {

using prometheus::MetricType;

void addStores(StoreManager& stores, std::vector<prometheus::MetricFamily>& out) {
  auto listed = stores.list(false);  // counts kept between recounts: cheap
  if (!listed || !listed->is_array()) return;
  auto messages = metrics::family("spe_store_messages", "Messages in each archive store.", MetricType::Gauge);
  auto states = metrics::family("spe_stores", "Archive stores by requested state, and those in error.",
                                MetricType::Gauge);
  std::map<std::string, std::string> names;  // id -> name
  std::map<std::string, double> by_state{
      {"current", 0}, {"normal", 0}, {"writeProtected", 0}, {"disabled", 0}, {"error", 0}};
  for (const auto& s : *listed) {
    const std::string id = std::to_string(s.value("id", std::int64_t{0}));
    const std::string name = s.value("name", "");
    names[id] = name;
    const std::string state = s.value("requestedState", "normal");
    const bool error = s.contains("error") && !s["error"].is_null();
    by_state[error ? "error" : by_state.count(state) ? state : "normal"] += 1;
    if (s.contains("statisticsCount") && s["statisticsCount"].is_number()) {
      messages.metric.push_back(
          metrics::sample(s["statisticsCount"].get<double>(), {{"store", name}, {"store_id", id}}));
    }
  }
  for (const auto& [state, n] : by_state) states.metric.push_back(metrics::sample(n, {{"state", state}}));
  auto bytes = metrics::family("spe_store_bytes", "Bytes on disk of each loaded archive store, by part.",
                               MetricType::Gauge);
  for (const auto& [id, store] : stores.loaded()) {
    const auto sizes = store->sizes();
    const std::string sid = std::to_string(id);
    const metrics::Labels base{{"store", names[sid]}, {"store_id", sid}};
    for (const auto& [part, n] : {std::pair<const char*, std::int64_t>{"database", sizes.database},
                                  {"content", sizes.content},
                                  {"recovery", sizes.recovery},
                                  {"index", sizes.index}}) {
      auto labels = base;
      labels["part"] = part;
      bytes.metric.push_back(metrics::sample(static_cast<double>(n), labels));
    }
  }
  auto lag = metrics::family("spe_index_lag_messages",
                             "Messages archived but not yet in the search index, per store (at most).",
                             MetricType::Gauge);
  auto rebuild = metrics::family("spe_index_needs_rebuild",
                                 "1 when a store's search indexes must be rebuilt (broken or selected).",
                                 MetricType::Gauge);
  for (const auto& [id, indexer] : stores.indexers()) {
    const std::string sid = std::to_string(id);
    const metrics::Labels labels{{"store", names[sid]}, {"store_id", sid}};
    if (auto n = indexer->lag()) lag.metric.push_back(metrics::sample(static_cast<double>(*n), labels));
    rebuild.metric.push_back(metrics::sample(indexer->state().needs_rebuild ? 1 : 0, labels));
  }
  for (auto* f : {&messages, &states, &bytes, &lag, &rebuild}) out.push_back(std::move(*f));
}

}  // namespace

Json instanceMetrics(StoreManager& stores, std::size_t web_sessions) {
  auto families = metrics::collect();
  addStores(stores, families);
  auto web = metrics::family("spe_web_sessions", "Web Access sessions open now.", MetricType::Gauge);
  web.metric.push_back(metrics::sample(static_cast<double>(web_sessions)));
  families.push_back(std::move(web));
  return metrics::familiesToJson(families);
}

}  // namespace spe::instance
