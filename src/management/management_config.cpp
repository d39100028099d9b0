#include "management/management_config.h"

#include <filesystem>

#include "common/base/json_reader.h"

namespace spe::management {

Result<ManagementConfig> loadManagementConfig(const std::string& path) {
  auto doc = loadJsonFile(path);
  if (!doc) return doc.error();
  ManagementConfig c;
  JsonReader r(*doc, path);
  r.str("serverName", c.server_name);
  r.str("dataDirectory", c.data_directory);
  r.str("listenAddress", c.listen_address);
  r.port("apiPort", c.api_port);
  r.port("rolePort", c.role_port);
  r.boolean("apiEnabled", c.api_enabled);
  r.port("consolePort", c.console_port);
  r.boolean("consoleEnabled", c.console_enabled);
  r.str("consoleDirectory", c.console_directory);
  r.str("logLevel", c.log_level);
  r.str("licenseeName", c.licensee_name);
  std::int64_t threads = c.api_threads;
  r.integer("apiThreads", threads, false, 1, 64);
  c.api_threads = static_cast<int>(threads);
  r.integer("unauthenticatedConnectionsPerAddress", c.unauthenticated_per_address, false, 1, 1000000);
  r.integer("unauthenticatedConnections", c.unauthenticated_total, false, 1, 1000000);
  r.integer("statisticsIntervalSeconds", c.statistics_interval_seconds, false, 1, 86400);
  r.str("newInstanceStartMode", c.new_instance_start_mode);
  metrics::readMonitoringConfig(r, c.monitoring);
  if (c.new_instance_start_mode != "automatic" && c.new_instance_start_mode != "manual" &&
      c.new_instance_start_mode != "onDemand" && c.new_instance_start_mode != "disabled") {
    r.fail("newInstanceStartMode", "must be automatic, manual, onDemand or disabled");
  }
  if (c.log_level != "trace" && c.log_level != "debug" && c.log_level != "info" && c.log_level != "warn" &&
      c.log_level != "error") {
    r.fail("logLevel", "must be one of trace, debug, info, warn, error");
  }
  if (c.data_directory.empty()) r.fail("dataDirectory", "must not be empty");
  SPE_TRY(r.finish());
  if (c.console_directory.empty()) {
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    c.console_directory =
        ((ec ? std::filesystem::path(".") : self.parent_path()) / ".." / "share" / "console").lexically_normal();
  }
  return c;
}

}  // namespace spe::management
