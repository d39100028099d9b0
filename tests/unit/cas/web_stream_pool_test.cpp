// WebStreamPool (cas/web_stream_pool.h): the newest idle stream is reused,
// idle streams expire and are closed, and the pool stays within its caps.
#include "cas/web_stream_pool.h"

#include <gtest/gtest.h>

namespace spe::cas {
namespace {

using Clock = std::chrono::steady_clock;

// A stream that only records whether it was closed.
class FakeStream : public ByteStream {
 public:
  asio::awaitable<std::size_t> readSome(asio::mutable_buffer, ErrorCodeT& ec) override {
    ec = asio::error::eof;
    co_return 0;
  }
  asio::awaitable<void> writeAll(asio::const_buffer, ErrorCodeT&) override { co_return; }
  asio::awaitable<void> shutdown() override { co_return; }
  void close() override { closed = true; }
  asio::any_io_executor executor() override { return io.get_executor(); }
  bool closed = false;
  asio::io_context io;
};

PooledStream make(std::shared_ptr<FakeStream>& keep) {
  keep = std::make_shared<FakeStream>();
  return PooledStream{keep, std::make_shared<FrameReader>(1024)};
}

TEST(WebStreamPoolTest, TheNewestIdleStreamOfAKeyIsReused) {
  WebStreamPool pool(4, 100, std::chrono::seconds(30));
  const auto t = Clock::now();
  std::shared_ptr<FakeStream> a, b;
  pool.give("acme", make(a), t);
  pool.give("acme", make(b), t + std::chrono::seconds(1));
  EXPECT_FALSE(pool.take("globex", t + std::chrono::seconds(1)));
  auto got = pool.take("acme", t + std::chrono::seconds(2));
  ASSERT_TRUE(got);
  EXPECT_EQ(got->stream.get(), b.get());
  EXPECT_EQ(pool.idle(), 1u);
}

TEST(WebStreamPoolTest, IdleStreamsExpireAndAreClosed) {
  WebStreamPool pool(4, 100, std::chrono::seconds(30));
  const auto t = Clock::now();
  std::shared_ptr<FakeStream> a, b;
  pool.give("acme", make(a), t);
  pool.give("globex", make(b), t);
  EXPECT_FALSE(pool.take("acme", t + std::chrono::seconds(31)));
  EXPECT_TRUE(a->closed);
  // The other key's old stream goes at the next sweep.
  std::shared_ptr<FakeStream> c;
  pool.give("acme", make(c), t + std::chrono::seconds(33));
  EXPECT_TRUE(b->closed);
  EXPECT_EQ(pool.idle(), 1u);
}

TEST(WebStreamPoolTest, ThePoolKeepsToItsCapsPerKeyAndInTotalClosingTheOldest) {
  WebStreamPool pool(2, 3, std::chrono::seconds(30));
  const auto t = Clock::now();
  std::vector<std::shared_ptr<FakeStream>> s(5);
  pool.give("acme", make(s[0]), t);
  pool.give("acme", make(s[1]), t + std::chrono::milliseconds(1));
  pool.give("acme", make(s[2]), t + std::chrono::milliseconds(2));  // over 2 for acme: s[0] goes
  EXPECT_TRUE(s[0]->closed);
  pool.give("globex", make(s[3]), t + std::chrono::milliseconds(3));
  pool.give("initech", make(s[4]), t + std::chrono::milliseconds(4));  // over 3 in total: the oldest (s[1]) goes
  EXPECT_TRUE(s[1]->closed);
  EXPECT_FALSE(s[2]->closed || s[3]->closed || s[4]->closed);
  EXPECT_EQ(pool.idle(), 3u);
}

}  // namespace
}  // namespace spe::cas
