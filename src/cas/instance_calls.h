// InstanceCalls: how the CAS waits on instances without letting one of
// them cost the others anything.
//
// - Web Access requests go to the instance on a stream (stream.open with
//   service "web" through its host, then request frames and their answers,
//   see instancehost/instance/access/web/web_stream.h): every step is
//   asynchronous, so a request waiting for a slow or stopped instance holds
//   a connection and a coroutine, never a thread. Streams are kept open
//   between requests (web_stream_pool.h).
// - Per instance, at most `web_requests` Web Access requests are out at a
//   time and `web_waiting` more wait in line (web_gate.h); beyond, requests
//   are refused at once (503). At most `imap_logins` IMAP logins wait at a
//   time; more are refused at once (NO [UNAVAILABLE]).
// - Each wait is bounded by `timeout` (in line, connecting, the instance's
//   answer, each piece of a download).
// - A download's answer comes with its body (WebBody), read piece by piece
//   as the browser takes it.
// Thread safety: enter*() may be called from any thread; a permit is
// released when destroyed. web() and WebBody run on the caller's executor.
#pragma once

#include <chrono>
#include <memory>
#include <optional>

#include "cas/cas_routes.h"
#include "cas/web_gate.h"
#include "cas/web_stream_pool.h"
#include "common/net/asio.h"
#include "common/net/connection_limits.h"

namespace spe::cas {

struct InstanceCallLimits {
  std::size_t web_requests = 16;
  std::size_t web_waiting = 256;
  std::size_t web_downloads = 32;  // downloads under way per instance (their bodies still coming)
  std::size_t imap_logins = 8;
  std::chrono::seconds timeout{30};
};

// The bytes of a download, still on its stream to the instance.
class WebBody {
 public:
  // `permit`: the download's place among its instance's (WebGate), held until the body is gone.
  WebBody(PooledStream stream, std::string pool_key, WebStreamPool& pool, std::chrono::seconds timeout,
          std::unique_ptr<WebGate::Permit> permit)
      : stream_(std::move(stream)),
        key_(std::move(pool_key)),
        pool_(pool),
        timeout_(timeout),
        permit_(std::move(permit)) {}
  ~WebBody();
  WebBody(const WebBody&) = delete;
  WebBody& operator=(const WebBody&) = delete;
  // The next piece, nullopt at the end (the stream then goes back to the
  // pool). Errors: the instance failed, the stream broke, or no piece came
  // within the timeout.
  asio::awaitable<Result<std::optional<std::string>>> next();

 private:
  PooledStream stream_;
  std::string key_;
  WebStreamPool& pool_;
  std::chrono::seconds timeout_;
  bool ended_ = false;
  std::unique_ptr<WebGate::Permit> permit_;
};

struct WebCall {
  Json answer;
  std::unique_ptr<WebBody> body;  // a download's bytes; null for other answers
};

class InstanceCalls {
 public:
  explicit InstanceCalls(InstanceCallLimits limits);

  using Permit = std::shared_ptr<ConnectionSlot>;
  // A permit for one more IMAP login waiting on the instance, or null when
  // it has as many as allowed.
  Permit enterImap(const std::string& instance_id) { return imap_->admit(instance_id); }
  const InstanceCallLimits& limits() const { return limits_; }

  // Passes a Web Access request (web_api.h) to the instance once it is its
  // turn; the answer, or kResourceExhausted (the line is full),
  // kTimeout / kUnavailable / the instance's error.
  // `download`: the request is for a file (.eml, attachment, export); it
  // waits for one of the instance's download places instead of a request
  // place and holds it until its body is gone (WebBody).
  asio::awaitable<Result<WebCall>> web(InstanceRoute route, Json request, bool download = false);

  WebGate& gate() { return *gate_; }
  WebStreamPool& streams() { return streams_; }

 private:
  // One exchange on `stream`: the request, then its answer (kUnavailable:
  // the stream ended before an answer came).
  asio::awaitable<Result<Json>> exchange(PooledStream& stream, const Json& request,
                                         std::chrono::steady_clock::time_point deadline, bool* timed_out);

  InstanceCallLimits limits_;
  std::shared_ptr<WebGate> gate_;
  std::shared_ptr<WebGate> downloads_;  // the instance's downloads: apart, so they never keep its searches out
  WebStreamPool streams_;
  std::shared_ptr<ConnectionLimiter> imap_;
};

}  // namespace spe::cas
