// OpenSslStream: TLS over a beast::tcp_stream, used as asio::ssl::stream
// is (async_handshake, async_read_some, async_write_some, async_shutdown,
// native_handle, set_verify_callback), with the memory of a connection in
// proportion to what it carries.
//
// Why not asio::ssl::stream: it keeps two 17 KB buffers per connection for
// the connection's life and OpenSSL's BIO pair beneath it two more, about
// 68 KB a connection whatever it does, and it encrypts at most one record
// per write. Here OpenSSL reads and writes through a BIO of our own
// (openssl_stream.cpp): ciphertext received waits in a string until
// OpenSSL takes it, ciphertext produced in a string until it is sent, and
// both give their memory back once empty. A read waits for the peer with
// the caller's buffer, so an idle connection keeps only its SSL object
// (whose record buffers OpenSSL frees: SSL_MODE_RELEASE_BUFFERS). A write
// encrypts up to 256 KB into records and sends them with one socket write.
//
// Errors are those asio::ssl::stream gives: asio::error::eof after the
// peer's close_notify, asio::ssl::error::stream_truncated when the
// connection ends without one, OpenSSL's errors in the SSL category.
// Timeouts: those of the tcp_stream beneath (expires_after), as with
// beast::ssl_stream.
// Thread safety: as asio::ssl::stream: one read and one write may be
// outstanding at once, on one strand; a handshake or a shutdown alone.
#pragma once

#include <openssl/ssl.h>

#include <boost/asio/append.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/asio/ssl/verify_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace spe {

namespace openssl_stream_detail {

namespace asio = boost::asio;
using ErrorCodeT = boost::system::error_code;

// What an OpenSSL call leaves to do once its output is sent.
enum class Want { kDone, kInput, kRetry };
enum class Call { kHandshake, kRead, kWrite, kShutdown };

// The OpenSSL side of one connection: the SSL object and the ciphertext
// in flight each way. Never moves (OpenSSL holds its address).
class Core {
 public:
  Core(asio::ssl::context& ctx, const asio::any_io_executor& ex);
  ~Core();
  Core(const Core&) = delete;
  Core& operator=(const Core&) = delete;

  SSL* ssl() const { return ssl_; }
  // Runs one OpenSSL call on data/size; sets ec and the bytes it moved.
  Want perform(Call call, void* data, std::size_t size, ErrorCodeT& ec, std::size_t& bytes);

  // Ciphertext from the peer, for OpenSSL to take.
  void received(const void* data, std::size_t size) { in_.append(static_cast<const char*>(data), size); }
  // The error an end of the TCP stream means now: eof after the peer's
  // close_notify, stream_truncated before it.
  ErrorCodeT endOfInput() const;
  // Ciphertext OpenSSL produced, to send; the core keeps none of it. A
  // vector: moving it (with the op that sends it) never moves its bytes.
  bool hasOutput() const { return !out_.empty(); }
  std::vector<char> takeOutput();
  void reserveOutput(std::size_t size) { out_.reserve(size); }
  std::size_t bufferedBytes() const { return in_.capacity() + out_.capacity(); }

  // A certificate check of this connection's own (host name checks).
  void setVerifyCallback(std::function<bool(bool, asio::ssl::verify_context&)> callback);

  // One op sends at a time; another that must send waits at the gate,
  // which every end of a send opens (its expiry never comes).
  bool sending = false;
  // A write (or a handshake, a shutdown) is under way: it sends what a
  // read produces, and a read never takes the sending over from it.
  bool writing = false;
  asio::steady_timer gate;
  void openGate() { gate.cancel(); }
  // Why a send failed: every later send fails with it at once. The socket
  // must not be written again: asio waits for the next sign that it is
  // writable before it tries once a send failed, and a dead socket gives
  // none, so the second op would wait for ever.
  ErrorCodeT send_failed;

