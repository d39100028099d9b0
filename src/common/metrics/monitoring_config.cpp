#include "common/metrics/monitoring_config.h"

namespace spe::metrics {

void readMonitoringConfig(JsonReader& r, MonitoringConfig& c) {
  r.str("metricsListenAddress", c.listen_address, false, 255);
  std::int64_t port = c.port;
  r.integer("metricsPort", port, false, -1, 65535);
  c.port = static_cast<int>(port);
  r.str("metricsBearerToken", c.bearer_token, false, 256);
  if (!c.bearer_token.empty() && c.bearer_token.size() < 16) {
    r.fail("metricsBearerToken", "must have at least 16 characters");
  }
}

}  // namespace spe::metrics
