// Internal RPC between the daemons: length-prefixed JSON frames (FrameParser)
// over mutual TLS with pinned thumbprints.
//
// Frames: request {id, method, params}; response {id, result} or
// {id, error:{code, message}}; progress {id, progress:{percent, text}} sent
// any number of times before the response of a long request. A connection may
// carry several requests at once; responses carry the request's id.
//
// RpcServer: accepts on one endpoint; each request's handler runs on a thread
// pool so a slow handler never stalls other connections. Handshake, idle and
// write timeouts and the frame limit close misbehaving peers.
// RpcClient: one call = one connection with an overall deadline; blocking,
// safe to use from any thread (it runs its own io_context).
#pragma once

#include <atomic>
#include <boost/asio/local/stream_protocol.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "common/base/json_reader.h"
#include "common/base/result.h"
#include "common/net/asio.h"
#include "common/net/tls.h"
#include "common/rpc/byte_stream.h"

namespace spe {

struct RpcRequest {
  std::string method;
  Json params;
  std::string peer_thumbprint;
  // Sends a progress event to the caller; callable from the handler's thread.
  std::function<void(int percent, const std::string& text)> progress;
};

using RpcHandler = std::function<Result<Json>(const RpcRequest&)>;

// A request "stream.open" on a fresh connection turns it into a byte stream
// (an end user's session): the server stops reading frames and hands the
// connection to its stream handler, which must answer the request's `id`
// with a frame (writeFrame) and then owns the bytes. `request` carries the
// params and the peer's thumbprint. Servers without a stream handler
// answer stream.open with an error like any unknown method.
inline constexpr const char* kStreamOpen = "stream.open";
using StreamHandler = std::function<void(std::shared_ptr<ByteStream> stream, RpcRequest request, Json id)>;

struct RpcLimits {
  std::size_t max_frame = 16 * 1024 * 1024;
  std::chrono::seconds handshake_timeout{10};
  std::chrono::seconds idle_timeout{300};
  std::chrono::seconds write_timeout{30};
};

class RpcServer {
 public:
  RpcServer(asio::io_context& io, asio::thread_pool& pool, SslContextPtr ctx, RpcHandler handler, std::string name,
            RpcLimits limits = {});
  ~RpcServer();

  // Binds and starts accepting; returns the bound port (useful with port 0).
  Result<std::uint16_t> listen(const std::string& address, std::uint16_t port);
  void stop();
  // Before listen().
  void setStreamHandler(StreamHandler handler) { stream_handler_ = std::move(handler); }

 private:
  asio::awaitable<void> acceptLoop();

  asio::io_context& io_;
  asio::thread_pool& pool_;
  SslContextPtr ctx_;
  RpcHandler handler_;
  StreamHandler stream_handler_;
  std::string name_;
  RpcLimits limits_;
  tcp::acceptor acceptor_;
};

// Converts an error from a response frame into an Error.
Error rpcErrorFromJson(const Json& error);
Json rpcErrorToJson(const Error& error);

class RpcClient {
 public:
  // With a non-empty `pool_key` (it must identify the pinned thumbprints),
  // connections are kept open and reused by later calls with the same key,
  // host and port (a process-wide pool; idle connections close after 30 s).
  RpcClient(SslContextPtr ctx, std::string host, std::uint16_t port, std::string pool_key = {});

  using ProgressFn = std::function<void(int percent, const std::string& text)>;
  Result<Json> call(const std::string& method, const Json& params, std::chrono::milliseconds timeout,
                    const ProgressFn& progress = {});

 private:
  SslContextPtr ctx_;
  std::string host_;
  std::uint16_t port_;
  std::string pool_key_;
};

// The same protocol over a Unix domain socket (no TLS: the socket file is
// mode 600 in a private directory). Used between an Instance Host and its
// instance processes.
class LocalRpcServer {
 public:
  LocalRpcServer(asio::io_context& io, asio::thread_pool& pool, RpcHandler handler, std::string name,
                 RpcLimits limits = {});
  ~LocalRpcServer();
  Status listen(const std::string& path);
  void stop();
  // Before listen().
  void setStreamHandler(StreamHandler handler) { stream_handler_ = std::move(handler); }

 private:
  asio::awaitable<void> acceptLoop();

  asio::io_context& io_;
  asio::thread_pool& pool_;
  RpcHandler handler_;
  StreamHandler stream_handler_;
  std::string name_;
  RpcLimits limits_;
  asio::local::stream_protocol::acceptor acceptor_;
};

class LocalRpcClient {
 public:
  explicit LocalRpcClient(std::string path) : path_(std::move(path)) {}
  Result<Json> call(const std::string& method, const Json& params, std::chrono::milliseconds timeout,
                    const RpcClient::ProgressFn& progress = {}) const;

 private:
  std::string path_;
};

// Opens a byte stream: connects (on the calling coroutine's executor, so
// the stream shares its strand), sends stream.open with `params` and waits
// for the answer: the stream, or the peer's error (or why it could not be
// reached). `timeout` covers connecting and the answer.
asio::awaitable<Result<std::shared_ptr<ByteStream>>> openTlsStream(asio::ssl::context& ctx, std::string host,
                                                                   std::uint16_t port, Json params,
                                                                   std::chrono::milliseconds timeout);
asio::awaitable<Result<std::shared_ptr<ByteStream>>> openLocalStream(std::string path, Json params,
                                                                     std::chrono::milliseconds timeout);

}  // namespace spe
