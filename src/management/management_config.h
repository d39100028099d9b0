// Configuration of spe-management (management.json). Strict: unknown keys
// are errors. Every field has a default; see config/management.json.
#pragma once

#include <cstdint>
#include <string>

#include "common/base/result.h"
#include "common/metrics/monitoring_config.h"

namespace spe::management {

struct ManagementConfig {
  std::string server_name = "localhost";  // name the other roles use to reach us
  std::string data_directory = "data/management";
  std::string listen_address = "0.0.0.0";  // for the API and the role port
  std::uint16_t api_port = 8474;           // Management API (HTTPS)
  std::uint16_t role_port = 8471;          // Instance Hosts and CASes connect here (mutual TLS)
  std::uint16_t console_port = 8470;       // Management Console (HTTPS); 0: any free port
  bool api_enabled = true;
  bool console_enabled = true;
  // The built console application ("consoleDirectory"); default
  // <the program's folder>/../share/console.
  std::string console_directory;
  std::string log_level = "info";
  std::string licensee_name = "Open Edition";
  int api_threads = 4;  // threads running API functions
  // "newInstanceStartMode": the startMode of an instance CreateInstance
  // makes without one (automatic, manual or disabled); `./spe up` (single
  // server mode) writes "automatic".
  std::string new_instance_start_mode = "manual";
  // API connections that have not yet sent valid credentials
  // ("unauthenticatedConnectionsPerAddress", "unauthenticatedConnections").
  std::int64_t unauthenticated_per_address = 64;
  std::int64_t unauthenticated_total = 1024;
  // How often the instances' message counts and sizes are recorded for the
  // console's charts ("statisticsIntervalSeconds"; figures_recorder.h).
  std::int64_t statistics_interval_seconds = 3600;
  // The monitoring listener: /metrics and /health (metricsListenAddress,
  // metricsPort, metricsBearerToken; off unless metricsPort is set).
  metrics::MonitoringConfig monitoring;
};

Result<ManagementConfig> loadManagementConfig(const std::string& path);

}  // namespace spe::management
