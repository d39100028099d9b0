// The HTTPS session loop shared by the Management API and Web Access
// (common/net/https_session.h), over real TLS sockets on a free port:
// keep-alive, refusals that reach the client, the rest of a refused body
// read so the client sees the answer, idle connections closed.
#include "common/net/https_session.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <filesystem>
#include <future>
#include <optional>
#include <string>
#include <thread>

#include "common/net/accept.h"
#include "common/net/tls.h"

namespace spe {
namespace {

namespace http = beast::http;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

HttpResponse textAnswer(unsigned version, http::status status, std::string body, bool keep_alive) {
  HttpResponse res{status, version};
  res.set(http::field::content_type, "text/plain");
  res.body() = std::move(body);
  res.keep_alive(keep_alive);
  res.prepare_payload();
  return res;
}

// Writes `total` bytes 'a'..'z' in pieces of `piece`, then says whether it
// got them all out (`whole`: false for a producer that fails half way).
asio::awaitable<bool> produce(HttpBodyWriter& out, std::size_t total, std::size_t piece, bool whole) {
  std::size_t sent = 0;
  while (sent < total) {
    std::string bytes;
    for (std::size_t i = 0; i < std::min(piece, total - sent); ++i) bytes += static_cast<char>('a' + (sent + i) % 26);
    if (!co_await out.write(bytes)) co_return false;
    sent += bytes.size();
  }
  co_return whole;
}

std::string letters(std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += static_cast<char>('a' + i % 26);
  return s;
}

// /stream/sized/N, /stream/chunked/N, /stream/short (declares 100 bytes,
// writes 50), /stream/fail (chunked, the producer fails after 50 bytes).
HttpAnswer streamed(const std::string& target, unsigned version) {
  HttpResponse head{http::status::ok, version};
  head.set(http::field::content_type, "application/octet-stream");
  const auto last = target.rfind('/');
  const std::size_t n = std::strtoull(target.c_str() + last + 1, nullptr, 10);
  if (target.starts_with("/stream/sized/")) {
    head.content_length(n);
    return HttpAnswer(std::move(head), [n](HttpBodyWriter& out) { return produce(out, n, 7000, true); });
  }
  if (target.starts_with("/stream/chunked/")) {
    return HttpAnswer(std::move(head), [n](HttpBodyWriter& out) { return produce(out, n, 7000, true); });
  }
  if (target == "/stream/long") {  // declares 100 bytes, tries to write 150
    head.content_length(100);
    return HttpAnswer(std::move(head), [](HttpBodyWriter& out) { return produce(out, 150, 10, true); });
  }
  if (target == "/stream/short") {
    head.content_length(100);
    return HttpAnswer(std::move(head), [](HttpBodyWriter& out) { return produce(out, 50, 10, true); });
  }
  return HttpAnswer(std::move(head), [](HttpBodyWriter& out) { return produce(out, 50, 10, false); });
}

class HttpsSessionTest : public ::testing::Test {
 protected:
  void start(HttpsSessionLimits limits) {
    dir_ = fs::temp_directory_path() / ("spe-https-session-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    auto identity = loadOrCreateIdentity(dir_.string(), "localhost");
    ASSERT_TRUE(identity) << identity.error().message;
    auto ctx = makeServerContext(*identity, nullptr);
    ASSERT_TRUE(ctx) << ctx.error().message;
    tls_ = *ctx;
    auto bound = bindAcceptor(acceptor_, "127.0.0.1", 0, "test");
    ASSERT_TRUE(bound) << bound.error().message;
    port_ = *bound;
    limits_ = limits;
    handlers_.answer = [this](const HttpRequest& req, const std::string& address,
                              ConnectionSlot*) -> asio::awaitable<HttpAnswer> {
      if (req.target().starts_with("/stream/")) co_return streamed(std::string(req.target()), req.version());
      // "close" in the target: an answer that ends the connection.
      const bool close = req.target().find("close") != std::string_view::npos;
      co_return textAnswer(req.version(), http::status::ok,
                           std::string(req.method_string()) + " " + std::string(req.target()) + " " +
                               std::to_string(req.body().size()) + " from " + address,
                           req.keep_alive() && !close);
    };
    handlers_.refusal = [](HttpRefusal why, unsigned version) {
      switch (why) {
        case HttpRefusal::kHeaderTooLarge:
          return textAnswer(version, http::status::request_header_fields_too_large, "header", false);
        case HttpRefusal::kLengthRequired: return textAnswer(version, http::status::length_required, "length", false);
        case HttpRefusal::kBodyTooLarge: break;
      }
      return textAnswer(version, http::status::payload_too_large, "body", false);
    };
    acceptConnections(io_, acceptor_,
                      [this](tcp::socket s) { return serveHttps(std::move(s), *tls_, nullptr, limits_, handlers_); });
    thread_ = std::thread([this] { io_.run(); });
  }

  void TearDown() override {
    asio::post(io_, [this] {
      ErrorCodeT ec;
      acceptor_.close(ec);
    });
    io_.stop();
    if (thread_.joinable()) thread_.join();
    fs::remove_all(dir_);
  }

  // A blocking TLS client; every read gives up after 30 s.
  struct Client {
    asio::io_context io;
    asio::ssl::context ctx{asio::ssl::context::tls_client};
    asio::ssl::stream<tcp::socket> stream{io, ctx};
    beast::flat_buffer buffer;

    explicit Client(std::uint16_t port) {
      stream.next_layer().connect({asio::ip::make_address("127.0.0.1"), port});
      const timeval limit{30, 0};
      ::setsockopt(stream.next_layer().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
      stream.handshake(asio::ssl::stream_base::client);
    }
    void send(const std::string& bytes) { asio::write(stream, asio::buffer(bytes)); }
    std::optional<http::response<http::string_body>> answer() {
      http::response<http::string_body> res;
      ErrorCodeT ec;
      http::read(stream, buffer, res, ec);
      if (ec) return std::nullopt;
      return res;
    }
    // The answer to a HEAD request: a header without a body.
    std::optional<http::response<http::string_body>> headAnswer() {
      http::response_parser<http::string_body> parser;
      parser.skip(true);
      ErrorCodeT ec;
      http::read(stream, buffer, parser, ec);
      if (ec) return std::nullopt;
      return parser.release();
    }
    // Whether the server closed the connection (a read ends without data).
    bool closed() {
      char c;
      ErrorCodeT ec;
      const std::size_t n = stream.read_some(asio::buffer(&c, 1), ec);
      return n == 0 && ec && ec != asio::error::would_block && ec != asio::error::try_again;
    }
  };

  asio::io_context io_;
  tcp::acceptor acceptor_{io_};
  SslContextPtr tls_;
  std::uint16_t port_ = 0;
  HttpsSessionLimits limits_;
  HttpsHandlers handlers_;
  std::thread thread_;
  fs::path dir_;
};

std::string post(const std::string& target, const std::string& body) {
  return "POST " + target + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
         body;
}

TEST_F(HttpsSessionTest, OneConnectionServesRequestsUntilAnAnswerCloses) {
  start({});
  Client c(port_);
  c.send(post("/a", "12345") + "GET /b HTTP/1.1\r\nHost: x\r\n\r\n");  // pipelined
  auto a = c.answer();
  ASSERT_TRUE(a);
  EXPECT_EQ(a->body(), "POST /a 5 from 127.0.0.1");
  auto b = c.answer();
  ASSERT_TRUE(b);
  EXPECT_EQ(b->body(), "GET /b 0 from 127.0.0.1");
  c.send("GET /close HTTP/1.1\r\nHost: x\r\n\r\n");
  auto last = c.answer();
  ASSERT_TRUE(last);
  EXPECT_FALSE(last->keep_alive());
  EXPECT_TRUE(c.closed());
}

TEST_F(HttpsSessionTest, StreamedBodiesArriveWholeWithALengthOrChunkedAndTheConnectionGoesOn) {
  start({});
  Client c(port_);
  for (std::size_t n : {0u, 1u, 6999u, 7000u, 1000003u}) {
    for (const std::string kind : {"sized", "chunked"}) {
      c.send("GET /stream/" + kind + "/" + std::to_string(n) + " HTTP/1.1\r\nHost: x\r\n\r\n");
      auto a = c.answer();
      ASSERT_TRUE(a) << kind << " " << n;
      EXPECT_EQ(a->body(), letters(n)) << kind << " " << n;
      EXPECT_EQ(a->chunked(), kind == "chunked") << n;
      EXPECT_TRUE(a->keep_alive());
    }
  }
  c.send("GET /after HTTP/1.1\r\nHost: x\r\n\r\n");
  auto a = c.answer();
  ASSERT_TRUE(a);
  EXPECT_EQ(a->body(), "GET /after 0 from 127.0.0.1");
}

TEST_F(HttpsSessionTest, AStreamedBodyNeverGoesPastItsDeclaredLength) {
  start({});
  Client c(port_);
  c.send("GET /stream/long HTTP/1.1\r\nHost: x\r\n\r\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n");
  auto a = c.answer();
  ASSERT_TRUE(a);
  EXPECT_EQ(a->body(), letters(100));
  EXPECT_TRUE(c.closed()) << "the producer's extra bytes must not reach the client as the next answer";
}

TEST_F(HttpsSessionTest, HeadGetsTheHeaderAloneAndTheNextAnswerIsNotMistakenForABody) {
  start({});
  Client c(port_);
  for (const std::string target : {"/stream/sized/100000", "/stream/chunked/100000", "/plain"}) {
    c.send("HEAD " + target + " HTTP/1.1\r\nHost: x\r\n\r\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n");
    auto head = c.headAnswer();
    ASSERT_TRUE(head) << target;
    EXPECT_EQ(head->result(), http::status::ok) << target;
    auto next = c.answer();
    ASSERT_TRUE(next) << target;
    EXPECT_EQ(next->body(), "GET /after 0 from 127.0.0.1") << target << ": the HEAD answer carried a body";
  }
}

TEST_F(HttpsSessionTest, AStreamedBodyThatEndsEarlyEndsTheConnectionSoTheClientSeesAFailedTransfer) {
  start({});
  for (const std::string target : {"/stream/short", "/stream/fail"}) {
    Client c(port_);
    c.send("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_FALSE(c.answer()) << target << ": a short body must not read as a whole answer";
  }
}

TEST_F(HttpsSessionTest, ABodyOverTheLimitIsAnsweredAndTheRestReadSoTheClientSeesTheAnswer) {
  HttpsSessionLimits limits;
  limits.max_body = 1024;
  start(limits);
  for (std::size_t size : {1025u, 64u * 1024, 3u * 1024 * 1024}) {
    Client c(port_);
    c.send(post("/big", std::string(size, 'x')));  // all of it, as a client does before it reads
    auto a = c.answer();
    ASSERT_TRUE(a) << size << " bytes: no answer (reset?)";
    EXPECT_EQ(a->result(), http::status::payload_too_large) << size;
    EXPECT_EQ(a->body(), "body");
    EXPECT_TRUE(c.closed());
  }
  Client ok(port_);
  ok.send(post("/small", std::string(1024, 'x')));
  auto a = ok.answer();
  ASSERT_TRUE(a);
  EXPECT_EQ(a->body(), "POST /small 1024 from 127.0.0.1");
}

TEST_F(HttpsSessionTest, AHeaderOverTheLimitGetsAnAnswer) {
  HttpsSessionLimits limits;
  limits.max_header = 2048;
  start(limits);
  for (std::size_t size : {2100u, 20000u}) {
    Client c(port_);
    c.send("GET / HTTP/1.1\r\nHost: x\r\nX-Long: " + std::string(size, 'h') + "\r\n\r\n");
    auto a = c.answer();
    ASSERT_TRUE(a) << size;
    EXPECT_EQ(a->result(), http::status::request_header_fields_too_large) << size;
  }
}

TEST_F(HttpsSessionTest, APostWithoutLengthIsRefusedOnlyWhereALengthIsRequired) {
  HttpsSessionLimits limits;
  limits.post_needs_length = true;
  start(limits);
  {
    Client c(port_);
    c.send("POST /x HTTP/1.1\r\nHost: x\r\n\r\n");
    auto a = c.answer();
    ASSERT_TRUE(a);
    EXPECT_EQ(a->result(), http::status::length_required);
    EXPECT_TRUE(c.closed());
  }
  std::promise<void> changed;  // on the server's thread, which reads limits_ for the next connection
  asio::post(io_, [&] {
    limits_.post_needs_length = false;
    changed.set_value();
  });
  changed.get_future().wait();
  Client c(port_);
  c.send("POST /x HTTP/1.1\r\nHost: x\r\n\r\n");
  auto a = c.answer();
  ASSERT_TRUE(a);
  EXPECT_EQ(a->body(), "POST /x 0 from 127.0.0.1");
}

TEST_F(HttpsSessionTest, AnIdleConnectionIsClosed) {
  HttpsSessionLimits limits;
  limits.read_timeout = 1s;
  start(limits);
  Client c(port_);
  c.send("GET /first HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(c.answer());
  EXPECT_TRUE(c.closed());  // within the client's 30 s, after the server's 1 s
}

}  // namespace
}  // namespace spe
