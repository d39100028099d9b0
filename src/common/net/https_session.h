// One HTTPS connection, served request by request: the TLS handshake,
// HTTP/1.1 keep-alive, limits on the size of headers and bodies and on idle
// time, and a tidy TLS close. The Management API (spe-management) and Web
// Access (the CAS) serve their connections with it, and so will the
// Management Console: what differs between them is how a request is
// answered and how a refused one is worded, not how HTTP is read.
//
// An answer's body is either in the response (small answers) or streamed:
// the handler returns the header and a function that writes the body piece
// by piece (downloads of any size in constant memory). A streamed body goes
// out with the header's Content-Length when the handler set one (the
// function must then write exactly that many bytes), chunked otherwise.
// Each write waits for the client (back-pressure) and is bounded by the
// read timeout; a body that ends early closes the connection, so the client
// sees a failed transfer, never a short file; a write past the declared
// length fails. A HEAD request gets the answer's header alone (a streamed
// body's producer is never run).
//
// A request over a limit gets an answer before the connection closes: the
// header first, then (for a body over the limit) the rest of the body is read
// and dropped, up to `max_drain` bytes or the read timeout, so the client
// reads the answer instead of a reset.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "common/net/asio.h"
#include "common/net/connection_limits.h"

namespace spe {

using HttpRequest = beast::http::request<beast::http::string_body>;
using HttpResponse = beast::http::response<beast::http::string_body>;

// Writes a streamed answer's body (see HttpAnswer).
class HttpBodyWriter {
 public:
  virtual ~HttpBodyWriter() = default;
  // Sends the next bytes (none when empty); false once the client is gone or
  // a write timed out: the producer should stop then.
  virtual asio::awaitable<bool> write(std::string_view bytes) = 0;
};

// What a handler answers: a whole response, or a header and a body writer.
struct HttpAnswer {
  HttpAnswer(HttpResponse whole) : response(std::move(whole)) {}  // NOLINT: implicit on purpose
  // Returns true when it wrote the whole body.
  using BodyProducer = std::function<asio::awaitable<bool>(HttpBodyWriter&)>;
  HttpAnswer(HttpResponse header, BodyProducer producer) : response(std::move(header)), body(std::move(producer)) {}

  HttpResponse response;
  BodyProducer body;  // null: the body is in `response`
};

struct HttpsSessionLimits {
  std::size_t max_header = 16 * 1024;
  std::size_t max_body = 1024 * 1024;
  std::size_t max_drain = 64u * 1024 * 1024;  // of a refused body, read and dropped
  std::chrono::seconds handshake_timeout{15};
  std::chrono::seconds read_timeout{60};  // for each request, and for writing each answer
  bool post_needs_length = false;         // a POST without Content-Length is refused (411)
};

// Why a request was refused before it was read whole.
enum class HttpRefusal { kHeaderTooLarge, kBodyTooLarge, kLengthRequired };

struct HttpsHandlers {
  // Answers a request. `address` is the peer's IP address ("?" when unknown);
  // `slot` (null without a connection limiter) is to be told when the request
  // carried valid credentials.
  std::function<asio::awaitable<HttpAnswer>(const HttpRequest&, const std::string& address, ConnectionSlot* slot)>
      answer;
  // The answer to a refused request (the connection closes after it); `version`
  // is the request's HTTP version (10 or 11).
  std::function<HttpResponse(HttpRefusal, unsigned version)> refusal;
  // Names the listener in spe_tls_handshake_failures_total.
  std::string listener = "https";
};

// Serves `socket` until the client closes, an answer does not keep the
// connection alive, a limit is hit, or the slot has overstayed (a connection
// that never logged in).
asio::awaitable<void> serveHttps(tcp::socket socket, asio::ssl::context& tls, std::shared_ptr<ConnectionSlot> slot,
                                 HttpsSessionLimits limits, const HttpsHandlers& handlers);

}  // namespace spe
