#include "common/rpc/rpc.h"

#include <boost/asio/write.hpp>
#include <boost/asio/ssl/error.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/local/stream_protocol.hpp>
#include <deque>
#include <future>
#include <map>
#include <optional>
#include <thread>

#include "common/rpc/frame_parser.h"
#include "common/base/logging.h"

namespace spe {
namespace {

// Runs a request's handler: whatever it throws (a JSON field of an
// unexpected type, an allocation failure, a bug) becomes an error answer,
// never the end of the process that serves every other request.
Result<Json> callHandler(const RpcHandler& handler, const RpcRequest& request, const std::string& server) {
  try {
    return handler(request);
  } catch (const std::exception& e) {
    logger("rpc")->error("{}: '{}' failed with an exception: {}", server, request.method, e.what());
    return makeError(ErrorCode::kInternal, "The request failed on the server (" + std::string(e.what()) + ").");
  } catch (...) {
    logger("rpc")->error("{}: '{}' failed with an unknown exception", server, request.method);
    return makeError(ErrorCode::kInternal, "The request failed on the server.");
  }
}

// One accepted connection: a read loop, a handler per request (offloaded),
// and a write queue so responses and progress events never interleave.
// Stream is TlsStream (role ports, mutual TLS first) or LocalStream (the
// Unix socket between an Instance Host and its instance processes).
template <typename Stream>
class RpcSession : public std::enable_shared_from_this<RpcSession<Stream>> {
 public:
  RpcSession(Stream stream, asio::thread_pool& pool, const RpcHandler& handler, const StreamHandler& stream_handler,
             const std::string& name, const RpcLimits& limits)
      : stream_(std::move(stream)),
        pool_(pool),
        handler_(handler),
        stream_handler_(stream_handler),
        name_(name),
        limits_(limits) {}

  asio::awaitable<void> run() {
    auto self = this->shared_from_this();
    ErrorCodeT ec;
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      beast::get_lowest_layer(stream_).expires_after(limits_.handshake_timeout);
      co_await stream_.async_handshake(asio::ssl::stream_base::server,
                                       asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        logger("rpc")->warn("{}: TLS handshake with {} refused: {}", name_, remote(), ec.message());
        co_return;
      }
      peer_ = peerThumbprint(stream_.native_handle());
    } else {
      peer_ = "local";
    }
    FrameParser parser(limits_.max_frame);
    std::array<char, 16384> buf{};
    for (;;) {
      armTimer();
      const std::size_t n =
          co_await stream_.async_read_some(asio::buffer(buf), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      std::string_view data(buf.data(), n);
      while (!data.empty()) {
        auto step = parser.feed(data);
        data.remove_prefix(step.consumed);
        if (step.state == FrameParser::State::kError) {
          logger("rpc")->warn("{}: closing connection from {}: {}", name_, remote(), parser.errorMessage());
          closed_ = true;
          beast::get_lowest_layer(stream_).close();
          co_return;
        }
        if (step.state == FrameParser::State::kDone) dispatch(parser.take());
        if (takeover_) {
          co_await handOver(data);
          co_return;
        }
      }
    }
    closed_ = true;
  }

 private:
  std::string remote() {
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      ErrorCodeT ec;
      auto ep = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
      return ec ? std::string("?") : ep.address().to_string() + ":" + std::to_string(ep.port());
    } else {
      return "local socket";
    }
  }

