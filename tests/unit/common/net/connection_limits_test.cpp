// Caps of connections not logged in yet, per address and in total.
#include "common/net/connection_limits.h"

#include <gtest/gtest.h>

#include <vector>

namespace spe {
namespace {

TEST(ConnectionLimiter, CapsPerAddress) {
  auto limiter = std::make_shared<ConnectionLimiter>(ConnectionLimits{3, 100});
  std::vector<std::shared_ptr<ConnectionSlot>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(limiter->admit("10.0.0.1"));
    ASSERT_TRUE(held.back());
  }
  EXPECT_FALSE(limiter->admit("10.0.0.1"));
  EXPECT_TRUE(limiter->admit("10.0.0.2"));  // another address is not affected (its slot goes at once)
  held.pop_back();                          // a connection closed
  EXPECT_TRUE(limiter->admit("10.0.0.1"));
}

TEST(ConnectionLimiter, CapsInTotal) {
  auto limiter = std::make_shared<ConnectionLimiter>(ConnectionLimits{10, 4});
  std::vector<std::shared_ptr<ConnectionSlot>> held;
  for (int i = 0; i < 4; ++i) held.push_back(limiter->admit("10.0.0." + std::to_string(i)));
  EXPECT_EQ(limiter->total(), 4u);
  EXPECT_FALSE(limiter->admit("10.0.0.99"));
  held.clear();
  EXPECT_EQ(limiter->total(), 0u);
  EXPECT_TRUE(limiter->admit("10.0.0.99"));
}

TEST(ConnectionLimiter, AnAuthenticatedConnectionNoLongerCounts) {
  auto limiter = std::make_shared<ConnectionLimiter>(ConnectionLimits{1, 10});
  auto first = limiter->admit("10.0.0.1");
  ASSERT_TRUE(first);
  EXPECT_FALSE(limiter->admit("10.0.0.1"));
  first->authenticated();
  first->authenticated();  // idempotent: counted back once
  EXPECT_EQ(limiter->total(), 0u);
  auto second = limiter->admit("10.0.0.1");
  EXPECT_TRUE(second);
  first.reset();  // closing after logging in gives nothing back twice
  EXPECT_FALSE(limiter->admit("10.0.0.1"));
}

TEST(ConnectionLimiter, ASlotKeepsItsLimiterAlive) {
  auto limiter = std::make_shared<ConnectionLimiter>(ConnectionLimits{1, 1});
  auto slot = limiter->admit("a");
  limiter.reset();
  slot.reset();  // no use after free
  SUCCEED();
}

// One IPv6 host holds a whole /64: its addresses count together, and an
// IPv4 client counts the same whichever way its address is written.
TEST(ConnectionLimiter, IPv6CountsByPrefixAndMappedIPv4AsIPv4) {
  EXPECT_EQ(clientKey("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
  EXPECT_EQ(clientKey("2001:db8:1:2:ffff:ffff:ffff:ffff"), "2001:db8:1:2::/64");
  EXPECT_EQ(clientKey("::ffff:192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(clientKey("192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(clientKey("not an address"), "not an address");
  auto limiter = std::make_shared<ConnectionLimiter>(ConnectionLimits{2, 100});
  auto a = limiter->admit("2001:db8::1");
  auto b = limiter->admit("2001:db8::2");
  EXPECT_TRUE(a && b);
  EXPECT_FALSE(limiter->admit("2001:db8::3"));
  EXPECT_TRUE(limiter->admit("2001:db8:0:1::3"));  // another /64
  auto c = limiter->admit("192.0.2.7");
  auto d = limiter->admit("::ffff:192.0.2.7");
  EXPECT_TRUE(c && d);
  EXPECT_FALSE(limiter->admit("192.0.2.7"));
}

// A connection that never logs in cannot keep its slot by sending a
// failing request now and then: after its lifetime the protocol closes it.
TEST(ConnectionLimiter, ASlotOverstaysOnlyWhileNotLoggedIn) {
  auto limiter = std::make_shared<ConnectionLimiter>(ConnectionLimits{2, 100});
  auto slot = limiter->admit("10.0.0.1");
  ASSERT_TRUE(slot);
  EXPECT_FALSE(slot->overstayed());
  EXPECT_TRUE(slot->overstayed(std::chrono::nanoseconds(-1)));
  slot->authenticated();
  EXPECT_FALSE(slot->overstayed(std::chrono::nanoseconds(-1)));
}

}  // namespace
}  // namespace spe
