// MonitoringServer: a role's monitoring listener, HTTPS with the role's own
// certificate, on a local port of its own (docs/metrics.md):
//
//   GET /metrics  the process's metrics (metrics.h) and the role's
//                 collection-time families, Prometheus text format 0.0.4;
//                 with a bearer token configured, only for
//                 "Authorization: Bearer <token>" (401 otherwise).
//   GET /health   {"status": "ok" | "degraded" | "failing", "checks": {..}}:
//                 200 unless failing (503), for load balancers and
//                 watchdogs; never needs the token, says nothing secret.
//
// Collection and the health check run on `pool` (they may block: an
// Instance Host asks its instances), one collection at a time.
// Thread safety: listen() once; stop() from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/base/json_reader.h"
#include "common/base/result.h"
#include "common/metrics/metrics.h"
#include "common/metrics/monitoring_config.h"
#include "common/net/asio.h"
#include "common/net/tls.h"

namespace spe::metrics {

enum class HealthStatus { kOk, kDegraded, kFailing };

struct HealthReport {
  HealthStatus status = HealthStatus::kOk;
  Json checks = Json::object();  // check name -> what it found (short words, numbers)
};

class MonitoringServer {
 public:
  using Health = std::function<HealthReport()>;
  using Families = std::function<std::vector<prometheus::MetricFamily>()>;

  // `families` (may be empty) adds the role's collection-time families.
  MonitoringServer(asio::io_context& io, asio::thread_pool& pool, SslContextPtr tls, MonitoringConfig config,
                   Health health, Families families = {});
  ~MonitoringServer();

  // Binds; returns the port (0 when the config switches it off).
  Result<std::uint16_t> listen();
  void stop();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

const char* healthStatusName(HealthStatus s);

}  // namespace spe::metrics
