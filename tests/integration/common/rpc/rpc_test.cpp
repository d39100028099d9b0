#include "common/rpc/rpc.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <future>
#include <mutex>
#include <thread>

#include "test_dir.h"

namespace spe {
namespace {

class RpcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_id_ = loadOrCreateIdentity(dir_ / "server", "server").value();
    client_id_ = loadOrCreateIdentity(dir_ / "client", "client").value();
    stranger_id_ = loadOrCreateIdentity(dir_ / "stranger", "stranger").value();
    auto pins = std::make_shared<ThumbprintPins>();
    pins->add(client_id_.thumbprint);
    server_ = std::make_unique<RpcServer>(
        io_, pool_, makeServerContext(server_id_, pins).value(),
        [this](const RpcRequest& r) -> Result<Json> {
          if (r.method == "echo") return r.params;
          if (r.method == "peer") return Json(r.peer_thumbprint);
          if (r.method == "count") {  // answers with params.code, kCancelled by default
            ++counted_;
            const int code = r.params.value("code", static_cast<int>(ErrorCode::kCancelled));
            return makeError(static_cast<ErrorCode>(code), "counted");
          }
          if (r.method == "fail") {  // answers with the ErrorCode whose value is params.code
            return makeError(static_cast<ErrorCode>(r.params.at("code").get<int>()), "failed on purpose",
                             "details of the failure");
          }
          if (r.method == "slow") {
            r.progress(50, "half");
            r.progress(90, "almost");
            return Json("done");
          }
          return makeError(ErrorCode::kNotSupported, "no " + r.method);
        },
        "test");
    port_ = server_->listen("127.0.0.1", 0).value();
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    io_.stop();
    thread_.join();
    pool_.join();
  }

  RpcClient client(const TlsIdentity& id, const std::string& pinned_server) {
    auto pins = std::make_shared<ThumbprintPins>();
    pins->add(pinned_server);
    return RpcClient(makeClientContext(&id, pins).value(), "127.0.0.1", port_);
  }

  testing::TempDir dir_;
  TlsIdentity server_id_, client_id_, stranger_id_;
  asio::io_context io_;
  asio::thread_pool pool_{2};
  std::unique_ptr<RpcServer> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::atomic<int> counted_{0};
};

TEST_F(RpcTest, PinnedPeersTalk) {
  auto c = client(client_id_, server_id_.thumbprint);
  auto r = c.call("echo", Json{{"a", 1}}, std::chrono::seconds(5));
  ASSERT_TRUE(r.ok()) << r.error().message << r.error().details;
  EXPECT_EQ((*r)["a"], 1);
  auto peer = c.call("peer", Json::object(), std::chrono::seconds(5));
  EXPECT_EQ(*peer, client_id_.thumbprint);
}

TEST_F(RpcTest, ErrorsTravelAsErrors) {
  auto r = client(client_id_, server_id_.thumbprint).call("nope", Json::object(), std::chrono::seconds(5));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kNotSupported);
  EXPECT_EQ(r.error().message, "no nope");
}

// Every code crosses the wire as itself: a corrupt index (kCorrupt) must
// not reach the caller as a bug (kInternal).
TEST_F(RpcTest, EveryErrorCodeCrossesTheWire) {
  auto c = client(client_id_, server_id_.thumbprint);
  for (std::size_t i = 0; i < kErrorCodeCount; ++i) {
    auto r = c.call("fail", Json{{"code", i}}, std::chrono::seconds(5));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, static_cast<ErrorCode>(i)) << errorCodeName(static_cast<ErrorCode>(i));
    EXPECT_EQ(r.error().message, "failed on purpose");
    EXPECT_EQ(r.error().details, "details of the failure");
  }
}

