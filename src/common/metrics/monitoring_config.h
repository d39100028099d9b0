// Where a role serves its metrics and health (monitoring_server.h), from
// its config file: metricsListenAddress, metricsPort, metricsBearerToken
// (docs/configuration.md).
#pragma once

#include <string>

#include "common/base/json_reader.h"

namespace spe::metrics {

struct MonitoringConfig {
  std::string listen_address = "127.0.0.1";
  int port = -1;             // -1: off; 0: any free port
  std::string bearer_token;  // empty: /metrics asks for none
  std::string role;          // not read: "managementServer", "instanceHost", "clientAccessServer"
};

// Reads the three keys (json_reader.h's rules: a wrong type or range is named).
void readMonitoringConfig(JsonReader& r, MonitoringConfig& c);

}  // namespace spe::metrics
