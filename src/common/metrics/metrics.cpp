#include "common/metrics/metrics.h"

#include <prometheus/text_serializer.h>

#include <map>
#include <mutex>
#include <sstream>

#include "common/base/logging.h"

namespace spe::metrics {
namespace {

struct Store {
  std::mutex mutex;
  prometheus::Registry registry;
  // The families by name, whatever their type (what the registry made).
  std::map<std::string, void*> families;
  std::map<std::string, prometheus::MetricType> types;
  std::vector<std::weak_ptr<prometheus::Collectable>> collectables;
};

Store& store() {
  static Store* s = new Store();  // never destroyed: counters are touched until the process ends
  return *s;
}

template <typename Builder, typename T>
prometheus::Family<T>& family(const std::string& name, const std::string& help, prometheus::MetricType type,
                              Builder build) {
  Store& s = store();
  std::lock_guard lock(s.mutex);
  auto it = s.families.find(name);
  if (it != s.families.end()) {
    if (s.types[name] == type) return *static_cast<prometheus::Family<T>*>(it->second);
    logger("metrics")->error("the metric {} is used with two types; the second is not served", name);
    static prometheus::Registry orphans;
    return build.Name(name).Help(help).Register(orphans);
  }
  auto& f = build.Name(name).Help(help).Register(s.registry);
  s.families[name] = &f;
  s.types[name] = type;
  return f;
}

}  // namespace

prometheus::Family<prometheus::Counter>& counters(const std::string& name, const std::string& help) {
  return family<decltype(prometheus::BuildCounter()), prometheus::Counter>(name, help, prometheus::MetricType::Counter,
                                                                           prometheus::BuildCounter());
}

prometheus::Family<prometheus::Gauge>& gauges(const std::string& name, const std::string& help) {
  return family<decltype(prometheus::BuildGauge()), prometheus::Gauge>(name, help, prometheus::MetricType::Gauge,
                                                                       prometheus::BuildGauge());
}

prometheus::Family<prometheus::Histogram>& histograms(const std::string& name, const std::string& help) {
  return family<decltype(prometheus::BuildHistogram()), prometheus::Histogram>(
      name, help, prometheus::MetricType::Histogram, prometheus::BuildHistogram());
}

prometheus::Counter& counter(const std::string& name, const std::string& help, const Labels& labels) {
  return counters(name, help).Add(labels);
}

prometheus::Gauge& gauge(const std::string& name, const std::string& help, const Labels& labels) {
  return gauges(name, help).Add(labels);
}

prometheus::Histogram& histogram(const std::string& name, const std::string& help, const Labels& labels,
                                 const prometheus::Histogram::BucketBoundaries& buckets) {
  return histograms(name, help).Add(labels, buckets);
}

const prometheus::Histogram::BucketBoundaries& latencyBuckets() {
  static const prometheus::Histogram::BucketBoundaries b{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                         0.5,   1,      2.5,   5,    10,    30,   60};
  return b;
}

void addCollectable(const std::shared_ptr<prometheus::Collectable>& collectable) {
  Store& s = store();
  std::lock_guard lock(s.mutex);
  s.collectables.push_back(collectable);
}

std::vector<prometheus::MetricFamily> collect() {
  Store& s = store();
  std::vector<std::shared_ptr<prometheus::Collectable>> live;
  {
    std::lock_guard lock(s.mutex);
    std::erase_if(s.collectables, [](const auto& w) { return w.expired(); });
    for (const auto& w : s.collectables) {
      if (auto c = w.lock()) live.push_back(std::move(c));
    }
  }
  auto out = s.registry.Collect();
  for (const auto& c : live) {
    auto more = c->Collect();
    out.insert(out.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
  }
  return out;
}

std::string toText(const std::vector<prometheus::MetricFamily>& families) {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, families);
  return out.str();
}

prometheus::ClientMetric sample(double value, const Labels& labels, prometheus::MetricType type) {
  prometheus::ClientMetric m;
  for (const auto& [k, v] : labels) m.label.push_back({k, v});
  if (type == prometheus::MetricType::Counter) m.counter.value = value;
  else m.gauge.value = value;
  return m;
}

prometheus::MetricFamily family(const std::string& name, const std::string& help, prometheus::MetricType type) {
  prometheus::MetricFamily f;
  f.name = name;
  f.help = help;
  f.type = type;
  return f;
}

}  // namespace spe::metrics