// An error answer on a kept-alive connection is an answer: the request
// is never sent again (it may not be idempotent).
TEST_F(RpcTest, PooledCallsAnsweredWithAnErrorAreNotRepeated) {
  auto pins = std::make_shared<ThumbprintPins>();
  pins->add(server_id_.thumbprint);
  RpcClient pooled(makeClientContext(&client_id_, pins).value(), "127.0.0.1", port_, "pool-test");
  for (int i = 0; i < 3; ++i) {
    auto r = pooled.call("count", Json::object(), std::chrono::seconds(5));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kCancelled);
  }
  EXPECT_EQ(counted_.load(), 3);
  // Also the codes a broken connection gives: the peer answered, so the
  // call was carried out and is not sent again.
  for (ErrorCode code : {ErrorCode::kUnavailable, ErrorCode::kTimeout, ErrorCode::kProtocol}) {
    const int before = counted_.load();
    auto r = pooled.call("count", Json{{"code", static_cast<int>(code)}}, std::chrono::seconds(5));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, code);
    EXPECT_EQ(counted_.load(), before + 1);
  }
}

TEST_F(RpcTest, ProgressEventsArriveBeforeTheResult) {
  std::vector<int> seen;
  auto r = client(client_id_, server_id_.thumbprint)
               .call("slow", Json::object(), std::chrono::seconds(5),
                     [&](int p, const std::string&) { seen.push_back(p); });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(seen, (std::vector<int>{50, 90}));
}

TEST_F(RpcTest, UnpairedClientCertificateIsRefused) {
  auto r = client(stranger_id_, server_id_.thumbprint).call("echo", Json::object(), std::chrono::seconds(5));
  ASSERT_FALSE(r.ok());
}

TEST_F(RpcTest, ClientRefusesServerWithOtherThumbprint) {
  auto r = client(client_id_, stranger_id_.thumbprint).call("echo", Json::object(), std::chrono::seconds(5));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("TLS handshake"), std::string::npos);
}

TEST_F(RpcTest, ClientWithoutCertificateIsRefused) {
  auto pins = std::make_shared<ThumbprintPins>();
  pins->add(server_id_.thumbprint);
  RpcClient c(makeClientContext(nullptr, pins).value(), "127.0.0.1", port_);
  EXPECT_FALSE(c.call("echo", Json::object(), std::chrono::seconds(5)).ok());
}

TEST_F(RpcTest, ServerSurvivesGarbageAndOversizedFrames) {
  // A pinned client that sends a frame header announcing 1 GiB is cut off;
  // the server keeps serving others.
  auto c = client(client_id_, server_id_.thumbprint);
  for (int i = 0; i < 3; ++i) {
    auto r = c.call("echo", Json{{"text", std::string(1000, 'x')}}, std::chrono::seconds(5));
    ASSERT_TRUE(r.ok());
  }
  auto r = c.call("echo", Json{{"text", std::string(20 * 1024 * 1024, 'x')}}, std::chrono::seconds(10));
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(c.call("echo", Json{{"n", 1}}, std::chrono::seconds(5)).ok());
}

TEST_F(RpcTest, UnreachablePeerIsUnavailable) {
  auto pins = std::make_shared<ThumbprintPins>();
  pins->add(server_id_.thumbprint);
  RpcClient c(makeClientContext(&client_id_, pins).value(), "127.0.0.1", 1);
  auto r = c.call("echo", Json::object(), std::chrono::seconds(2));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
}

TEST(Tls, IdentityIsStableAndThumbprintIsSha256OfDer) {
  testing::TempDir dir;
  auto a = loadOrCreateIdentity(dir / "tls", "host").value();
  auto b = loadOrCreateIdentity(dir / "tls", "host").value();
  EXPECT_EQ(a.thumbprint, b.thumbprint);
  EXPECT_EQ(a.thumbprint.size(), 64u);
  EXPECT_EQ(normalizeThumbprint("AB:" + a.thumbprint.substr(2)), "ab" + a.thumbprint.substr(2));
  EXPECT_EQ(normalizeThumbprint("xyz"), "");
  EXPECT_EQ(std::filesystem::status(dir / "tls/key.pem").permissions() & std::filesystem::perms::others_read,
            std::filesystem::perms::none);
}

}  // namespace
}  // namespace spe

