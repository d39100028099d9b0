// ManagementServer: the composition root of spe-management. Owns the
// database, TLS identity, API server (8474), role port (8471), function
// registry and thread pools.
// Thread safety: create/start/run from one thread; stop() from any.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/base/result.h"
#include "management/api/function_registry.h"
#include "management/management_config.h"
#include "management/management_db.h"

namespace spe::management {

class ManagementServer {
 public:
  // Opens the data directory (TLS identity, management.fdb with migrations).
  // On first start (no administrator yet) creates "admin" with
  // `initial_admin_password`, or a generated one written to
  // <data>/initial-admin-password (mode 600).
  static Result<std::unique_ptr<ManagementServer>> create(const ManagementConfig& config,
                                                          std::optional<std::string> initial_admin_password);
  ~ManagementServer();

  FunctionRegistry& registry();
  ManagementDb& db();
  const std::string& thumbprint() const;

  // Binds the API and role ports (0 = any free port) and serves.
  Status start();
  std::uint16_t apiPort() const;
  std::uint16_t consolePort() const;
  std::uint16_t rolePort() const;

  // Blocks until stop() or SIGINT/SIGTERM; tells systemd it is ready
  // (systemd_service.h) and calls `reload` (may be empty) on SIGHUP.
  void run(std::function<void()> reload = {});
  void stop();

  struct Impl;

 private:
  explicit ManagementServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Registers or updates a role directly in the database (offline pairing by
// the operator, used by `spe-management pair` while the server is stopped).
Status pairOffline(ManagementDb& db, const ServerRecord& server);

}  // namespace spe::management
