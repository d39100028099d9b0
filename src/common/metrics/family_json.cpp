#include "common/metrics/family_json.h"

#include <prometheus/check_names.h>

#include <cmath>

namespace spe::metrics {
namespace {

using prometheus::MetricType;

const char* typeName(MetricType t) {
  switch (t) {
    case MetricType::Counter: return "counter";
    case MetricType::Gauge: return "gauge";
    case MetricType::Histogram: return "histogram";
    default: return nullptr;
  }
}

Error fault(const std::string& where, const std::string& what) {
  return makeError(ErrorCode::kProtocol, "Metrics: " + where + " " + what + ".");
}

Result<double> number(const Json& j, const std::string& where) {
  if (!j.is_number()) return fault(where, "must be a number");
  const double v = j.get<double>();
  if (!std::isfinite(v)) return fault(where, "must be finite");
  return v;
}

}  // namespace

Json familiesToJson(const std::vector<prometheus::MetricFamily>& families) {
  Json out = Json::array();
  for (const auto& f : families) {
    const char* type = typeName(f.type);
    if (!type) continue;
    Json metrics = Json::array();
    for (const auto& m : f.metric) {
      Json labels = Json::object();
      for (const auto& l : m.label) labels[l.name] = l.value;
      Json one{{"labels", std::move(labels)}};
      if (f.type == MetricType::Histogram) {
        one["count"] = m.histogram.sample_count;
        one["sum"] = m.histogram.sample_sum;
        Json buckets = Json::array();
        for (const auto& b : m.histogram.bucket) {
          if (std::isinf(b.upper_bound)) continue;  // +Inf is the count
          buckets.push_back(Json::array({b.upper_bound, b.cumulative_count}));
        }
        one["buckets"] = std::move(buckets);
      } else {
        one["value"] = f.type == MetricType::Counter ? m.counter.value : m.gauge.value;
      }
      metrics.push_back(std::move(one));
    }
    out.push_back(Json{{"name", f.name}, {"help", f.help}, {"type", type}, {"metrics", std::move(metrics)}});
  }
  return out;
}

Result<std::vector<prometheus::MetricFamily>> familiesFromJson(const Json& json, const Labels& extra,
                                                               FamilyJsonLimits limits) {
  if (!json.is_array()) return fault("the answer", "must be an array");
  if (json.size() > limits.max_families) {
    return fault("the answer", "has more than " + std::to_string(limits.max_families) + " families");
  }
  std::vector<prometheus::MetricFamily> out;
  std::size_t series = 0;
  for (std::size_t i = 0; i < json.size(); ++i) {
    const Json& f = json[i];
    const std::string at = "family " + std::to_string(i);
    if (!f.is_object()) return fault(at, "must be an object");
    const auto name = f.find("name"), help = f.find("help"), type = f.find("type"), metrics = f.find("metrics");
    if (name == f.end() || !name->is_string()) return fault(at, "needs a 'name' string");
    const std::string n = name->get<std::string>();
    if (n.size() > 200 || n.rfind("spe_", 0) != 0 || !prometheus::CheckMetricName(n)) {
      return fault(at, "has a name that is not a Prometheus name beginning with spe_");
    }
    if (help == f.end() || !help->is_string() || help->get_ref<const std::string&>().size() > limits.max_help) {
      return fault(n, "needs a 'help' string of at most " + std::to_string(limits.max_help) + " bytes");
    }
    MetricType t;
    const std::string ts = type != f.end() && type->is_string() ? type->get<std::string>() : "";
    if (ts == "counter") t = MetricType::Counter;
    else if (ts == "gauge") t = MetricType::Gauge;
    else if (ts == "histogram") t = MetricType::Histogram;
    else return fault(n, "has a 'type' other than counter, gauge or histogram");
    if (metrics == f.end() || !metrics->is_array()) return fault(n, "needs a 'metrics' array");
    series += metrics->size();
    if (series > limits.max_series) {
      return fault("the answer", "has more than " + std::to_string(limits.max_series) + " series");
    }
    prometheus::MetricFamily fam = family(n, help->get<std::string>(), t);
    for (const Json& m : *metrics) {
      if (!m.is_object()) return fault(n, "has a series that is not an object");
      prometheus::ClientMetric cm;
      const auto labels = m.find("labels");
      if (labels != m.end()) {
        if (!labels->is_object() || labels->size() > limits.max_labels) {
          return fault(n, "has 'labels' that are not an object of at most " + std::to_string(limits.max_labels));
        }
        for (const auto& [k, v] : labels->items()) {
          if (!prometheus::CheckLabelName(k) || k.size() > 100 || extra.count(k)) {
            return fault(n, "has a label name that is not allowed");
          }
          if (!v.is_string() || v.get_ref<const std::string&>().size() > limits.max_text) {
            return fault(
                n, "has a label value that is not a string of at most " + std::to_string(limits.max_text) + " bytes");
          }
          cm.label.push_back({k, v.get<std::string>()});
        }
      }
      for (const auto& [k, v] : extra) cm.label.push_back({k, v});
      if (t == MetricType::Histogram) {
        const auto count = m.find("count"), sum = m.find("sum"), buckets = m.find("buckets");
        if (count == m.end() || !count->is_number_unsigned()) return fault(n, "needs a 'count'");
        auto s = sum == m.end() ? Result<double>(fault(n, "needs a 'sum'")) : number(*sum, n + " 'sum'");
        if (!s) return s.error();
        if (buckets == m.end() || !buckets->is_array() || buckets->size() > limits.max_buckets) {
          return fault(n, "needs 'buckets', at most " + std::to_string(limits.max_buckets));
        }
        cm.histogram.sample_count = count->get<std::uint64_t>();
        cm.histogram.sample_sum = *s;
        double last_bound = -INFINITY;
        std::uint64_t last_count = 0;
        for (const Json& b : *buckets) {
          if (!b.is_array() || b.size() != 2 || !b[1].is_number_unsigned()) return fault(n, "has a malformed bucket");
          auto le = number(b[0], n + " bucket bound");
          if (!le) return le.error();
          const auto c = b[1].get<std::uint64_t>();
          if (*le <= last_bound || c < last_count || c > cm.histogram.sample_count) {
            return fault(n, "has buckets out of order");
          }
          last_bound = *le;
          last_count = c;
          cm.histogram.bucket.push_back({c, *le});
        }
        cm.histogram.bucket.push_back({cm.histogram.sample_count, INFINITY});
      } else {
        const auto value = m.find("value");
        if (value == m.end()) return fault(n, "has a series without a 'value'");
        auto v = number(*value, n + " 'value'");
        if (!v) return v.error();
        if (t == MetricType::Counter) cm.counter.value = *v;
        else cm.gauge.value = *v;
      }
      fam.metric.push_back(std::move(cm));
    }
    out.push_back(std::move(fam));
  }
  return out;
}

}  // namespace spe::metrics
