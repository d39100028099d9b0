#include "cas/login_delays.h"

#include <gtest/gtest.h>

#include <string>

#include "fake_clock.h"

namespace spe::cas {
namespace {

using namespace std::chrono_literals;
using testing::FakeClock;

TEST(LoginDelays, EachFailureFromAnAddressDoublesTheDelayUpTo15Seconds) {
  FakeClock clock;
  LoginDelays d(clock);
  for (auto expected : {1000ms, 2000ms, 4000ms, 8000ms, 15000ms, 15000ms}) {
    EXPECT_EQ(d.failure("10.0.0.1"), expected);
    clock.advance(1s);
  }
  EXPECT_EQ(d.failure("10.0.0.2"), 1000ms);  // another address starts afresh
}

TEST(LoginDelays, TheCountEndsFifteenMinutesAfterTheLastFailure) {
  FakeClock clock;
  LoginDelays d(clock);
  d.failure("10.0.0.1");
  d.failure("10.0.0.1");
  clock.advance(15min);  // not over yet: the window is measured from the last failure
  EXPECT_EQ(d.failure("10.0.0.1"), 4000ms);
  clock.advance(15min + 1s);
  EXPECT_EQ(d.failure("10.0.0.1"), 1000ms);
}

TEST(LoginDelays, ASuccessClearsTheAddressesCount) {
  FakeClock clock;
  LoginDelays d(clock);
  d.failure("10.0.0.1");
  d.failure("10.0.0.1");
  d.success("10.0.0.1");
  EXPECT_EQ(d.failure("10.0.0.1"), 1000ms);
}

TEST(LoginDelays, AnIPv6ClientCountsByItsPrefix) {
  FakeClock clock;
  LoginDelays d(clock);
  d.failure("2001:db8:1:2::1");
  EXPECT_EQ(d.failure("2001:db8:1:2::ffff"), 2000ms);
  EXPECT_EQ(d.failure("2001:db8:1:3::1"), 1000ms);
}

// A flood of addresses that fills the table drops those failing longest
// ago, not the address that is failing now.
TEST(LoginDelays, AFloodKeepsTheDelaysOfRecentFailures) {
  FakeClock clock;
  LoginDelays d(clock);
  for (std::size_t i = 0; i < LoginDelays::kMaxEntries; ++i) {
    d.failure("10." + std::to_string(i / 65536) + "." + std::to_string(i / 256 % 256) + "." + std::to_string(i % 256));
    if (i % 1000 == 0) clock.advance(1ms);
  }
  clock.advance(1s);
  d.failure("192.0.2.1");
  d.failure("192.0.2.1");
  for (int i = 0; i < 10; ++i) d.failure("198.51.100." + std::to_string(i));  // the table overflows
  EXPECT_EQ(d.failure("192.0.2.1"), 4000ms);
}

}  // namespace
}  // namespace spe::cas
