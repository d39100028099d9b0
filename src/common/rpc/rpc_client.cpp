// RpcClient, LocalRpcClient and stream opening: one request, frames read
// until its answer (the protocol is described in rpc.h), and the
// process-wide pool of kept TLS connections.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/write.hpp>
#include <future>
#include <map>
#include <optional>
#include <thread>

#include "common/rpc/frame_parser.h"
#include "common/rpc/rpc.h"
#include "common/rpc/silent_peers.h"

namespace spe {
namespace {

// Sends one request on a connected stream and reads frames until its
// response, passing progress events on. With `rest`, bytes that arrived
// after the response are kept there (stream.open: they are the stream's).
// *answered (when given) tells whether the peer answered (a result or an
// error frame), which an error of the connection itself is not.
template <typename Stream>
asio::awaitable<Result<Json>> exchange(Stream& stream, const std::string& where, const Json& request,
                                       const RpcClient::ProgressFn& progress, std::string* rest = nullptr,
                                       bool* answered = nullptr) {
  ErrorCodeT ec;
  const std::string out = encodeFrame(dumpJson(request));
  co_await asio::async_write(stream, asio::buffer(out), asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return makeError(ErrorCode::kUnavailable, "Cannot send to " + where + ": " + ec.message());
  FrameParser parser;
  std::array<char, 16384> buf{};
  for (;;) {
    const std::size_t n = co_await stream.async_read_some(asio::buffer(buf),
                                                          asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      co_return makeError(ec == beast::error::timeout ? ErrorCode::kTimeout : ErrorCode::kUnavailable,
                          "No answer from " + where + ": " + ec.message());
    }
    std::string_view data(buf.data(), n);
    while (!data.empty()) {
      auto step = parser.feed(data);
      data.remove_prefix(step.consumed);
      if (step.state == FrameParser::State::kError) {
        co_return makeError(ErrorCode::kProtocol, where + " sent a bad frame: " + parser.errorMessage());
      }
      if (step.state != FrameParser::State::kDone) continue;
      auto frame = parseJson(parser.take(), "RPC frame from " + where, kMaxFrameDepth);
      if (!frame || !frame->is_object()) co_return makeError(ErrorCode::kProtocol, where + " sent malformed JSON.");
      if (frame->contains("progress")) {
        const Json& p = (*frame)["progress"];
        if (progress && p.is_object()) progress(p.value("percent", 0), p.value("text", ""));
        continue;
      }
      if (answered) *answered = true;
      if (frame->contains("error")) co_return rpcErrorFromJson((*frame)["error"]);
      if (rest) rest->assign(data);
      co_return frame->value("result", Json());
    }
  }
}

// Runs one client coroutine to completion on a private io_context.
template <typename Coro>
Result<Json> runCall(Coro make) {
  asio::io_context io;
  std::optional<Result<Json>> out;
  asio::co_spawn(io, make(io), [&out](std::exception_ptr e, Result<Json> r) {
    if (e) out = makeError(ErrorCode::kInternal, "RPC client failed unexpectedly.");
    else out = std::move(r);
  });
  io.run();
  if (!out) return makeError(ErrorCode::kInternal, "RPC call ended without a result.");
  return std::move(*out);
}

using TlsStreamPtr = std::unique_ptr<TlsStream>;

// A peer on a network that works takes a connection in milliseconds; one
// that has not in this time is cut off or gone (SilentPeers), whatever the
// time the call itself may take.
constexpr std::chrono::seconds kConnectTimeout{5};
// Sent bytes a peer has not acknowledged in this time end the connection:
// its machine is gone (a network that works acknowledges in milliseconds,
// and a stall this long would break an end user's session anyway).
constexpr std::chrono::seconds kUnacknowledgedTimeout{10};

asio::awaitable<Result<TlsStreamPtr>> tlsConnect(asio::ssl::context& ctx, std::string host, std::uint16_t port,
                                                 std::chrono::milliseconds timeout) {
  auto ex = co_await asio::this_coro::executor;
  const std::string where = host + ":" + std::to_string(port);
  ErrorCodeT ec;
  tcp::resolver resolver(ex);
  auto endpoints = co_await resolver.async_resolve(host, std::to_string(port),
                                                   asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return makeError(ErrorCode::kUnavailable, "Cannot resolve '" + host + "': " + ec.message());
  SilentPeers& silent = SilentPeers::shared();
  const auto started = SilentPeers::Clock::now();
  if (const auto ago = silent.silentFor(where, started)) {
    co_return makeError(ErrorCode::kUnavailable, "Cannot connect to " + where + ": it did not answer a connection " +
                                                     std::to_string(ago->count()) + " s ago (the next try is " +
                                                     std::to_string(SilentPeers::kMemory.count()) +
                                                     " s after that one)");
  }
  auto stream = std::make_unique<TlsStream>(ex, ctx);
  beast::get_lowest_layer(*stream).expires_after(std::min<std::chrono::milliseconds>(timeout, kConnectTimeout));
  co_await beast::get_lowest_layer(*stream).async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
  if (!ec) beast::get_lowest_layer(*stream).socket().set_option(tcp::no_delay(true), ec);
  if (ec) {
    // Silent only when it had the whole connect time (a call with little
    // time left proves nothing about the peer).
    if (ec == beast::error::timeout && timeout >= kConnectTimeout) silent.timedOut(where, started);
    co_return makeError(ec == beast::error::timeout ? ErrorCode::kTimeout : ErrorCode::kUnavailable,
                        "Cannot connect to " + where + ": " + ec.message());
  }
  silent.connected(where);
  // A kept connection to a machine cut off since fails soon instead of
  // waiting as long as the call may take (and a fresh one is tried).
  const unsigned int unacknowledged_ms = static_cast<unsigned int>(
      std::chrono::duration_cast<std::chrono::milliseconds>(kUnacknowledgedTimeout).count());
  ::setsockopt(beast::get_lowest_layer(*stream).socket().native_handle(), IPPROTO_TCP, TCP_USER_TIMEOUT,
               &unacknowledged_ms, sizeof unacknowledged_ms);
  beast::get_lowest_layer(*stream).expires_after(timeout);
  co_await stream->async_handshake(asio::ssl::stream_base::client, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    co_return makeError(ErrorCode::kUnavailable,
                        "TLS handshake with " + where + " failed (is its certificate thumbprint the paired one?)",
                        ec.message());
  }
  co_return stream;
}

// One call on `stream` (connecting first when it is null). On success the
// stream comes back for reuse.
struct CallOutcome {
  Result<Json> result;
  TlsStreamPtr stream;
  bool reused = false;
};

asio::awaitable<CallOutcome> tlsCall(asio::ssl::context& ctx, std::string host, std::uint16_t port, TlsStreamPtr stream,
                                     Json request, std::chrono::milliseconds timeout,
                                     const RpcClient::ProgressFn& progress) {
  CallOutcome out{makeError(ErrorCode::kInternal, "unset"), nullptr, stream != nullptr};
  if (!stream) {
    auto connected = co_await tlsConnect(ctx, host, port, timeout);
    if (!connected) {
      out.result = connected.error();
      co_return out;
    }
    stream = std::move(connected.value());
  }
  beast::get_lowest_layer(*stream).expires_after(timeout);
  bool answered = false;  // a result or an error frame: the connection is sound
  out.result = co_await exchange(*stream, host + ":" + std::to_string(port), request, progress, nullptr, &answered);
  if (answered) {
    beast::get_lowest_layer(*stream).expires_never();
    out.stream = std::move(stream);
  }
  co_return out;
}

// One call on a new connection, closed cleanly afterwards.
asio::awaitable<Result<Json>> tlsCallAndClose(asio::ssl::context& ctx, std::string host, std::uint16_t port,
                                              Json request, std::chrono::milliseconds timeout,
                                              const RpcClient::ProgressFn& progress) {
  CallOutcome o = co_await tlsCall(ctx, host, port, nullptr, std::move(request), timeout, progress);
  if (o.stream) {
    ErrorCodeT ignored;
    beast::get_lowest_layer(*o.stream).expires_after(std::chrono::seconds(2));
    co_await o.stream->async_shutdown(asio::redirect_error(asio::use_awaitable, ignored));
  }
  co_return std::move(o.result);
}

// Process-wide pool of idle TLS connections, with its own I/O thread.
class TlsConnectionPool {
 public:
  static TlsConnectionPool& shared() {
    static auto* pool = new TlsConnectionPool();  // never destroyed: used until exit
    return *pool;
  }

  Result<Json> call(asio::ssl::context& ctx, const std::string& key, const std::string& host, std::uint16_t port,
                    const Json& request, std::chrono::milliseconds timeout, const RpcClient::ProgressFn& progress) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      TlsStreamPtr idle = attempt == 0 ? take(key) : nullptr;
      std::promise<CallOutcome> done;
      auto fut = done.get_future();
      asio::co_spawn(io_, tlsCall(ctx, host, port, std::move(idle), request, timeout, progress),
                     [&done](std::exception_ptr e, CallOutcome o) {
                       if (e) o.result = makeError(ErrorCode::kInternal, "RPC client failed unexpectedly.");
                       done.set_value(std::move(o));
                     });
      CallOutcome o = fut.get();
      // The peer answered (a result or an error) exactly when the stream came back.
      const bool answered = o.stream != nullptr;
      if (answered) give(key, std::move(o.stream));
      // A kept connection the peer had closed (e.g. it restarted) fails
      // without an answer: try once more on a fresh one. An answer, even an
      // error, is never retried: the request may not be idempotent.
      // A kept connection that timed out is not tried again: the peer is
      // silent, and the call's time is spent.
      if (!answered && o.reused && o.result.error().code != ErrorCode::kTimeout) continue;
      return std::move(o.result);
    }
    return makeError(ErrorCode::kUnavailable, "No answer from " + host + ":" + std::to_string(port) + ".");
  }

 private:
  using Clock = std::chrono::steady_clock;
  static constexpr auto kIdleLifetime = std::chrono::seconds(30);
  static constexpr std::size_t kMaxIdlePerKey = 8;

  TlsConnectionPool() : work_(io_.get_executor()), thread_([this] { io_.run(); }) {}

  TlsStreamPtr take(const std::string& key) {
    std::vector<TlsStreamPtr> stale;
    TlsStreamPtr found;
    {
      std::lock_guard lock(mutex_);
      const auto now = Clock::now();
      for (auto it = idle_.begin(); it != idle_.end();) {
        if (now - it->second.since > kIdleLifetime) {
          stale.push_back(std::move(it->second.stream));
          it = idle_.erase(it);
        } else {
          ++it;
        }
      }
      auto it = idle_.find(key);
      if (it != idle_.end()) {
        found = std::move(it->second.stream);
        idle_.erase(it);
      }
    }
    for (auto& s : stale) closeLater(std::move(s));
    return found;
  }

  void give(const std::string& key, TlsStreamPtr stream) {
    {
      std::lock_guard lock(mutex_);
      if (idle_.count(key) < kMaxIdlePerKey) {
        idle_.emplace(key, Idle{std::move(stream), Clock::now()});
        return;
      }
    }
    closeLater(std::move(stream));
  }

  void closeLater(TlsStreamPtr stream) {
    asio::post(io_, [s = std::shared_ptr<TlsStream>(std::move(stream))] {
      ErrorCodeT ec;
      beast::get_lowest_layer(*s).socket().shutdown(tcp::socket::shutdown_both, ec);
      beast::get_lowest_layer(*s).close();
    });
  }

  struct Idle {
    TlsStreamPtr stream;
    Clock::time_point since;
  };
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::thread thread_;
  std::mutex mutex_;
  std::multimap<std::string, Idle> idle_;
};

// A connection to the Unix socket at `path`, with `timeout` set for all of
// its use.
asio::awaitable<Result<LocalStream>> localConnect(const std::string& path, std::chrono::milliseconds timeout) {
  ErrorCodeT ec;
  LocalStream stream(co_await asio::this_coro::executor);
  stream.expires_after(timeout);
  co_await stream.async_connect(asio::local::stream_protocol::endpoint(path),
                                asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return makeError(ErrorCode::kUnavailable, "Cannot connect to '" + path + "': " + ec.message());
  co_return stream;
}

asio::awaitable<Result<Json>> localCall(std::string path, Json request, std::chrono::milliseconds timeout,
                                        const RpcClient::ProgressFn& progress) {
  auto stream = co_await localConnect(path, timeout);
  if (!stream) co_return stream.error();
  co_return co_await exchange(*stream, "'" + path + "'", request, progress);
}

// Sends stream.open on a connected stream and waits for its answer.
template <typename Stream>
asio::awaitable<Result<std::shared_ptr<ByteStream>>> streamHandshake(Stream stream, std::string where, Json params,
                                                                     std::chrono::milliseconds timeout) {
  beast::get_lowest_layer(stream).expires_after(timeout);
  const Json request{{"id", 1}, {"method", kStreamOpen}, {"params", std::move(params)}};
  std::string rest;
  auto answer = co_await exchange(stream, where, request, RpcClient::ProgressFn(), &rest);
  if (!answer) co_return answer.error();
  std::shared_ptr<ByteStream> opened = std::make_shared<ByteStreamOf<Stream>>(std::move(stream), std::move(rest));
  co_return opened;
}

}  // namespace

RpcClient::RpcClient(SslContextPtr ctx, std::string host, std::uint16_t port, std::string pool_key)
    : ctx_(std::move(ctx)), host_(std::move(host)), port_(port), pool_key_(std::move(pool_key)) {}

asio::awaitable<Result<std::shared_ptr<ByteStream>>> openTlsStream(asio::ssl::context& ctx, std::string host,
                                                                   std::uint16_t port, Json params,
                                                                   std::chrono::milliseconds timeout) {
  auto connected = co_await tlsConnect(ctx, host, port, timeout);
  if (!connected) co_return connected.error();
  co_return co_await streamHandshake(std::move(*connected.value()), host + ":" + std::to_string(port),
                                     std::move(params), timeout);
}

asio::awaitable<Result<std::shared_ptr<ByteStream>>> openLocalStream(std::string path, Json params,
                                                                     std::chrono::milliseconds timeout) {
  auto stream = co_await localConnect(path, timeout);
  if (!stream) co_return stream.error();
  co_return co_await streamHandshake(std::move(*stream), "'" + path + "'", std::move(params), timeout);
}

Result<Json> RpcClient::call(const std::string& method, const Json& params, std::chrono::milliseconds timeout,
                             const ProgressFn& progress) {
  Json request{{"id", 1}, {"method", method}, {"params", params}};
  if (!pool_key_.empty()) {
    const std::string key = pool_key_ + "@" + host_ + ":" + std::to_string(port_);
    return TlsConnectionPool::shared().call(*ctx_, key, host_, port_, request, timeout, progress);
  }
  return runCall([&](asio::io_context& io) {
    (void)io;
    return tlsCallAndClose(*ctx_, host_, port_, std::move(request), timeout, progress);
  });
}

Result<Json> LocalRpcClient::call(const std::string& method, const Json& params, std::chrono::milliseconds timeout,
                                  const RpcClient::ProgressFn& progress) const {
  Json request{{"id", 1}, {"method", method}, {"params", params}};
  return runCall([&](asio::io_context& io) {
    (void)io;
    return localCall(path_, std::move(request), timeout, progress);
  });
}

}  // namespace spe
