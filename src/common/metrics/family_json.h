// Metric families as JSON, for an instance's metrics on their way to its
// Instance Host (the "metrics" call on the instance socket), which serves
// them with an `instance` label of its own.
//
// [{"name", "help", "type": "counter" | "gauge" | "histogram",
//   "metrics": [{"labels": {..}, "value": n} |
//               {"labels": {..}, "count": n, "sum": n, "buckets": [[le, cumulative], ..]}]}]
//
// The host reads what an instance sends as it reads anything from a process
// that parses hostile mail: names must be Prometheus names beginning with
// `spe_`, label names Prometheus's and never one the host sets, sizes are
// capped (familiesFromJson's limits), numbers must be finite; the first
// fault refuses the whole answer with an error naming it.
// Thread safety: free functions.
#pragma once

#include <cstddef>
#include <vector>

#include "common/base/json_reader.h"
#include "common/base/result.h"
#include "common/metrics/metrics.h"

namespace spe::metrics {

Json familiesToJson(const std::vector<prometheus::MetricFamily>& families);

struct FamilyJsonLimits {
  std::size_t max_families = 200;
  std::size_t max_series = 20000;  // over all families
  std::size_t max_labels = 8;      // per series
  std::size_t max_text = 256;      // a label value
  std::size_t max_help = 1024;
  std::size_t max_buckets = 40;
};

// Reads `json`, adds `extra` labels to every series (a label of that name
// from `json` is refused) and keeps the families of the types above.
Result<std::vector<prometheus::MetricFamily>> familiesFromJson(const Json& json, const Labels& extra,
                                                               FamilyJsonLimits limits = {});

}  // namespace spe::metrics