namespace spe {
namespace {

TEST(LocalRpc, CallsAndProgressOverUnixSocket) {
  testing::TempDir dir;
  asio::io_context io;
  asio::thread_pool pool(2);
  LocalRpcServer server(
      io, pool,
      [](const RpcRequest& r) -> Result<Json> {
        if (r.method == "work") {
          for (int p = 25; p < 100; p += 25) r.progress(p, "step");
          return Json{{"echo", r.params}};
        }
        return makeError(ErrorCode::kNotSupported, "no " + r.method);
      },
      "local");
  ASSERT_TRUE(server.listen(dir / "s.sock").ok());
  EXPECT_EQ(std::filesystem::status(dir / "s.sock").permissions() & std::filesystem::perms::others_all,
            std::filesystem::perms::none);
  std::thread t([&] { io.run(); });
  std::vector<int> seen;
  auto r = LocalRpcClient(dir / "s.sock")
               .call("work", Json{{"a", 1}}, std::chrono::seconds(5),
                     [&](int p, const std::string&) { seen.push_back(p); });
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)["echo"]["a"], 1);
  EXPECT_EQ(seen, (std::vector<int>{25, 50, 75}));
  auto bad = LocalRpcClient(dir / "s.sock").call("nope", Json::object(), std::chrono::seconds(5));
  EXPECT_EQ(bad.error().code, ErrorCode::kNotSupported);
  auto missing = LocalRpcClient(dir / "missing.sock").call("work", Json::object(), std::chrono::seconds(2));
  EXPECT_EQ(missing.error().code, ErrorCode::kUnavailable);
  io.stop();
  t.join();
  pool.join();
}

// A call that runs longer than the idle timeout, sending nothing, is
// answered (the idle timeout only closes connections without a call); an
// idle connection still closes. Regression: a 30-minute import failed with
// "End of file" when the connection timed out under it.
// The call is held until an idle connection opened after it started has
// been closed by the server: the call's connection has then been open
// longer than the idle timeout, with nothing sent after "started".
TEST(LocalRpc, LongSilentCallOutlivesTheIdleTimeout) {
  testing::TempDir dir;
  asio::io_context io;
  asio::thread_pool pool(2);
  RpcLimits limits;
  limits.idle_timeout = std::chrono::seconds(1);
  limits.write_timeout = std::chrono::seconds(1);
  std::mutex mutex;
  std::condition_variable changed;
  bool started = false, release = false;
  LocalRpcServer server(
      io, pool,
      [&](const RpcRequest& r) -> Result<Json> {
        if (r.method == "slow") {
          r.progress(1, "started");
          std::unique_lock lock(mutex);
          started = true;
          changed.notify_all();
          changed.wait(lock, [&] { return release; });
        }
        return Json{{"done", true}};
      },
      "local", limits);
  ASSERT_TRUE(server.listen(dir / "s.sock").ok());
  std::thread t([&] { io.run(); });
  auto call = std::async(std::launch::async, [&] {
    return LocalRpcClient(dir / "s.sock").call("slow", Json::object(), std::chrono::seconds(60));
  });
  {
    std::unique_lock lock(mutex);
    EXPECT_TRUE(changed.wait_for(lock, std::chrono::seconds(30), [&] { return started; })) << "the call did not start";
  }
  // An idle connection, opened while the call runs: the server closes it
  // after the idle timeout (EOF).
  const int idle = ::socket(AF_UNIX, SOCK_STREAM, 0);
  EXPECT_GE(idle, 0) << std::strerror(errno);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string path = dir / "s.sock";
  EXPECT_LT(path.size(), sizeof addr.sun_path);
  std::memcpy(addr.sun_path, path.c_str(), std::min(path.size() + 1, sizeof addr.sun_path));
  if (idle >= 0 && ::connect(idle, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) {
    pollfd pfd{idle, POLLIN, 0};
    char byte = 0;
    EXPECT_EQ(::poll(&pfd, 1, 30000), 1) << "the idle connection was not closed";
    EXPECT_EQ(::read(idle, &byte, 1), 0) << "the idle connection was not closed";
  } else {
    ADD_FAILURE() << "cannot connect: " << std::strerror(errno);
  }
  if (idle >= 0) ::close(idle);
  {
    std::lock_guard lock(mutex);
    release = true;
    changed.notify_all();
  }
  auto r = call.get();
  EXPECT_TRUE(r.ok()) << r.error().message;
  if (r.ok()) {
    EXPECT_EQ((*r)["done"], true);
  }
  io.stop();
  t.join();
  pool.join();
}

}  // namespace
}  // namespace spe
