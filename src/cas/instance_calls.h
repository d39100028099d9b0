// InstanceCalls: how the CAS waits on instances without letting one of
// them cost the others anything.
//
// - Web Access requests go to the instance on a stream (stream.open with
//   service "web" through its host, then one request frame and its answer,
//   see instancehost/instance/web_stream.h): every step is asynchronous, so
//   a request waiting for a slow or stopped instance holds a connection and
//   a coroutine, never a thread.
// - Per instance, at most `web_requests` Web Access requests and
//   `imap_logins` IMAP logins wait at a time; more are refused at once
//   (503 / NO [UNAVAILABLE]) instead of queueing behind a stuck instance.
// - Each wait is bounded by `timeout` (connecting, the instance's answer).
// Thread safety: enter*() may be called from any thread; a permit is
// released when destroyed.
#pragma once

#include <chrono>
#include <memory>

#include "cas/cas_routes.h"
#include "common/net/asio.h"
#include "common/net/connection_limits.h"

namespace spe::cas {

struct InstanceCallLimits {
  std::size_t web_requests = 16;
  std::size_t imap_logins = 8;
  std::chrono::seconds timeout{30};
};

class InstanceCalls {
 public:
  explicit InstanceCalls(InstanceCallLimits limits);

  using Permit = std::shared_ptr<ConnectionSlot>;
  // A permit for one more Web Access request (IMAP login) waiting on the
  // instance, or null when it has as many as allowed.
  Permit enterWeb(const std::string& instance_id) { return web_->admit(instance_id); }
  Permit enterImap(const std::string& instance_id) { return imap_->admit(instance_id); }
  const InstanceCallLimits& limits() const { return limits_; }

  // Passes a Web Access request (web_api.h) to the instance; its answer,
  // or kTimeout / kUnavailable / the instance's error.
  asio::awaitable<Result<Json>> web(InstanceRoute route, Json request);

 private:
  InstanceCallLimits limits_;
  std::shared_ptr<ConnectionLimiter> web_;
  std::shared_ptr<ConnectionLimiter> imap_;
};

}  // namespace spe::cas
