// The process's metrics, in Prometheus's data model (prometheus-cpp core).
//
// Every daemon and every instance is a process of its own, so one registry
// per process: code anywhere adds to it by name, and the process's
// monitoring listener (monitoring_server.h) or, for an instance, its host
// serves what it holds. Names follow Prometheus's rules: `spe_` first,
// base units (seconds, bytes), `_total` on counters; label values come from
// small fixed sets (function names, results), never from what a peer sent.
//
// Thread safety: everything here may be called from any thread. A family is
// made on first use; later calls with the same name return it (its help and
// type stay those of the first call; a name used with two types is a bug
// the second call reports by returning a family of its own that is never
// served, logged once).
#pragma once

#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/metric_family.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>
#include <vector>

namespace spe::metrics {

using Labels = prometheus::Labels;

prometheus::Family<prometheus::Counter>& counters(const std::string& name, const std::string& help);
prometheus::Family<prometheus::Gauge>& gauges(const std::string& name, const std::string& help);
prometheus::Family<prometheus::Histogram>& histograms(const std::string& name, const std::string& help);

// Shorthands for one series.
prometheus::Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
prometheus::Gauge& gauge(const std::string& name, const std::string& help, const Labels& labels = {});
prometheus::Histogram& histogram(const std::string& name, const std::string& help, const Labels& labels,
                                 const prometheus::Histogram::BucketBoundaries& buckets);

// One more of something for as long as it lives (a session, a connection):
// adds 1 to the gauge when made, takes it away when destroyed.
class InUse {
 public:
  InUse(const std::string& name, const std::string& help, const Labels& labels = {})
      : gauge_(gauge(name, help, labels)) {
    gauge_.Increment();
  }
  ~InUse() { gauge_.Decrement(); }
  InUse(const InUse&) = delete;
  InUse& operator=(const InUse&) = delete;

 private:
  prometheus::Gauge& gauge_;
};

// Buckets for how long a request takes: 1 ms to 60 s.
const prometheus::Histogram::BucketBoundaries& latencyBuckets();

// Families made at collection time (from /proc, statvfs, another process):
// collected with the registry's for as long as the collectable lives.
void addCollectable(const std::shared_ptr<prometheus::Collectable>& collectable);

// Everything the process has now: the registry's families and the
// collectables'.
std::vector<prometheus::MetricFamily> collect();

// The Prometheus text exposition format (version 0.0.4).
std::string toText(const std::vector<prometheus::MetricFamily>& families);

// One gauge or counter series made at collection time.
prometheus::ClientMetric sample(double value, const Labels& labels = {},
                                prometheus::MetricType type = prometheus::MetricType::Gauge);
prometheus::MetricFamily family(const std::string& name, const std::string& help, prometheus::MetricType type);

}  // namespace spe::metrics