  // The BIO's side (openssl_stream.cpp).
  int bioRead(char* data, std::size_t size, std::size_t* read);
  void bioWrite(const char* data, std::size_t size) { out_.insert(out_.end(), data, data + size); }
  std::size_t inputLeft() const { return in_.size() - in_pos_; }
  std::size_t outputLeft() const { return out_.size(); }
  bool verify(bool preverified, X509_STORE_CTX* store);

 private:
  SSL* ssl_ = nullptr;
  std::string in_;
  std::size_t in_pos_ = 0;
  std::vector<char> out_;
  std::function<bool(bool, asio::ssl::verify_context&)> verify_;
};

// What a read may leave for a write to send (alerts it answered with)
// before it stops reading until that is sent: a peer that sends while it
// does not read meets TCP's back pressure, not our memory.
constexpr std::size_t kMaxLeftOutput = 16 * 1024;

// A read waits for the peer with the caller's buffer (however small: the
// wait holds nothing more); what else an op must read goes into a buffer
// of one record, held while the op runs.
constexpr std::size_t kRecordBuffer = 18 * 1024;
// At most this much plaintext is encrypted by one write_some.
constexpr std::size_t kMaxWrite = 256 * 1024;

// One operation: performs Action's OpenSSL call, sends what it produced,
// reads what it wants, until it is done. Action has
//   Want perform(Core&, ErrorCodeT&, std::size_t&);
//   asio::mutable_buffer readInto();  (the caller's buffer, or an empty one)
//   static constexpr bool kLeavesOutput;  (a read leaves its output to a
//     sending write rather than wait for it)
//   static constexpr bool kMovesBytes;  (completes with a byte count)
template <class Action>
class IoOp {
 public:
  IoOp(Core& core, boost::beast::tcp_stream& next, Action action)
      : core_(core), next_(next), action_(std::move(action)) {}

  template <class Self>
  void operator()(Self& self, ErrorCodeT ec = {}, std::size_t n = 0) {
    switch (state_) {
      case State::kStart:
        if (!Action::kLeavesOutput) core_.writing = true;
        break;
      case State::kSent:
        core_.sending = false;
        core_.openGate();
        sending_ = std::vector<char>();
        if (ec) {
          core_.send_failed = ec;
          return fail(self, ec);
        }
        break;
      case State::kReceived:
        if (ec == asio::error::eof) ec = core_.endOfInput();
        if (ec) return fail(self, ec);
        core_.received(read_buffer_.data(), n);
        want_ = Want::kRetry;
        break;
      case State::kGate: break;
      case State::kPosted: return complete(self);
    }
    if (state_ != State::kStart) continued_ = true;
    step(self);
  }

 private:
  enum class State { kStart, kSent, kReceived, kGate, kPosted };

  template <class Self>
  void step(Self& self) {
    for (;;) {
      if (core_.hasOutput()) {
        if (!Action::kLeavesOutput) {
          if (!core_.sending) return send(self);
          return waitAtGate(self);
        }
        // A read sends only when no write is under way; otherwise the write
        // sends it, and the read goes on reading unless too much waits.
        if (!core_.sending && !core_.writing) return send(self);
        if (core_.sending && core_.outputLeft() > kMaxLeftOutput) return waitAtGate(self);
      }
      if (ec_ || want_ == Want::kDone) return finish(self);
      if (want_ == Want::kInput) return receive(self);
      want_ = action_.perform(core_, ec_, bytes_);
      if (ec_) bytes_ = 0;
    }
  }

  template <class Self>
  void send(Self& self) {
    if (core_.send_failed) return fail(self, core_.send_failed);
    state_ = State::kSent;
    core_.sending = true;
    sending_ = core_.takeOutput();
    asio::async_write(next_, asio::buffer(sending_), std::move(self));
  }

  template <class Self>
  void waitAtGate(Self& self) {
    state_ = State::kGate;
    core_.gate.async_wait(std::move(self));
  }