  void dispatch(std::string payload) {
    auto parsed = parseJson(payload, "RPC frame", kMaxFrameDepth);
    const auto params = parsed && parsed->is_object() ? parsed->find("params") : Json::iterator{};
    if (!parsed || !parsed->is_object() || !parsed->contains("method") ||
        !(*parsed)["method"].is_string() || (params != parsed->end() && !params->is_object())) {
      Json id = parsed && parsed->is_object() && parsed->contains("id") ? (*parsed)["id"] : Json();
      send(Json{{"id", id},
                {"error", rpcErrorToJson(makeError(ErrorCode::kProtocol, "Malformed RPC request."))}});
      return;
    }
    auto req = std::make_shared<RpcRequest>();
    req->method = (*parsed)["method"].get<std::string>();
    req->params = parsed->value("params", Json::object());
    req->peer_thumbprint = peer_;
    Json id = parsed->value("id", Json());
    if (req->method == kStreamOpen && stream_handler_) {
      if (in_flight_ > 0 || writing_) {
        send(Json{{"id", id},
                  {"error", rpcErrorToJson(makeError(ErrorCode::kProtocol,
                                                     "stream.open must be the first request on a connection."))}});
        return;
      }
      takeover_ = req;
      takeover_id_ = id;
      return;
    }
    std::weak_ptr<RpcSession> weak = this->shared_from_this();
    auto ex = stream_.get_executor();
    req->progress = [weak, ex, id](int percent, const std::string& text) {
      Json frame{{"id", id}, {"progress", {{"percent", percent}, {"text", text}}}};
      asio::post(ex, [weak, frame = std::move(frame)] {
        if (auto s = weak.lock()) s->send(frame);
      });
    };
    auto self = this->shared_from_this();
    ++in_flight_;  // no idle timeout while a call runs, however long
    armTimer();
    asio::post(pool_, [self, req, id, ex] {
      Result<Json> result = callHandler(self->handler_, *req, self->name_);
      Json reply{{"id", id}};
      if (result) reply["result"] = std::move(result.value());
      else reply["error"] = rpcErrorToJson(result.error());
      asio::post(ex, [self, reply = std::move(reply)] {
        --self->in_flight_;
        self->send(reply);
      });
    });
  }

  // The connection leaves the RPC protocol: bytes after the request go
  // with it to the stream handler.
  asio::awaitable<void> handOver(std::string_view rest) {
    closed_ = true;  // nothing more is sent as frames
    auto stream = std::make_shared<ByteStreamOf<Stream>>(std::move(stream_), std::string(rest));
    stream_handler_(std::move(stream), std::move(*takeover_), std::move(takeover_id_));
    co_return;
  }

  // The connection's deadline: none while a call is in flight (it may run
  // for hours and send nothing), the idle timeout otherwise. Writes have
  // their own deadline while they are under way.
  void armTimer() {
    auto& socket = beast::get_lowest_layer(stream_);
    if (writing_) return;
    if (in_flight_ > 0) {
      socket.expires_never();
    } else {
      socket.expires_after(limits_.idle_timeout);
    }
  }

  void send(const Json& frame) {
    if (closed_) return;
    outbox_.push_back(encodeFrame(dumpJson(frame)));  // never throws: bad UTF-8 becomes U+FFFD
    if (!writing_) {
      writing_ = true;
      asio::co_spawn(stream_.get_executor(), writeLoop(this->shared_from_this()), asio::detached);
    }
  }

  static asio::awaitable<void> writeLoop(std::shared_ptr<RpcSession> self) {
    ErrorCodeT ec;
    while (!self->outbox_.empty()) {
      std::string out = std::move(self->outbox_.front());
      self->outbox_.pop_front();
      beast::get_lowest_layer(self->stream_).expires_after(self->limits_.write_timeout);
      co_await asio::async_write(self->stream_, asio::buffer(out),
                                 asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        self->outbox_.clear();
        self->closed_ = true;
        break;
      }
    }
    self->writing_ = false;
    if (!self->closed_) self->armTimer();
  }

  Stream stream_;
  asio::thread_pool& pool_;
  const RpcHandler& handler_;
  const StreamHandler& stream_handler_;
  const std::string& name_;
  const RpcLimits& limits_;
  std::string peer_;
  std::deque<std::string> outbox_;
  bool writing_ = false;
  bool closed_ = false;
  int in_flight_ = 0;  // calls dispatched and not answered yet
  std::shared_ptr<RpcRequest> takeover_;  // a stream.open request
  Json takeover_id_;
};

// Accepts connections until the acceptor closes; `make` turns each socket
// into a session whose run() is spawned on the socket's strand.
template <typename Acceptor, typename MakeSession>
asio::awaitable<void> acceptSessions(asio::io_context& io, Acceptor& acceptor, MakeSession make) {
  for (;;) {
    ErrorCodeT ec;
    typename Acceptor::protocol_type::socket socket(asio::make_strand(io));
    co_await acceptor.async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec) continue;
    auto ex = socket.get_executor();
    auto session = make(std::move(socket));
    asio::co_spawn(ex, [session]() -> asio::awaitable<void> { co_await session->run(); }, asio::detached);
  }
}

