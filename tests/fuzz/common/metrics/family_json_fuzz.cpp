// Fuzz target for what an instance sends its host as its metrics
// (family_json.h): the host reads it as it reads anything from a process
// that parses hostile mail. Any bytes must give families or an error, never
// a crash or an exception; accepted families must carry the host's label on
// every series, have Prometheus names beginning with spe_, histograms whose
// buckets rise and end at +Inf with the count, and serialise to the text
// format.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/base/json_reader.h"
#include "common/metrics/family_json.h"
#include "fuzz_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto json = spe::tryParseJson(text);
  if (!json) return 0;
  auto families = spe::metrics::familiesFromJson(*json, {{"instance", "fuzz"}});
  if (!families) return 0;
  for (const auto& f : *families) {
    if (f.name.rfind("spe_", 0) != 0) std::abort();
    for (const auto& m : f.metric) {
      bool labelled = false;
      for (const auto& l : m.label) labelled |= l.name == "instance" && l.value == "fuzz";
      if (!labelled) std::abort();
      if (f.type == prometheus::MetricType::Histogram) {
        const auto& b = m.histogram.bucket;
        if (b.empty() || !std::isinf(b.back().upper_bound) || b.back().cumulative_count != m.histogram.sample_count) {
          std::abort();
        }
        for (std::size_t i = 1; i < b.size(); ++i) {
          if (b[i].upper_bound <= b[i - 1].upper_bound || b[i].cumulative_count < b[i - 1].cumulative_count) {
            std::abort();
          }
        }
      }
    }
  }
  (void)spe::metrics::toText(*families);
  (void)spe::metrics::familiesToJson(*families).dump();
  return 0;
}
