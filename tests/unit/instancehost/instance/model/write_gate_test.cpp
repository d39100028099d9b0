#include "instancehost/instance/model/write_gate.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <thread>

namespace spe::instance {
namespace {

using namespace std::chrono_literals;

// Polls `done` (a probe that does not block) until it holds, at most 10 s.
template <typename Probe>
bool eventually(Probe done) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

TEST(WriteGate, FreezeWaitsForRunningWritesAndHoldsNewOnes) {
  WriteGate gate;
  std::atomic<bool> frozen{false}, second_done{false};
  std::optional<WriteGate::Permit> running(gate.acquire());
  std::thread freezer([&] {
    EXPECT_TRUE(gate.freeze(60s));
    frozen = true;
  });
  // The freezer is in freeze() once new writes are held; it cannot return
  // while `running` is held.
  ASSERT_TRUE(eventually([&] { return !gate.tryAcquire(0ms).has_value(); }));
  EXPECT_FALSE(frozen) << "froze while a write was running";
  EXPECT_FALSE(gate.frozen());
  EXPECT_EQ(gate.writesInProgress(), 1);
  running.reset();  // the running write ends
  freezer.join();
  EXPECT_TRUE(frozen);
  EXPECT_TRUE(gate.frozen());
  std::thread writer([&] {
    auto p = gate.acquire();
    second_done = true;
  });
  ASSERT_TRUE(eventually([&] { return gate.writesWaiting() == 1; }));  // the writer waits in acquire()
  EXPECT_FALSE(second_done) << "a write went through while frozen";
  EXPECT_FALSE(gate.tryAcquire(0ms).has_value());
  gate.thaw();
  writer.join();
  EXPECT_TRUE(second_done);
  EXPECT_EQ(gate.writesWaiting(), 0);
}

TEST(WriteGate, FreezeTimesOutAndLeavesGateOpen) {
  WriteGate gate;
  auto p = gate.acquire();
  EXPECT_FALSE(gate.freeze(50ms));
  EXPECT_FALSE(gate.frozen());
  EXPECT_EQ(gate.writesInProgress(), 1);
}

TEST(WriteGate, FreezeIsIdempotent) {
  WriteGate gate;
  EXPECT_TRUE(gate.freeze(10ms));
  EXPECT_TRUE(gate.freeze(10ms));
  gate.thaw();
  EXPECT_FALSE(gate.frozen());
  auto p = gate.acquire();
  EXPECT_EQ(gate.writesInProgress(), 1);
}

// The profile scheduler waits for the thaw by these calls instead of
// polling frozen().
TEST(WriteGate, ThawTellsItsListenersWhenItWasFrozen) {
  WriteGate gate;
  int calls = 0;
  bool frozen_seen = true;
  auto subscription = gate.onThaw([&] {
    ++calls;
    frozen_seen = gate.frozen();  // no lock of the gate is held
  });
  gate.thaw();
  EXPECT_EQ(calls, 0);  // it was not frozen
  {
    auto p = gate.acquire();
    EXPECT_FALSE(gate.freeze(0ms));
  }
  EXPECT_EQ(calls, 0);  // a failed freeze thaws nothing
  ASSERT_TRUE(gate.freeze(1s));
  gate.thaw();
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(frozen_seen);
  gate.thaw();
  EXPECT_EQ(calls, 1);
  subscription.reset();
  ASSERT_TRUE(gate.freeze(1s));
  gate.thaw();
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace spe::instance