// Sends one request on a connected stream and reads frames until its
// response, passing progress events on. With `rest`, bytes that arrived
// after the response are kept there (stream.open: they are the stream's).
template <typename Stream>
asio::awaitable<Result<Json>> exchange(Stream& stream, const std::string& where, const Json& request,
                                       const RpcClient::ProgressFn& progress, std::string* rest = nullptr) {
  ErrorCodeT ec;
  const std::string out = encodeFrame(dumpJson(request));
  co_await asio::async_write(stream, asio::buffer(out), asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return makeError(ErrorCode::kUnavailable, "Cannot send to " + where + ": " + ec.message());
  FrameParser parser;
  std::array<char, 16384> buf{};
  for (;;) {
    const std::size_t n =
        co_await stream.async_read_some(asio::buffer(buf), asio::redirect_error(asio::use_awaitable, ec));
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

}  // namespace

Result<std::uint16_t> bindAcceptor(tcp::acceptor& acceptor, const std::string& address, std::uint16_t port,
                                   const std::string& what) {
  ErrorCodeT ec;
  auto addr = asio::ip::make_address(address, ec);
  if (ec) return makeError(ErrorCode::kInvalidArgument, what + ": '" + address + "' is not an IP address.");
  tcp::endpoint ep(addr, port);
  acceptor.open(ep.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(ep, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return makeError(ErrorCode::kIo,
                     what + ": cannot listen on " + address + ":" + std::to_string(port) + ": " + ec.message());
  }
  return acceptor.local_endpoint().port();
}

Json rpcErrorToJson(const Error& error) {
  return Json{{"code", errorCodeName(error.code)}, {"message", error.message}, {"details", error.details}};
}

Error rpcErrorFromJson(const Json& error) {
  Error e{ErrorCode::kInternal, "The peer reported an error.", {}};
  if (!error.is_object()) return e;
  // A name this build does not know (a newer peer) stays kInternal.
  e.code = errorCodeFromName(stringOf(error, "code").value_or("")).value_or(ErrorCode::kInternal);
  if (error.contains("message") && error["message"].is_string()) e.message = error["message"];
  if (error.contains("details") && error["details"].is_string()) e.details = error["details"];
  return e;
}

RpcServer::RpcServer(asio::io_context& io, asio::thread_pool& pool, SslContextPtr ctx,
                     RpcHandler handler, std::string name, RpcLimits limits)
    : io_(io), pool_(pool), ctx_(std::move(ctx)), handler_(std::move(handler)), name_(std::move(name)),
      limits_(limits), acceptor_(io) {}

RpcServer::~RpcServer() = default;

Result<std::uint16_t> RpcServer::listen(const std::string& address, std::uint16_t port) {
  auto bound = bindAcceptor(acceptor_, address, port, name_);
  if (bound) asio::co_spawn(io_, acceptLoop(), asio::detached);
  return bound;
}

void RpcServer::stop() {
  asio::post(io_, [this] {
    ErrorCodeT ec;
    acceptor_.close(ec);
  });
}

asio::awaitable<void> RpcServer::acceptLoop() {
  return acceptSessions(io_, acceptor_, [this](tcp::socket socket) {
    ErrorCodeT ec;
    socket.set_option(tcp::no_delay(true), ec);  // small frames must not wait for delayed ACKs
    return std::make_shared<RpcSession<TlsStream>>(TlsStream(std::move(socket), *ctx_), pool_, handler_,
                                                   stream_handler_, name_, limits_);
  });
}

RpcClient::RpcClient(SslContextPtr ctx, std::string host, std::uint16_t port, std::string pool_key)
    : ctx_(std::move(ctx)), host_(std::move(host)), port_(port), pool_key_(std::move(pool_key)) {}

namespace {

using TlsStreamPtr = std::unique_ptr<TlsStream>;

asio::awaitable<Result<TlsStreamPtr>> tlsConnect(asio::ssl::context& ctx, std::string host, std::uint16_t port,
                                                 std::chrono::milliseconds timeout) {
  auto ex = co_await asio::this_coro::executor;
  const std::string where = host + ":" + std::to_string(port);
  ErrorCodeT ec;
  tcp::resolver resolver(ex);
  auto endpoints = co_await resolver.async_resolve(host, std::to_string(port),
                                                   asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return makeError(ErrorCode::kUnavailable, "Cannot resolve '" + host + "': " + ec.message());
  auto stream = std::make_unique<TlsStream>(ex, ctx);
  beast::get_lowest_layer(*stream).expires_after(timeout);
  co_await beast::get_lowest_layer(*stream).async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
  if (!ec) beast::get_lowest_layer(*stream).socket().set_option(tcp::no_delay(true), ec);
  if (ec) {
    co_return makeError(ec == beast::error::timeout ? ErrorCode::kTimeout : ErrorCode::kUnavailable,
                        "Cannot connect to " + where + ": " + ec.message());
  }
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

asio::awaitable<CallOutcome> tlsCall(asio::ssl::context& ctx, std::string host, std::uint16_t port,
                                     TlsStreamPtr stream, Json request, std::chrono::milliseconds timeout,
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
  out.result = co_await exchange(*stream, host + ":" + std::to_string(port), request, progress);
  // The peer answered (a result or an error frame): the connection is sound.
  const bool answered = out.result.ok() || (out.result.error().code != ErrorCode::kUnavailable &&
                                            out.result.error().code != ErrorCode::kTimeout &&
                                            out.result.error().code != ErrorCode::kProtocol);
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
      if (!answered && o.reused) continue;
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

asio::awaitable<Result<Json>> localCall(std::string path, Json request, std::chrono::milliseconds timeout,
                                        const RpcClient::ProgressFn& progress) {
  auto ex = co_await asio::this_coro::executor;
  ErrorCodeT ec;
  LocalStream stream(ex);
  stream.expires_after(timeout);
  co_await stream.async_connect(asio::local::stream_protocol::endpoint(path),
                                asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return makeError(ErrorCode::kUnavailable, "Cannot connect to '" + path + "': " + ec.message());
  co_return co_await exchange(stream, "'" + path + "'", request, progress);
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
  auto ex = co_await asio::this_coro::executor;
  ErrorCodeT ec;
  LocalStream stream(ex);
  stream.expires_after(timeout);
  co_await stream.async_connect(asio::local::stream_protocol::endpoint(path),
                                asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return makeError(ErrorCode::kUnavailable, "Cannot connect to '" + path + "': " + ec.message());
  co_return co_await streamHandshake(std::move(stream), "'" + path + "'", std::move(params), timeout);
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

LocalRpcServer::LocalRpcServer(asio::io_context& io, asio::thread_pool& pool, RpcHandler handler, std::string name,
                               RpcLimits limits)
    : io_(io), pool_(pool), handler_(std::move(handler)), name_(std::move(name)), limits_(limits), acceptor_(io) {}

LocalRpcServer::~LocalRpcServer() = default;

Status LocalRpcServer::listen(const std::string& path) {
  ErrorCodeT ec;
  ::unlink(path.c_str());
  asio::local::stream_protocol::endpoint ep(path);
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return makeError(ErrorCode::kIo, name_ + ": cannot listen on '" + path + "': " + ec.message());
  ::chmod(path.c_str(), 0600);
  asio::co_spawn(io_, acceptLoop(), asio::detached);
  return okStatus();
}

void LocalRpcServer::stop() {
  asio::post(io_, [this] {
    ErrorCodeT ec;
    acceptor_.close(ec);
  });
}

asio::awaitable<void> LocalRpcServer::acceptLoop() {
  return acceptSessions(io_, acceptor_, [this](asio::local::stream_protocol::socket socket) {
    return std::make_shared<RpcSession<LocalStream>>(LocalStream(std::move(socket)), pool_, handler_,
                                                     stream_handler_, name_, limits_);
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
