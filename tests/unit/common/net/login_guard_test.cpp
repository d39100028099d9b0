#include "common/net/login_guard.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "fake_clock.h"

namespace spe {
namespace {

using namespace std::chrono_literals;

using testing::FakeClock;

void fail(LoginGuard& g, const std::string& user, const std::string& address) {
  auto a = g.admit(user, address);
  ASSERT_TRUE(a.permit.has_value());
  a.permit->failed();
}

TEST(LoginGuard, FreeFailuresThenGrowingLockPerUser) {
  FakeClock clock;
  LoginGuard g({}, clock);
  for (int i = 0; i < 5; ++i) fail(g, "i1/Alice", "10.0.0.1");
  fail(g, "i1/alice", "10.0.0.2");  // 6th: case-insensitive, any address
  auto a = g.admit("I1/ALICE", "10.0.0.3");
  EXPECT_FALSE(a.permit.has_value());
  EXPECT_EQ(a.retry_after, 1s);
  EXPECT_TRUE(g.admit("i2/alice", "10.0.0.3").permit.has_value());  // another instance's alice is not locked
  clock.advance(1s);
  fail(g, "i1/alice", "10.0.0.1");  // 7th: locked 2 s
  EXPECT_EQ(g.admit("i1/alice", "").retry_after, 2s);
  clock.advance(2s);
  auto ok = g.admit("i1/alice", "");
  ASSERT_TRUE(ok.permit.has_value());
  ok.permit->succeeded();  // the real user: the count is cleared
  for (int i = 0; i < 5; ++i) fail(g, "i1/alice", "10.0.0.1");
  EXPECT_TRUE(g.admit("i1/alice", "").permit.has_value());
}

TEST(LoginGuard, LockedForTellsTheLockWithoutTakingATurnOrCounting) {
  FakeClock clock;
  LoginGuard g({}, clock);
  EXPECT_EQ(g.lockedFor("i1/bob", "10.0.0.1"), 0s);  // unknown: not locked
  auto turn = g.admit("i1/bob", "10.0.0.1");         // a check of the name under way ...
  ASSERT_TRUE(turn.permit.has_value());
  EXPECT_EQ(g.lockedFor("i1/bob", "10.0.0.1"), 0s);  // ... is no lock
  turn.permit->failed();
  for (int i = 0; i < 5; ++i) fail(g, "i1/bob", "10.0.0.1");  // the 6th failure locks the name 1 s
  EXPECT_EQ(g.lockedFor("I1/BOB", "10.0.0.9"), 1s);
  const auto refused = g.refused();
  EXPECT_EQ(g.lockedFor("i1/bob", ""), 1s);
  EXPECT_EQ(g.refused(), refused);  // asking counts nothing
  auto locked = g.admit("i1/bob", "");
  EXPECT_FALSE(locked.permit.has_value());
  EXPECT_FALSE(locked.busy);  // refused for failures
  clock.advance(1s);
  EXPECT_EQ(g.lockedFor("i1/bob", "10.0.0.1"), 0s);
  for (int i = 0; i < 21; ++i) fail(g, "i1/user" + std::to_string(i), "10.0.0.2");  // the address's 21st
  EXPECT_EQ(g.lockedFor("i1/carol", "10.0.0.2"), 1s);                               // any name from it
  EXPECT_EQ(g.lockedFor("i1/carol", "10.0.0.3"), 0s);
}

TEST(LoginGuard, ASuccessWithoutATurnClearsTheNamesCount) {
  FakeClock clock;
  LoginGuard g({}, clock);
  for (int i = 0; i < 5; ++i) fail(g, "i1/dan", "10.0.0.1");  // the free ones used up
  g.succeededWithoutTurn("I1/Dan");
  for (int i = 0; i < 5; ++i) fail(g, "i1/dan", "10.0.0.4");  // free again
  EXPECT_EQ(g.lockedFor("i1/dan", ""), 0s);
  fail(g, "i1/dan", "10.0.0.4");
  EXPECT_EQ(g.lockedFor("i1/dan", ""), 1s);
  g.succeededWithoutTurn("i1/nobody");  // an unknown name: nothing to clear, nothing made
}

TEST(LoginGuard, LockIsCappedSoTheRealUserGetsInAfterTheAttackerStops) {
  FakeClock clock;
  LoginGuard g({}, clock);
  for (int i = 0; i < 40; ++i) {
    auto a = g.admit("i/bob", "10.9.9.9");
    if (a.permit) a.permit->failed();
    else clock.advance(a.retry_after);
  }
  auto refused = g.admit("i/bob", "10.1.1.1");
  ASSERT_FALSE(refused.permit.has_value());
  EXPECT_LE(refused.retry_after, 60s);
  clock.advance(60s);
  EXPECT_TRUE(g.admit("i/bob", "10.1.1.1").permit.has_value());
}

TEST(LoginGuard, RefusedAttemptsDoNotCountOrExtendTheLock) {
  FakeClock clock;
  LoginGuard g({}, clock);
  for (int i = 0; i < 6; ++i) fail(g, "u", "");
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(g.admit("u", "").permit.has_value());
  EXPECT_EQ(g.refused(), 100);
  clock.advance(1s);
  EXPECT_TRUE(g.admit("u", "").permit.has_value());
}

TEST(LoginGuard, AddressLockSparesOtherAddressesAndIsNotResetBySuccess) {
  FakeClock clock;
  LoginGuard g({}, clock);
  for (int i = 0; i < 21; ++i) fail(g, "name" + std::to_string(i), "10.6.6.6");
  auto a = g.admit("carol", "10.6.6.6");
  EXPECT_FALSE(a.permit.has_value());
  EXPECT_EQ(a.retry_after, 1s);
  auto other = g.admit("carol", "10.7.7.7");  // carol from her own address
  ASSERT_TRUE(other.permit.has_value());
  other.permit->succeeded();
  EXPECT_FALSE(g.admit("dave", "10.6.6.6").permit.has_value());
  clock.advance(16min);  // the window passed: the address starts afresh
  EXPECT_TRUE(g.admit("dave", "10.6.6.6").permit.has_value());
}

// An IPv6 attacker holds a whole /64: changing the last 64 bits of the
// address must not give it a fresh budget of failures.
TEST(LoginGuard, AnIPv6AddressCountsByItsPrefix) {
  FakeClock clock;
  LoginGuard g({}, clock);
  for (int i = 0; i < 21; ++i) fail(g, "name" + std::to_string(i), "2001:db8:5:6::" + std::to_string(i + 1));
  EXPECT_FALSE(g.admit("carol", "2001:db8:5:6:ffff::1").permit.has_value());
  EXPECT_TRUE(g.admit("carol", "2001:db8:5:7::1").permit.has_value());  // another /64
}

// 20 attempts for one name at once: the first check is held open until
// every other attempt has been refused or waits for it (max_waiting of them
// wait, the rest are refused as busy), so they all overlap it.
TEST(LoginGuard, ConcurrentAttemptsForOneNameAreCheckedOneByOne) {
  constexpr int kAttempts = 20;
  LoginGuard::Limits limits;
  limits.wait = 60s;  // no wait ends by time here (each ends when the check before it does)
  limits.max_waiting = 4;
  LoginGuard g(limits);
  std::atomic<int> checking{0}, most{0}, checked{0};
  std::mutex mutex;
  std::condition_variable changed;
  int refused = 0;
  bool first_check = true;
  std::vector<std::thread> threads;
  for (int i = 0; i < kAttempts; ++i) {
    threads.emplace_back([&, i] {  // i by value: the loop moves on before the thread reads it
      auto a = g.admit("inst/eve", "10.0.0." + std::to_string(i));
      if (!a.permit) {
        EXPECT_TRUE(a.busy);  // refused for the crowd, not for failures
        std::lock_guard lock(mutex);
        ++refused;
        changed.notify_all();
        return;
      }
      const int now = ++checking;
      int seen = most.load();
      while (now > seen && !most.compare_exchange_weak(seen, now)) {
      }
      {  // the password check: the first one lasts until all the others have come
        std::unique_lock lock(mutex);
        if (first_check) {
          first_check = false;
          EXPECT_TRUE(changed.wait_for(lock, 30s, [&] { return refused == kAttempts - 1 - limits.max_waiting; }))
              << refused << " refused while the first check ran";
        }
      }
      --checking;
      ++checked;
      a.permit->failed();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(most.load(), 1);                          // never two checks of one name at once
  EXPECT_EQ(checked.load(), 1 + limits.max_waiting);  // the first and those that waited for it
  EXPECT_EQ(refused, kAttempts - 1 - limits.max_waiting);
}

TEST(LoginGuard, AnUnfinishedPermitReleasesTheNameWithoutCounting) {
  FakeClock clock;
  LoginGuard g({}, clock);
  for (int i = 0; i < 50; ++i) {
    auto a = g.admit("x", "");
    ASSERT_TRUE(a.permit.has_value());
  }
}

// A second attempt for a name waits for the check under way; the wait ends
// at the guard's clock, `wait` after it began, with "try again".
TEST(LoginGuard, AWaitForTheNamesCheckEndsAtTheClocksTimer) {
  FakeClock clock;
  LoginGuard::Limits limits;
  limits.wait = 3s;
  LoginGuard g(limits, clock);
  auto first = g.admit("i/frank", "10.0.0.1");
  ASSERT_TRUE(first.permit.has_value());
  auto second = std::async(std::launch::async, [&] { return g.admit("i/frank", "10.0.0.2"); });
  ASSERT_TRUE(clock.waitForPendingTimers(1));  // the second one waits now
  EXPECT_EQ(clock.nextTimerIn(), Clock::Duration(3s));
  clock.advance(2999ms);
  EXPECT_EQ(second.wait_for(20ms), std::future_status::timeout);
  clock.advance(1ms);
  auto refused = second.get();
  EXPECT_FALSE(refused.permit.has_value());
  EXPECT_EQ(refused.retry_after, 1s);
  EXPECT_EQ(g.refused(), 1);
}

TEST(LoginGuard, AWaitingAttemptGetsThePermitWhenTheCheckEndsAndItsTimerGoes) {
  FakeClock clock;
  LoginGuard g({}, clock);
  auto first = g.admit("i/grace", "");
  ASSERT_TRUE(first.permit.has_value());
  auto second = std::async(std::launch::async, [&] { return g.admit("i/grace", ""); });
  ASSERT_TRUE(clock.waitForPendingTimers(1));
  first.permit->failed();
  auto admitted = second.get();
  EXPECT_TRUE(admitted.permit.has_value());
  EXPECT_EQ(clock.pendingTimers(), 0u);  // the wait's timer was cancelled
}

}  // namespace
}  // namespace spe
