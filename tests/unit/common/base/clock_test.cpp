#include "common/base/clock.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "fake_clock.h"

namespace spe {
namespace {

using namespace std::chrono_literals;

TEST(SystemClock, RunsATimerAfterItsDelay) {
  Clock& clock = systemClock();
  const auto start = clock.now();
  std::promise<Clock::TimePoint> fired;
  auto timer = clock.schedule(30ms, [&] { fired.set_value(systemClock().now()); });
  auto when = fired.get_future();
  ASSERT_EQ(when.wait_for(10s), std::future_status::ready);
  EXPECT_GE(when.get() - start, 30ms);
}

TEST(SystemClock, ACancelledTimerNeverRuns) {
  std::atomic<int> runs{0};
  std::promise<void> later;
  auto cancelled = systemClock().schedule(10ms, [&] { ++runs; });
  cancelled->cancel();
  auto marker = systemClock().schedule(50ms, [&] { later.set_value(); });  // runs after the cancelled one would have
  ASSERT_EQ(later.get_future().wait_for(10s), std::future_status::ready);
  EXPECT_EQ(runs.load(), 0);
}

TEST(SystemClock, DestroyingATimerCancelsIt) {
  std::atomic<int> runs{0};
  std::promise<void> later;
  {
    auto t = systemClock().schedule(10ms, [&] { ++runs; });
  }
  auto marker = systemClock().schedule(50ms, [&] { later.set_value(); });
  ASSERT_EQ(later.get_future().wait_for(10s), std::future_status::ready);
  EXPECT_EQ(runs.load(), 0);
}

TEST(FakeClock, AdvanceRunsDueTimersInDeadlineOrderAtTheirDeadlines) {
  testing::FakeClock clock;
  const auto start = clock.now();
  std::vector<std::string> seen;
  auto b = clock.schedule(2s, [&] { seen.push_back("b@" + std::to_string((clock.now() - start) / 1s)); });
  auto a = clock.schedule(1s, [&] { seen.push_back("a@" + std::to_string((clock.now() - start) / 1s)); });
  auto c = clock.schedule(5s, [&] { seen.push_back("c"); });
  clock.advance(1500ms);
  EXPECT_EQ(seen, (std::vector<std::string>{"a@1"}));
  clock.advance(1500ms);
  EXPECT_EQ(seen, (std::vector<std::string>{"a@1", "b@2"}));
  EXPECT_EQ(clock.now() - start, 3s);
  EXPECT_EQ(clock.pendingTimers(), 1u);
  EXPECT_EQ(clock.nextTimerIn(), Clock::Duration(2s));
}

TEST(FakeClock, ATimerScheduledByATimerRunsInTheSameAdvanceWhenDue) {
  testing::FakeClock clock;
  int runs = 0;
  std::unique_ptr<Timer> again;
  auto first = clock.schedule(1s, [&] {
    ++runs;
    again = clock.schedule(1s, [&] { ++runs; });
  });
  clock.advance(1900ms);
  EXPECT_EQ(runs, 1);
  clock.advance(100ms);
  EXPECT_EQ(runs, 2);
}

TEST(FakeClock, CancelAndSystemTimeMoveWithTheClock) {
  testing::FakeClock clock;
  int runs = 0;
  auto t = clock.schedule(1s, [&] { ++runs; });
  t->cancel();
  const auto wall = clock.systemNow();
  clock.advance(10s);
  EXPECT_EQ(runs, 0);
  EXPECT_EQ(clock.systemNow() - wall, 10s);
}

TEST(FakeClock, ArmingAgainReplacesTheMomentAndATimerMayReArmItself) {
  testing::FakeClock clock;
  int runs = 0;
  std::unique_ptr<Timer> periodic;
  periodic = clock.makeTimer([&] {
    if (++runs < 3) periodic->armAfter(10s);
  });
  EXPECT_EQ(clock.pendingTimers(), 0u);  // made, not armed
  periodic->armAfter(5s);
  periodic->armAfter(10s);  // replaces 5 s
  clock.advance(9s);
  EXPECT_EQ(runs, 0);
  clock.advance(1s);
  EXPECT_EQ(runs, 1);
  clock.advance(1h);
  EXPECT_EQ(runs, 3);  // at 20 s and 30 s, then no more
  EXPECT_EQ(clock.pendingTimers(), 0u);
}

TEST(SystemClock, CancelWaitsForACallUnderWay) {
  std::promise<void> entered;
  std::atomic<bool> finished{false};
  auto timer = systemClock().schedule(0ms, [&] {
    entered.set_value();
    std::this_thread::sleep_for(50ms);  // a call that takes a while
    finished = true;
  });
  entered.get_future().wait();
  timer->cancel();
  EXPECT_TRUE(finished.load());
}

}  // namespace
}  // namespace spe