  template <class Self>
  void receive(Self& self) {
    state_ = State::kReceived;
    asio::mutable_buffer caller = action_.readInto();
    if (!received_once_ && caller.size() > 0) {
      read_buffer_ = caller;  // waits for the peer without a buffer of its own
    } else {
      if (!record_) record_ = std::make_unique<char[]>(kRecordBuffer);
      read_buffer_ = asio::mutable_buffer(record_.get(), kRecordBuffer);
    }
    received_once_ = true;
    next_.async_read_some(read_buffer_, std::move(self));
  }

  template <class Self>
  void fail(Self& self, ErrorCodeT ec) {
    ec_ = ec;
    bytes_ = 0;
    finish(self);
  }

  // Never completes inside the initiating call: posts first then.
  template <class Self>
  void finish(Self& self) {
    record_.reset();
    if (!Action::kLeavesOutput) core_.writing = false;
    if (continued_) return complete(self);
    state_ = State::kPosted;
    asio::post(next_.get_executor(), asio::append(std::move(self), ec_, bytes_));
  }

  template <class Self>
  void complete(Self& self) {
    if constexpr (Action::kMovesBytes) {
      self.complete(ec_, bytes_);
    } else {
      self.complete(ec_);
    }
  }

  Core& core_;
  boost::beast::tcp_stream& next_;
  Action action_;
  State state_ = State::kStart;
  Want want_ = Want::kRetry;
  ErrorCodeT ec_;
  std::size_t bytes_ = 0;
  bool continued_ = false;
  bool received_once_ = false;
  std::vector<char> sending_;
  std::unique_ptr<char[]> record_;
  asio::mutable_buffer read_buffer_;
};

// A handshake or a shutdown: one call again until it is done; no bytes.
template <Call kCall>
struct SessionAction {
  static constexpr bool kMovesBytes = false;
  static constexpr bool kLeavesOutput = false;
  Want perform(Core& core, ErrorCodeT& ec, std::size_t& bytes) { return core.perform(kCall, nullptr, 0, ec, bytes); }
  asio::mutable_buffer readInto() { return {}; }
};

struct ReadAction {
  static constexpr bool kMovesBytes = true;
  static constexpr bool kLeavesOutput = true;
  asio::mutable_buffer buffer;
  Want perform(Core& core, ErrorCodeT& ec, std::size_t& bytes) {
    if (buffer.size() == 0) return Want::kDone;
    return core.perform(Call::kRead, buffer.data(), buffer.size(), ec, bytes);
  }
  asio::mutable_buffer readInto() { return buffer; }
};

template <class ConstBufferSequence>
struct WriteAction {
  static constexpr bool kMovesBytes = true;
  static constexpr bool kLeavesOutput = false;
  ConstBufferSequence buffers;
  // Encrypts up to kMaxWrite bytes of the buffers. Several buffers (an
  // HTTP header and body, a chunk and its size line) are joined first, so
  // that they go out as full records, not one small record each.
  Want perform(Core& core, ErrorCodeT& ec, std::size_t& bytes) {
    const std::size_t total = std::min(asio::buffer_size(buffers), kMaxWrite);
    bytes = 0;
    if (total == 0) return Want::kDone;
    const char* data = nullptr;
    std::string joined;  // several buffers, joined
    for (auto it = asio::buffer_sequence_begin(buffers); it != asio::buffer_sequence_end(buffers); ++it) {
      asio::const_buffer b = *it;
      if (b.size() == 0) continue;
      if (joined.empty() && b.size() >= total) {  // one buffer holds it all
        data = static_cast<const char*>(b.data());
        break;
      }
      if (joined.empty()) joined.reserve(total);
      joined.append(static_cast<const char*>(b.data()), std::min(b.size(), total - joined.size()));
      if (joined.size() == total) break;
    }
    if (data == nullptr) data = joined.data();
    core.reserveOutput(total + total / 64 + 512);
    while (bytes < total) {
      std::size_t written = 0;
      const Want want = core.perform(Call::kWrite, const_cast<char*>(data) + bytes, total - bytes, ec, written);
      bytes += written;
      if (ec || want != Want::kDone) return bytes > 0 && !ec ? Want::kDone : want;
    }
    return Want::kDone;
  }
  asio::mutable_buffer readInto() { return {}; }
};

}  // namespace openssl_stream_detail

