// Caps of connections not logged in yet, per address and in total.
#include "common/connection_limits.h"

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

}  // namespace
}  // namespace spe
