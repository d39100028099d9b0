#include "common/net/https_session.h"

#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <charconv>
#include <optional>
#include <string_view>
#include <vector>

#include "common/net/tls.h"

namespace spe {
namespace {

namespace http = beast::http;

// The Content-Length a header declares, if it declares one
// number. Read from the fields: the parser's own content_length() may only
// be asked once the header is done, and a length over the limit stops it
// before that.
std::optional<std::size_t> declaredLength(const http::fields& header) {
  const auto field = header.find(http::field::content_length);
  if (field == header.end()) return std::nullopt;
  const std::string_view text = field->value();
  std::size_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return n;
}

// The rest of a refused body, read and dropped: closing with unread data
// would reset the connection before the client has read the answer.
asio::awaitable<void> drainBody(TlsStream& stream, beast::flat_buffer& buffer,
                                const http::request_parser<http::string_body>& parser,
                                const HttpsSessionLimits& limits) {
  ErrorCodeT ec;
  beast::get_lowest_layer(stream).expires_after(limits.read_timeout);
  std::vector<char> sink(64 * 1024);
  std::size_t drained = buffer.size();
  buffer.consume(buffer.size());
  const auto length = declaredLength(parser.get());
  while (drained < limits.max_drain && !(length && drained >= *length)) {
    const std::size_t n = co_await stream.async_read_some(asio::buffer(sink),
                                                          asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    drained += n;
  }
}

asio::awaitable<ErrorCodeT> writeAnswer(TlsStream& stream, HttpResponse& res, const HttpsSessionLimits& limits) {
  ErrorCodeT ec;
  beast::get_lowest_layer(stream).expires_after(limits.read_timeout);
  co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
  co_return ec;
}

class BodyWriter : public HttpBodyWriter {
 public:
  BodyWriter(TlsStream& stream, std::optional<std::uint64_t> length, std::chrono::seconds timeout)
      : stream_(stream), chunked_(!length), length_(length), timeout_(timeout) {}

  asio::awaitable<bool> write(std::string_view bytes) override {
    if (failed_) co_return false;
    if (bytes.empty()) co_return true;
    if (length_ && written_ + bytes.size() > *length_) {  // never past the declared length
      failed_ = true;
      co_return false;
    }
    ErrorCodeT ec;
    beast::get_lowest_layer(stream_).expires_after(timeout_);
    if (chunked_) {
      co_await asio::async_write(stream_, http::make_chunk(asio::buffer(bytes.data(), bytes.size())),
                                 asio::redirect_error(asio::use_awaitable, ec));
    } else {
      co_await asio::async_write(stream_, asio::buffer(bytes.data(), bytes.size()),
                                 asio::redirect_error(asio::use_awaitable, ec));
    }
    written_ += bytes.size();
    failed_ = static_cast<bool>(ec);
    co_return !failed_;
  }

  // Ends a chunked body; false when the body cannot be complete.
  asio::awaitable<bool> finish() {
    if (failed_ || !chunked_) co_return !failed_;
    ErrorCodeT ec;
    beast::get_lowest_layer(stream_).expires_after(timeout_);
    co_await asio::async_write(stream_, http::make_chunk_last(), asio::redirect_error(asio::use_awaitable, ec));
    co_return !ec;
  }
  std::uint64_t written() const { return written_; }

 private:
  TlsStream& stream_;
  bool chunked_;
  std::optional<std::uint64_t> length_;
  std::chrono::seconds timeout_;
  std::uint64_t written_ = 0;
  bool failed_ = false;
};

// Writes an answer's header alone (the answer to HEAD); `ok` when written.
asio::awaitable<ErrorCodeT> writeHeader(TlsStream& stream, HttpResponse& res, const HttpsSessionLimits& limits) {
  ErrorCodeT ec;
  beast::get_lowest_layer(stream).expires_after(limits.read_timeout);
  http::response_serializer<http::string_body> serializer(res);
  co_await http::async_write_header(stream, serializer, asio::redirect_error(asio::use_awaitable, ec));
  co_return ec;
}

// Writes a streamed answer: the header, then what the producer writes.
// True when the connection may carry another request.
asio::awaitable<bool> writeStreamed(TlsStream& stream, HttpAnswer& answer, const HttpsSessionLimits& limits) {
  HttpResponse& res = answer.response;
  const auto length = declaredLength(res);
  if (!length) res.chunked(true);
  if (co_await writeHeader(stream, res, limits)) co_return false;
  BodyWriter writer(stream, length, limits.read_timeout);
  const bool whole = co_await answer.body(writer);
  if (!whole || (length && writer.written() != *length)) co_return false;
  co_return co_await writer.finish() && res.keep_alive();
}

}  // namespace

asio::awaitable<void> serveHttps(tcp::socket socket, asio::ssl::context& tls, std::shared_ptr<ConnectionSlot> slot,
                                 HttpsSessionLimits limits, const HttpsHandlers& handlers) {
  ErrorCodeT ec;
  const auto peer = socket.remote_endpoint(ec);
  const std::string address = ec ? std::string("?") : peer.address().to_string();
  TlsStream stream(std::move(socket), tls);
  beast::get_lowest_layer(stream).expires_after(limits.handshake_timeout);
  co_await stream.async_handshake(asio::ssl::stream_base::server, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    countTlsHandshakeFailure(handlers.listener);
    co_return;
  }
  beast::flat_buffer buffer;
  for (;;) {
    if (slot && slot->overstayed()) break;  // never logged in: the slot goes to someone else
    http::request_parser<http::string_body> parser;
    parser.body_limit(limits.max_body);
    parser.header_limit(static_cast<std::uint32_t>(limits.max_header));
    beast::get_lowest_layer(stream).expires_after(limits.read_timeout);
    co_await http::async_read_header(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    // A Content-Length over the limit is refused right after the header.
    if (ec == http::error::header_limit) {
      HttpResponse res = handlers.refusal(HttpRefusal::kHeaderTooLarge, 11);
      res.keep_alive(false);
      co_await writeAnswer(stream, res, limits);
      break;
    }
    if (ec && ec != http::error::body_limit) break;
    const unsigned version = parser.get().version() == 10 ? 10 : 11;
    if (!ec && limits.post_needs_length && parser.get().method() == http::verb::post &&
        parser.get().find(http::field::content_length) == parser.get().end()) {
      HttpResponse res = handlers.refusal(HttpRefusal::kLengthRequired, version);
      res.keep_alive(false);
      co_await writeAnswer(stream, res, limits);
      break;
    }
    if (!ec) co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == http::error::body_limit) {
      HttpResponse res = handlers.refusal(HttpRefusal::kBodyTooLarge, version);
      res.keep_alive(false);
      if (co_await writeAnswer(stream, res, limits)) break;
      co_await drainBody(stream, buffer, parser, limits);
      break;
    }
    if (ec) break;
    HttpRequest req = parser.release();
    beast::get_lowest_layer(stream).expires_never();
    HttpAnswer answer = co_await handlers.answer(req, address, slot.get());
    if (req.method() == http::verb::head) {  // the header alone: a body would be read as the next answer
      if (answer.body)
        answer.response.chunked(answer.response.find(http::field::content_length) == answer.response.end());
      if (co_await writeHeader(stream, answer.response, limits) || !answer.response.keep_alive()) break;
      continue;
    }
    if (answer.body) {
      if (!co_await writeStreamed(stream, answer, limits)) break;
      continue;
    }
    if (co_await writeAnswer(stream, answer.response, limits) || !answer.response.keep_alive()) break;
  }
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
  co_await stream.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
}

}  // namespace spe
