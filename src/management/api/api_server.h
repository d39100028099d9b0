// ApiServer: the Management API over HTTPS (PRODUCT-SPEC §1).
//
// POST /api/invoke/<Function> (form arguments), /api/get-status (long
// polling), /api/cancel-async, /api/get-metadata (POST or GET). HTTP Basic
// on every request; 401 with a challenge when missing or wrong; 411 without
// Content-Length; envelopes are UTF-8 JSON with a BOM. Repeated slashes in
// the path are tolerated ("/api//get-status").
// Functions run on a thread pool; the network runs on the io_context.
// Thread safety: start() once; stop() from any thread.
#pragma once

#include <memory>
#include <string>

#include "common/net/asio.h"
#include "common/net/connection_limits.h"
#include "common/net/tls.h"
#include "management/api/function_registry.h"
#include "management/api/login_throttle.h"
#include "management/api/task_registry.h"
#include "management/authenticator.h"

namespace spe::management {

struct ApiLimits {
  std::size_t max_body = 16 * 1024 * 1024;
  std::chrono::seconds read_timeout{60};
  std::chrono::milliseconds max_poll{60000};
  std::chrono::milliseconds initial_wait{300};  // long-running calls finishing sooner answer at once
  // Connections that have not yet sent a request with valid credentials.
  ConnectionLimits connections;
};

class ApiServer {
 public:
  // `throttle` slows repeated failed logins, shared with the console.
  ApiServer(asio::io_context& io, asio::thread_pool& pool, SslContextPtr ctx, FunctionRegistry& registry,
            TaskRegistry& tasks, Authenticator& auth, LoginThrottle& throttle, ApiLimits limits = {});
  ~ApiServer();

  Result<std::uint16_t> listen(const std::string& address, std::uint16_t port);
  void stop();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace spe::management
