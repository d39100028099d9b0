// OpenSslStream (common/net/openssl_stream.h) over real TCP sockets on a
// free port, against itself and against asio::ssl::stream: bytes arrive
// whole both ways at once whatever the sizes of writes and reads; the ends
// of a connection read as asio's do (eof, stream_truncated); failed
// certificate checks, garbage and silent peers end in errors, not hangs; an
// idle connection holds no record buffers; a peer that makes our reads
// answer (renegotiation requests) while it reads nothing meets TCP's back
// pressure, not our memory.
#include "common/net/openssl_stream.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <malloc.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "common/net/asio.h"
#include "common/net/tls.h"

namespace spe {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using AsioTls = asio::ssl::stream<beast::tcp_stream>;

std::string pattern(std::size_t n, unsigned seed) {
  std::string s(n, '\0');
  std::mt19937 rng(seed);
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

// Writes `data` in pieces of random sizes (1 byte to 300 KB).
template <class Stream>
asio::awaitable<void> writeInPieces(Stream& s, const std::string& data, unsigned seed, ErrorCodeT& ec) {
  std::mt19937 rng(seed);
  std::size_t at = 0;
  while (at < data.size() && !ec) {
    const std::size_t want = std::uniform_int_distribution<std::size_t>(1, rng() % 4 == 0 ? 300000 : 3000)(rng);
    const std::size_t n = std::min(want, data.size() - at);
    co_await asio::async_write(s, asio::buffer(data.data() + at, n), asio::redirect_error(asio::use_awaitable, ec));
    at += n;
  }
}

// Reads `size` bytes with reads of random sizes (1 byte to 64 KB).
template <class Stream>
asio::awaitable<void> readInPieces(Stream& s, std::string& out, std::size_t size, unsigned seed, ErrorCodeT& ec) {
  std::mt19937 rng(seed);
  std::vector<char> buf(65536);
  while (out.size() < size && !ec) {
    const std::size_t want = std::uniform_int_distribution<std::size_t>(1, rng() % 3 == 0 ? 65536 : 700)(rng);
    const std::size_t n = co_await s.async_read_some(asio::buffer(buf.data(), want),
                                                     asio::redirect_error(asio::use_awaitable, ec));
    out.append(buf.data(), n);
  }
}

template <class Stream>
asio::awaitable<void> handshake(Stream& s, asio::ssl::stream_base::handshake_type type, ErrorCodeT& ec) {
  co_await s.async_handshake(type, asio::redirect_error(asio::use_awaitable, ec));
}

template <class Stream>
asio::awaitable<void> readOne(Stream& s, ErrorCodeT& ec, std::size_t& n) {
  char c[16];
  n = co_await s.async_read_some(asio::buffer(c), asio::redirect_error(asio::use_awaitable, ec));
}

template <class Stream>
asio::awaitable<void> shutdown(Stream& s, ErrorCodeT& ec) {
  co_await s.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
}

template <class Stream>
struct IdlePair;

class OpenSslStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("spe-openssl-stream-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    auto identity = loadOrCreateIdentity(dir_.string(), "localhost");
    ASSERT_TRUE(identity) << identity.error().message;
    auto server = makeServerContext(*identity, nullptr);
    ASSERT_TRUE(server) << server.error().message;
    server_ctx_ = *server;
    const tcp::endpoint any_port(asio::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(any_port.protocol());
    acceptor_.bind(any_port);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A connected pair of TCP sockets: {client end, server end}.
  std::pair<tcp::socket, tcp::socket> connectedPair() {
    tcp::socket client(io_);
    client.connect({asio::ip::make_address("127.0.0.1"), port_});
    tcp::socket server(io_);
    acceptor_.accept(server);
    return {std::move(client), std::move(server)};
  }

  // Runs the io_context until `done` or 60 s pass.
  void runUntil(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    io_.restart();
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      io_.run_for(50ms);
      io_.restart();
    }
    ASSERT_TRUE(done()) << "timed out";
  }

  template <class Client, class Server>
  void handshakeBoth(Client& client, Server& server) {
    ErrorCodeT cec = asio::error::would_block, sec = asio::error::would_block;
    asio::co_spawn(io_, handshake(client, asio::ssl::stream_base::client, cec), asio::detached);
    asio::co_spawn(io_, handshake(server, asio::ssl::stream_base::server, sec), asio::detached);
    runUntil([&] { return cec != asio::error::would_block && sec != asio::error::would_block; });
    ASSERT_FALSE(cec) << cec.message();
    ASSERT_FALSE(sec) << sec.message();
  }

  // Sends `size` bytes each way at once and checks both arrive whole.
  template <class Client, class Server>
  void exchange(Client& client, Server& server, std::size_t size, unsigned seed) {
    const std::string up = pattern(size, seed), down = pattern(size, seed + 1);
    std::string got_up, got_down;
    ErrorCodeT e[4];
    int finished = 0;
    auto count = [&finished](std::exception_ptr) { ++finished; };
    asio::co_spawn(io_, writeInPieces(client, up, seed + 2, e[0]), count);
    asio::co_spawn(io_, readInPieces(server, got_up, size, seed + 3, e[1]), count);
    asio::co_spawn(io_, writeInPieces(server, down, seed + 4, e[2]), count);
    asio::co_spawn(io_, readInPieces(client, got_down, size, seed + 5, e[3]), count);
    runUntil([&] { return finished == 4; });
    for (auto& ec : e) EXPECT_FALSE(ec) << ec.message();
    EXPECT_TRUE(got_up == up) << "client to server: " << got_up.size() << " of " << up.size() << " bytes";
    EXPECT_TRUE(got_down == down) << "server to client: " << got_down.size() << " of " << down.size() << " bytes";
  }

  template <class Stream>
  double idlePairBytes(std::vector<std::unique_ptr<IdlePair<Stream>>>& pairs);
  template <class Stream>
  void closeAll(std::vector<std::unique_ptr<IdlePair<Stream>>>& pairs);

  asio::io_context io_;
  tcp::acceptor acceptor_{io_};
  std::uint16_t port_ = 0;
  SslContextPtr server_ctx_;
  asio::ssl::context client_ctx_{asio::ssl::context::tls_client};
  fs::path dir_;
};

TEST_F(OpenSslStreamTest, BytesArriveWholeBothWaysAtOnceBetweenTwoOfOurStreams) {
  auto [c, s] = connectedPair();
  OpenSslStream client(std::move(c), client_ctx_);
  OpenSslStream server(std::move(s), *server_ctx_);
  handshakeBoth(client, server);
  exchange(client, server, 6 * 1024 * 1024, 1);
}

TEST_F(OpenSslStreamTest, BytesArriveWholeAgainstAsioSslStreamOnEitherSide) {
  {
    auto [c, s] = connectedPair();
    AsioTls client(beast::tcp_stream(std::move(c)), client_ctx_);
    OpenSslStream server(std::move(s), *server_ctx_);
    handshakeBoth(client, server);
    exchange(client, server, 3 * 1024 * 1024, 11);
  }
  {
    auto [c, s] = connectedPair();
    OpenSslStream client(std::move(c), client_ctx_);
    AsioTls server(beast::tcp_stream(std::move(s)), *server_ctx_);
    handshakeBoth(client, server);
    exchange(client, server, 3 * 1024 * 1024, 21);
  }
}

TEST_F(OpenSslStreamTest, AReadAfterThePeersCloseNotifyEndsWithEofAnAbruptCloseWithStreamTruncated) {
  {
    auto [c, s] = connectedPair();
    OpenSslStream client(std::move(c), client_ctx_);
    OpenSslStream server(std::move(s), *server_ctx_);
    handshakeBoth(client, server);
    ErrorCodeT read_ec = asio::error::would_block, shut_ec = asio::error::would_block;
    std::size_t n = 99;
    asio::co_spawn(io_, readOne(server, read_ec, n), asio::detached);
    asio::co_spawn(io_, shutdown(client, shut_ec), asio::detached);
    runUntil([&] { return read_ec != asio::error::would_block; });
    EXPECT_EQ(read_ec, asio::error::eof) << read_ec.message();
    EXPECT_EQ(n, 0u);
    beast::get_lowest_layer(server).close();  // the client's shutdown waits for this
    runUntil([&] { return shut_ec != asio::error::would_block; });
  }
  {
    auto [c, s] = connectedPair();
    OpenSslStream client(std::move(c), client_ctx_);
    OpenSslStream server(std::move(s), *server_ctx_);
    handshakeBoth(client, server);
    ErrorCodeT read_ec = asio::error::would_block;
    std::size_t n = 99;
    asio::co_spawn(io_, readOne(server, read_ec, n), asio::detached);
    beast::get_lowest_layer(client).socket().shutdown(tcp::socket::shutdown_send);  // a FIN, no close_notify
    runUntil([&] { return read_ec != asio::error::would_block; });
    EXPECT_EQ(read_ec, asio::ssl::error::stream_truncated) << read_ec.message();
  }
}

TEST_F(OpenSslStreamTest, AFailedCertificateCheckEndsBothHandshakesWithAnError) {
  client_ctx_.set_verify_mode(asio::ssl::verify_peer);
  auto [c, s] = connectedPair();
  OpenSslStream client(std::move(c), client_ctx_);
  client.set_verify_callback(asio::ssl::host_name_verification("not-localhost.example"));
  OpenSslStream server(std::move(s), *server_ctx_);
  ErrorCodeT cec = asio::error::would_block, sec = asio::error::would_block;
  asio::co_spawn(io_, handshake(client, asio::ssl::stream_base::client, cec), asio::detached);
  asio::co_spawn(io_, handshake(server, asio::ssl::stream_base::server, sec), asio::detached);
  runUntil([&] { return cec != asio::error::would_block && sec != asio::error::would_block; });
  EXPECT_TRUE(cec);
  EXPECT_TRUE(sec);  // the client's alert reached the server
  EXPECT_NE(SSL_get_verify_result(client.native_handle()), X509_V_OK);
}

TEST_F(OpenSslStreamTest, AVerifyCallbackThatAcceptsLetsTheHandshakeThrough) {
  client_ctx_.set_verify_mode(asio::ssl::verify_peer);
  auto [c, s] = connectedPair();
  OpenSslStream client(std::move(c), client_ctx_);
  bool asked = false;
  client.set_verify_callback([&asked](bool, asio::ssl::verify_context&) { return asked = true; });
  OpenSslStream server(std::move(s), *server_ctx_);
  handshakeBoth(client, server);
  EXPECT_TRUE(asked);
}

TEST_F(OpenSslStreamTest, GarbageInsteadOfAHandshakeEndsInAnError) {
  for (unsigned seed = 0; seed < 20; ++seed) {
    auto [c, s] = connectedPair();
    OpenSslStream server(std::move(s), *server_ctx_);
    ErrorCodeT sec = asio::error::would_block;
    asio::co_spawn(io_, handshake(server, asio::ssl::stream_base::server, sec), asio::detached);
    std::string junk = pattern(1 + seed * 997 % 20000, seed);
    if (seed % 2) junk[0] = 0x16;  // looks like a handshake record at first
    asio::write(c, asio::buffer(junk));
    c.shutdown(tcp::socket::shutdown_send);
    runUntil([&] { return sec != asio::error::would_block; });
    EXPECT_TRUE(sec) << "seed " << seed;
  }
}

TEST_F(OpenSslStreamTest, ASilentPeerTimesOutThroughTheTcpStreamBeneath) {
  auto [c, s] = connectedPair();
  OpenSslStream server(std::move(s), *server_ctx_);
  beast::get_lowest_layer(server).expires_after(200ms);
  ErrorCodeT sec = asio::error::would_block;
  asio::co_spawn(io_, handshake(server, asio::ssl::stream_base::server, sec), asio::detached);
  runUntil([&] { return sec != asio::error::would_block; });
  EXPECT_EQ(sec, beast::error::timeout) << sec.message();
}

TEST_F(OpenSslStreamTest, EmptyReadsAndWritesCompleteAtOnce) {
  auto [c, s] = connectedPair();
  OpenSslStream client(std::move(c), client_ctx_);
  OpenSslStream server(std::move(s), *server_ctx_);
  handshakeBoth(client, server);
  bool read_done = false, write_done = false;
  server.async_read_some(asio::mutable_buffer(), [&](ErrorCodeT ec, std::size_t n) {
    EXPECT_FALSE(ec);
    EXPECT_EQ(n, 0u);
    read_done = true;
  });
  server.async_write_some(asio::const_buffer(), [&](ErrorCodeT ec, std::size_t n) {
    EXPECT_FALSE(ec);
    EXPECT_EQ(n, 0u);
    write_done = true;
  });
  EXPECT_FALSE(read_done);  // never inside the initiating call
  runUntil([&] { return read_done && write_done; });
}

// A TLS 1.2 server of OpenSSL's own on a blocking socket that, once the
// handshake is done, sends HelloRequest after HelloRequest (each of which
// our stream answers with a no_renegotiation alert) and never reads: up to
// `requests`, or until it could not send for 2 s.
struct RenegotiationFlooder {
  int requests = 0;
  int sent = 0;
  bool handshaken = false;
  bool stalled = false;

  void run(SSL_CTX* ctx, int fd) {
    SSL* ssl = SSL_new(ctx);
    SSL_set_max_proto_version(ssl, TLS1_2_VERSION);
    SSL_clear_options(ssl, SSL_OP_NO_RENEGOTIATION);
    SSL_set_fd(ssl, fd);
    handshaken = SSL_accept(ssl) == 1;
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    while (handshaken && sent < requests && !stalled) {
      if (SSL_renegotiate(ssl) != 1) break;
      for (int r = SSL_do_handshake(ssl); r != 1; r = SSL_do_handshake(ssl)) {
        if (SSL_get_error(ssl, r) != SSL_ERROR_WANT_WRITE) return finish(ssl, fd);
        pollfd p{fd, POLLOUT, 0};
        if (::poll(&p, 1, 2000) == 0) {
          stalled = true;
          return finish(ssl, fd);
        }
      }
      ++sent;
    }
    finish(ssl, fd);
  }
  static void finish(SSL* ssl, int fd) {
    SSL_free(ssl);
    ::close(fd);
  }
};

TEST_F(OpenSslStreamTest, APeerThatFloodsRenegotiationRequestsAndReadsNothingMeetsBackPressure) {
  // Small socket buffers, so that TCP holds little of the flood.
  tcp::socket c(io_);
  c.open(tcp::v4());
  c.set_option(asio::socket_base::receive_buffer_size(4096));
  c.set_option(asio::socket_base::send_buffer_size(4096));
  c.connect({asio::ip::make_address("127.0.0.1"), port_});
  tcp::socket s(io_);
  acceptor_.accept(s);
  s.set_option(asio::socket_base::receive_buffer_size(4096));
  s.set_option(asio::socket_base::send_buffer_size(4096));
  const int peer_fd = ::dup(s.native_handle());
  s.close();

  // 40,000 requests would make 1.2 MB of alerts if our reads went on.
  RenegotiationFlooder flooder{40000};
  OpenSslStream client(std::move(c), client_ctx_);
  std::atomic<bool> peer_done = false;
  std::thread peer([&] {
    flooder.run(server_ctx_->native_handle(), peer_fd);
    peer_done = true;
  });
  // However the test ends, the peer ends first: our end closed, it fails.
  struct JoinPeer {
    std::thread& peer;
    OpenSslStream& client;
    ~JoinPeer() {
      if (!peer.joinable()) return;
      beast::get_lowest_layer(client).close();
      peer.join();
    }
  } join_peer{peer, client};
  ErrorCodeT hec = asio::error::would_block;
  asio::co_spawn(io_, handshake(client, asio::ssl::stream_base::client, hec), asio::detached);
  runUntil([&] { return hec != asio::error::would_block; });
  ASSERT_FALSE(hec) << hec.message();

  // Our end writes what the peer never reads, and reads all the while.
  const std::string data = pattern(64 * 1024 * 1024, 5);
  ErrorCodeT wec, rec;
  int finished = 0;
  auto count = [&finished](std::exception_ptr) { ++finished; };
  asio::co_spawn(io_, writeInPieces(client, data, 6, wec), count);
  std::string got;
  asio::co_spawn(io_, readInPieces(client, got, 1, 7, rec), count);
  runUntil([&] { return peer_done.load(); });
  peer.join();

  EXPECT_TRUE(flooder.handshaken);
  EXPECT_TRUE(flooder.stalled) << "our end read all " << flooder.sent << " requests";
  EXPECT_LT(flooder.sent, flooder.requests);
  EXPECT_LE(client.bufferedBytes(), 128u * 1024) << "after " << flooder.sent << " requests";
  std::cout << "renegotiation requests read before the peer stalled: " << flooder.sent
            << "; bytes the stream holds: " << client.bufferedBytes() << "\n";
  runUntil([&] { return finished == 2; });  // the peer closed: both end in errors
  EXPECT_TRUE(wec);
  EXPECT_TRUE(rec);
}

template <class Stream>
struct IdlePair {
  Stream client, server;
  ErrorCodeT end = asio::error::would_block;  // of the server end's read
  std::size_t count = 0;
};

// The heap that connected pairs of Stream hold while the server end of
// each waits for its client, as an IMAP session does, after both sent
// 40,000 bytes; per pair. Every handler runs on this thread.
template <class Stream>
double OpenSslStreamTest::idlePairBytes(std::vector<std::unique_ptr<IdlePair<Stream>>>& pairs) {
  constexpr int kPairs = 40;
  malloc_trim(0);
  const auto before = static_cast<double>(mallinfo2().uordblks);
  for (int i = 0; i < kPairs; ++i) {
    auto [c, s] = connectedPair();
    pairs.push_back(std::make_unique<IdlePair<Stream>>(IdlePair<Stream>{
        Stream(beast::tcp_stream(std::move(c)), client_ctx_), Stream(beast::tcp_stream(std::move(s)), *server_ctx_)}));
    auto& p = *pairs.back();
    handshakeBoth(p.client, p.server);
    exchange(p.client, p.server, 40000, 100 + i);
    asio::co_spawn(io_, readOne(p.server, p.end, p.count), asio::detached);
  }
  io_.poll();
  return (static_cast<double>(mallinfo2().uordblks) - before) / kPairs;
}

template <class Stream>
void OpenSslStreamTest::closeAll(std::vector<std::unique_ptr<IdlePair<Stream>>>& pairs) {
  for (auto& p : pairs) beast::get_lowest_layer(p->client).close();
  runUntil([&] {
    for (auto& p : pairs)
      if (p->end == asio::error::would_block) return false;
    return true;
  });
}

TEST_F(OpenSslStreamTest, AnIdleConnectionHoldsNoRecordBuffers) {
  std::vector<std::unique_ptr<IdlePair<AsioTls>>> theirs;
  std::vector<std::unique_ptr<IdlePair<OpenSslStream>>> ours;
  const double asio_pair = idlePairBytes(theirs);
  closeAll(theirs);
  theirs.clear();
  const double our_pair = idlePairBytes(ours);
  for (auto& p : ours) {
    EXPECT_LE(p->server.bufferedBytes(), 2048u);
    EXPECT_LE(p->client.bufferedBytes(), 2048u);
  }
  closeAll(ours);
  RecordProperty("bytes_per_idle_pair", std::to_string(static_cast<long>(our_pair)));
  RecordProperty("bytes_per_idle_pair_asio", std::to_string(static_cast<long>(asio_pair)));
  std::cout << "heap per idle pair of connections: " << our_pair << " bytes; asio::ssl::stream: " << asio_pair << "\n";
  EXPECT_LT(our_pair, asio_pair / 2);
}

}  // namespace
}  // namespace spe
