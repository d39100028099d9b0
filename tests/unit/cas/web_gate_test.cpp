// WebGate (cas/web_gate.h): requests of one instance beyond the in-flight
// cap wait in line in order, are refused at once when the line is full,
// give up at their deadline, and other instances never wait for them.
#include "cas/web_gate.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <vector>

namespace spe::cas {
namespace {

using Clock = std::chrono::steady_clock;
using Permit = std::unique_ptr<WebGate::Permit>;

struct Entry {
  bool done = false;
  bool admitted = false;
  bool waited = false;
  Permit permit;
};

asio::awaitable<void> enter(std::shared_ptr<WebGate> gate, std::string instance, Clock::time_point deadline, Entry* e) {
  e->permit = co_await gate->enter(instance, deadline, &e->waited);
  e->admitted = e->permit != nullptr;
  e->done = true;
}

class WebGateTest : public ::testing::Test {
 protected:
  void spawn(const std::string& instance, Entry& e, Clock::time_point deadline = Clock::now() + std::chrono::hours(1)) {
    asio::co_spawn(io_, enter(gate_, instance, deadline, &e), asio::detached);
    io_.restart();
    io_.poll();
  }
  void settle() {
    io_.restart();
    io_.poll();
  }
  asio::io_context io_;
  std::shared_ptr<WebGate> gate_ = std::make_shared<WebGate>(2, 2);
};

TEST_F(WebGateTest, RequestsBeyondTheCapWaitInLineInOrderAndTheLineIsBounded) {
  std::vector<Entry> e(6);
  for (auto& x : e) spawn("acme", x);
  EXPECT_TRUE(e[0].admitted && e[1].admitted);
  EXPECT_FALSE(e[0].waited);
  EXPECT_FALSE(e[2].done);
  EXPECT_FALSE(e[3].done);
  // The line holds two: the fifth and sixth are refused at once.
  EXPECT_TRUE(e[4].done && !e[4].admitted && !e[4].waited);
  EXPECT_TRUE(e[5].done && !e[5].admitted);
  EXPECT_EQ(gate_->load("acme"), (std::pair<std::size_t, std::size_t>{2, 2}));
  e[1].permit.reset();  // the first in line goes next
  settle();
  EXPECT_TRUE(e[2].admitted && e[2].waited);
  EXPECT_FALSE(e[3].done);
  e[0].permit.reset();
  settle();
  EXPECT_TRUE(e[3].admitted);
  e[2].permit.reset();
  e[3].permit.reset();
  settle();
  EXPECT_EQ(gate_->load("acme"), (std::pair<std::size_t, std::size_t>{0, 0}));
}

TEST_F(WebGateTest, OtherInstancesNeverWaitForABusyOne) {
  std::vector<Entry> busy(4);
  for (auto& x : busy) spawn("stuck", x);
  Entry other;
  spawn("globex", other);
  EXPECT_TRUE(other.admitted);
  EXPECT_FALSE(other.waited);
}

TEST_F(WebGateTest, AWaitEndsAtItsDeadlineAndLeavesTheLine) {
  std::vector<Entry> held(2);
  for (auto& x : held) spawn("acme", x);
  Entry late;
  spawn("acme", late, Clock::now() + std::chrono::milliseconds(20));
  EXPECT_FALSE(late.done);
  for (int i = 0; i < 500 && !late.done; ++i) io_.run_one_for(std::chrono::milliseconds(100));
  EXPECT_TRUE(late.done);
  EXPECT_FALSE(late.admitted);
  EXPECT_TRUE(late.waited);
  EXPECT_EQ(gate_->load("acme"), (std::pair<std::size_t, std::size_t>{2, 0}));
  held[0].permit.reset();  // nobody in line: the count goes down
  EXPECT_EQ(gate_->load("acme"), (std::pair<std::size_t, std::size_t>{1, 0}));
}

}  // namespace
}  // namespace spe::cas
