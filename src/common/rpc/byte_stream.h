// ByteStream: a connection that carries an end user's session as plain
// bytes (an IMAP session from the CAS through the Instance Host to the
// instance), once an RPC "stream.open" request on it was answered.
//
// - ByteStreamOf<S> wraps a TLS stream, a TCP stream or a Unix socket
//   stream; bytes read past the handshake's answer are handed out first;
// - splice() copies both ways until either side closes;
// - openTlsStream / openLocalStream (rpc.h) open one.
// Deadlines: none once a stream is open; the endpoints keep their own
// (the IMAP server's autologout, the CAS's pre-authentication timeout).
// Thread safety: one coroutine reads and one writes at a time.
#pragma once

#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "common/base/json_reader.h"
#include "common/net/asio.h"

namespace spe {

using LocalStream = beast::basic_stream<asio::local::stream_protocol>;

class ByteStream {
 public:
  virtual ~ByteStream() = default;
  virtual asio::awaitable<std::size_t> readSome(asio::mutable_buffer buffer, ErrorCodeT& ec) = 0;
  virtual asio::awaitable<void> writeAll(asio::const_buffer buffer, ErrorCodeT& ec) = 0;
  // Ends the session (a TLS stream sends close_notify first, best effort).
  virtual asio::awaitable<void> shutdown() = 0;
  virtual void close() = 0;
  virtual asio::any_io_executor executor() = 0;
};

template <typename S>
class ByteStreamOf : public ByteStream {
 public:
  explicit ByteStreamOf(S stream, std::string pending = {}) : stream_(std::move(stream)), pending_(std::move(pending)) {
    beast::get_lowest_layer(stream_).expires_never();
  }
  asio::awaitable<std::size_t> readSome(asio::mutable_buffer buffer, ErrorCodeT& ec) override {
    if (!pending_.empty()) {
      const std::size_t n = std::min(buffer.size(), pending_.size());
      std::memcpy(buffer.data(), pending_.data(), n);
      pending_.erase(0, n);
      co_return n;
    }
    co_return co_await stream_.async_read_some(buffer, asio::redirect_error(asio::use_awaitable, ec));
  }
  asio::awaitable<void> writeAll(asio::const_buffer buffer, ErrorCodeT& ec) override {
    co_await asio::async_write(stream_, buffer, asio::redirect_error(asio::use_awaitable, ec));
  }
  asio::awaitable<void> shutdown() override {
    if constexpr (std::is_same_v<S, TlsStream>) {
      ErrorCodeT ignored;
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(2));
      co_await stream_.async_shutdown(asio::redirect_error(asio::use_awaitable, ignored));
    }
    close();
  }
  void close() override {
    ErrorCodeT ec;
    beast::get_lowest_layer(stream_).socket().shutdown(asio::socket_base::shutdown_both, ec);
    beast::get_lowest_layer(stream_).close();
  }
  asio::any_io_executor executor() override { return stream_.get_executor(); }
  S& stream() { return stream_; }

 private:
  S stream_;
  std::string pending_;
};

// Copies bytes both ways until either side ends; then closes both.
asio::awaitable<void> splice(std::shared_ptr<ByteStream> a, std::shared_ptr<ByteStream> b);

// Writes one RPC frame (the answer to stream.open) on a stream.
asio::awaitable<void> writeFrame(ByteStream& stream, const Json& frame, ErrorCodeT& ec);

}  // namespace spe
