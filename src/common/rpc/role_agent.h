// RoleAgent: what an Instance Host and a Client Access Server share.
//
// - its TLS identity (<data>/tls), generated at first start;
// - the role port (8472 / 8473): mutual TLS accepting only the paired
//   Management Server's thumbprint; "ping" is answered here, every other
//   method goes to the role's handler;
// - heartbeats to the Management Server's role port (8471) every few seconds,
//   so the Management Server sees the role as live.
// Thread safety: start()/run() from one thread, stop() from any.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "common/base/json_reader.h"
#include "common/metrics/monitoring_config.h"
#include "common/net/asio.h"
#include "common/net/tls.h"
#include "common/rpc/rpc.h"

namespace spe {

struct ManagementPeerConfig {
  std::string server_name = "localhost";
  std::uint16_t port = 8471;
  std::string thumbprint;  // pinned; required to serve
};

struct RoleConfig {
  std::string server_type;  // "instanceHost" or "clientAccessServer"
  std::string server_name = "localhost";
  std::string data_directory;
  std::string listen_address = "0.0.0.0";
  std::uint16_t port = 0;
  ManagementPeerConfig management;
  int heartbeat_seconds = 5;
  std::string log_level = "info";
  metrics::MonitoringConfig monitoring;  // /metrics and /health (off unless metricsPort is set)
};

// Reads the keys every role config has; the caller reads its own extra keys
// from the same reader before finish().
void readRoleConfig(JsonReader& r, RoleConfig& c);

// Loads a role's config file: `defaults` supplies type, port and data
// directory; `extra` (may be empty) reads the role's own keys.
Result<RoleConfig> loadRoleConfig(const std::string& path, RoleConfig defaults,
                                  const std::function<void(JsonReader&)>& extra);

class RoleAgent {
 public:
  // `extra_ping` adds role-specific fields to the ping answer.
  RoleAgent(RoleConfig config, RpcHandler handler, std::function<Json()> extra_ping);
  ~RoleAgent();

  // Loads or creates the identity (also used by --show-thumbprint).
  Status init();
  const std::string& thumbprint() const { return identity_.thumbprint; }

  Status start();
  std::uint16_t port() const { return port_; }
  void run();  // until stop() or SIGINT/SIGTERM
  void stop();

  asio::io_context& io() { return io_; }
  // Threads for blocking work of the role's own listeners (monitoring).
  asio::thread_pool& pool() { return pool_; }
  // Seconds since the Management Server last answered a heartbeat; nullopt
  // when it has not since this start.
  std::optional<double> secondsSinceHeartbeatAnswer() const {
    const auto at = last_answer_.load();
    if (at == 0) return std::nullopt;
    const auto then = std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(at));
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - then).count();
  }
  int heartbeatSeconds() const { return config_.heartbeat_seconds; }
  // Whether the Management Server answered a heartbeat lately (within three
  // heartbeats and 10 s): what the roles' /health reports.
  bool managementReachable() const {
    const auto since = secondsSinceHeartbeatAnswer();
    return since && *since <= 3.0 * heartbeatSeconds() + 10;
  }
  const TlsIdentity& identity() const { return identity_; }
  // Role peers the Management Server paired (the CASes, for an Instance
  // Host) may also connect to the role port; they can only open streams and
  // ping: every other method is for the Management Server alone.
  void setPeerThumbprints(const std::set<std::string>& thumbprints);
  // Before start(): the handler of stream.open requests (rpc.h).
  void setStreamHandler(StreamHandler handler) { stream_handler_ = std::move(handler); }
  // Called (on the heartbeat thread) with every answer to a heartbeat.
  void setHeartbeatReplyHandler(std::function<void(const Json&)> fn) { on_reply_ = std::move(fn); }
  // Called at the end of start() (the role's own listeners); its error fails start().
  void setStartHook(std::function<Status()> fn) { on_start_ = std::move(fn); }
  // Called on SIGHUP (systemctl reload), on the io_context: re-reads what can
  // change without a restart. Before run().
  void setReloadHandler(std::function<void()> fn) { on_reload_ = std::move(fn); }
  // Called once when the daemon shuts down, after the network has stopped.
  void setShutdownHook(std::function<void()> fn) { on_shutdown_ = std::move(fn); }

 private:
  Result<Json> handle(const RpcRequest& request);
  void heartbeatLoop();

  RoleConfig config_;
  RpcHandler handler_;
  StreamHandler stream_handler_;
  std::shared_ptr<ThumbprintPins> pins_ = std::make_shared<ThumbprintPins>();
  std::function<Json()> extra_ping_;
  TlsIdentity identity_;
  asio::io_context io_;
  asio::thread_pool pool_{8};
  std::function<void(const Json&)> on_reply_;
  std::function<void()> on_shutdown_;
  std::function<void()> on_reload_;
  std::function<Status()> on_start_;
  std::unique_ptr<RpcServer> server_;
  std::uint16_t port_ = 0;
  std::thread heartbeat_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::atomic<std::chrono::steady_clock::rep> last_answer_{0};  // steady clock ticks; 0: none yet
};

}  // namespace spe
