// RpcServer and LocalRpcServer: sessions that read request frames, run
// each handler on the thread pool and write answers and progress events in
// order (the protocol is described in rpc.h).
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/write.hpp>
#include <deque>

#include "common/base/logging.h"
#include "common/rpc/frame_parser.h"
#include "common/rpc/rpc.h"

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
      co_await stream_.async_handshake(asio::ssl::stream_base::server, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        logger("rpc")->warn("{}: TLS handshake with {} refused: {}", name_, remote(), ec.message());
        countTlsHandshakeFailure(name_);
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
      const std::size_t n = co_await stream_.async_read_some(asio::buffer(buf),
                                                             asio::redirect_error(asio::use_awaitable, ec));
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
    if (!parsed || !parsed->is_object() || !parsed->contains("method") || !(*parsed)["method"].is_string() ||
        (params != parsed->end() && !params->is_object())) {
      Json id = parsed && parsed->is_object() && parsed->contains("id") ? (*parsed)["id"] : Json();
      send(Json{{"id", id}, {"error", rpcErrorToJson(makeError(ErrorCode::kProtocol, "Malformed RPC request."))}});
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
      co_await asio::async_write(self->stream_, asio::buffer(out), asio::redirect_error(asio::use_awaitable, ec));
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
  int in_flight_ = 0;                     // calls dispatched and not answered yet
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
    asio::co_spawn(
        ex, [session]() -> asio::awaitable<void> { co_await session->run(); }, asio::detached);
  }
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

RpcServer::RpcServer(asio::io_context& io, asio::thread_pool& pool, SslContextPtr ctx, RpcHandler handler,
                     std::string name, RpcLimits limits)
    : io_(io),
      pool_(pool),
      ctx_(std::move(ctx)),
      handler_(std::move(handler)),
      name_(std::move(name)),
      limits_(limits),
      acceptor_(io) {}

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
    return std::make_shared<RpcSession<LocalStream>>(LocalStream(std::move(socket)), pool_, handler_, stream_handler_,
                                                     name_, limits_);
  });
}

}  // namespace spe