class OpenSslStream {
 public:
  using next_layer_type = boost::beast::tcp_stream;
  using executor_type = next_layer_type::executor_type;
  using native_handle_type = SSL*;

  // `arg` makes the TCP stream (an executor, a socket, a tcp_stream).
  template <class Arg>
  OpenSslStream(Arg&& arg, boost::asio::ssl::context& ctx)
      : next_(std::forward<Arg>(arg)),
        core_(std::make_unique<openssl_stream_detail::Core>(ctx, next_.get_executor())) {}
  OpenSslStream(OpenSslStream&&) = default;
  OpenSslStream& operator=(OpenSslStream&&) = default;

  executor_type get_executor() noexcept { return next_.get_executor(); }
  SSL* native_handle() const { return core_->ssl(); }
  next_layer_type& next_layer() { return next_; }
  const next_layer_type& next_layer() const { return next_; }
  // What the connection holds in its own buffers now (beside OpenSSL's).
  std::size_t bufferedBytes() const { return core_->bufferedBytes(); }

  template <class VerifyCallback>
  void set_verify_callback(VerifyCallback callback) {
    core_->setVerifyCallback(std::move(callback));
  }

  // The return types are spelled out (not `auto`) so that Beast's stream
  // checks can ask for them without instantiating the bodies.
  template <class Token>
  BOOST_ASIO_INITFN_RESULT_TYPE(Token, void(boost::system::error_code))
  async_handshake(boost::asio::ssl::stream_base::handshake_type type, Token&& token) {
    if (type == boost::asio::ssl::stream_base::client) {
      SSL_set_connect_state(core_->ssl());
    } else {
      SSL_set_accept_state(core_->ssl());
    }
    return start<void(boost::system::error_code)>(
        openssl_stream_detail::SessionAction<openssl_stream_detail::Call::kHandshake>{}, token);
  }

  template <class Token>
  BOOST_ASIO_INITFN_RESULT_TYPE(Token, void(boost::system::error_code))
  async_shutdown(Token&& token) {
    return start<void(boost::system::error_code)>(
        openssl_stream_detail::SessionAction<openssl_stream_detail::Call::kShutdown>{}, token);
  }

  template <class MutableBufferSequence, class Token>
  BOOST_ASIO_INITFN_RESULT_TYPE(Token, void(boost::system::error_code, std::size_t))
  async_read_some(const MutableBufferSequence& buffers, Token&& token) {
    boost::asio::mutable_buffer first;
    for (auto it = boost::asio::buffer_sequence_begin(buffers); it != boost::asio::buffer_sequence_end(buffers); ++it) {
      first = *it;
      if (first.size() > 0) break;
    }
    return start<void(boost::system::error_code, std::size_t)>(openssl_stream_detail::ReadAction{first}, token);
  }

  template <class ConstBufferSequence, class Token>
  BOOST_ASIO_INITFN_RESULT_TYPE(Token, void(boost::system::error_code, std::size_t))
  async_write_some(const ConstBufferSequence& buffers, Token&& token) {
    return start<void(boost::system::error_code, std::size_t)>(
        openssl_stream_detail::WriteAction<ConstBufferSequence>{buffers}, token);
  }

 private:
  template <class Signature, class Action, class Token>
  auto start(Action action, Token& token) {
    return boost::asio::async_compose<Token, Signature>(
        openssl_stream_detail::IoOp<Action>(*core_, next_, std::move(action)), token, next_);
  }

  next_layer_type next_;
  std::unique_ptr<openssl_stream_detail::Core> core_;
};

}  // namespace spe
