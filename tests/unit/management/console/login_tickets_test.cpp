// The console's login tickets with a fake clock: a ticket lives 5 minutes,
// allows 5 wrong codes, is used once, and a flood of tickets stays bounded.
#include "management/console/login_tickets.h"

#include <gtest/gtest.h>

#include <set>

#include "fake_clock.h"

namespace spe::management {
namespace {

using namespace std::chrono_literals;

TEST(LoginTickets, ATicketIsRandomAndNamesItsLogin) {
  testing::FakeClock clock;
  LoginTickets tickets(clock);
  const std::string a = tickets.issue("admin", "hash", "mfa");
  const std::string b = tickets.issue("admin", "hash", "mfa");
  EXPECT_EQ(a.size(), 64u);
  EXPECT_NE(a, b);
  auto t = tickets.find(a);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->user, "admin");
  EXPECT_EQ(t->password_hash, "hash");
  EXPECT_EQ(t->mfa_binding, "mfa");
  EXPECT_FALSE(tickets.find("").has_value());
  EXPECT_FALSE(tickets.find(a.substr(1)).has_value());
}

TEST(LoginTickets, ExpiresAfterFiveMinutes) {
  testing::FakeClock clock;
  LoginTickets tickets(clock);
  const std::string token = tickets.issue("admin", "b", "m");
  clock.advance(LoginTickets::kLifetime - 1s);
  EXPECT_TRUE(tickets.find(token).has_value());
  clock.advance(1s);
  EXPECT_FALSE(tickets.find(token).has_value());
  EXPECT_EQ(tickets.size(), 0u);
}

TEST(LoginTickets, IsUsedOnce) {
  testing::FakeClock clock;
  LoginTickets tickets(clock);
  const std::string token = tickets.issue("admin", "b", "m");
  EXPECT_TRUE(tickets.take(token));
  EXPECT_FALSE(tickets.take(token));
  EXPECT_FALSE(tickets.find(token).has_value());
}

TEST(LoginTickets, AllowsFiveWrongCodes) {
  testing::FakeClock clock;
  LoginTickets tickets(clock);
  const std::string token = tickets.issue("admin", "b", "m");
  for (int i = 1; i < LoginTickets::kMaxAttempts; ++i) {
    EXPECT_TRUE(tickets.failed(token)) << i;
    EXPECT_EQ(tickets.find(token)->attempts, i);
  }
  EXPECT_FALSE(tickets.failed(token));  // the fifth: the password is needed again
  EXPECT_FALSE(tickets.find(token).has_value());
  EXPECT_FALSE(tickets.failed(token));
}

TEST(LoginTickets, AFloodKeepsTheNewestWithinTheLimit) {
  testing::FakeClock clock;
  LoginTickets tickets(clock, 10);
  std::vector<std::string> issued;
  for (int i = 0; i < 25; ++i) {
    issued.push_back(tickets.issue("u" + std::to_string(i), "b", "m"));
    clock.advance(1s);
  }
  EXPECT_LE(tickets.size(), 10u);
  EXPECT_TRUE(tickets.find(issued.back()).has_value());
  EXPECT_FALSE(tickets.find(issued.front()).has_value());
}

}  // namespace
}  // namespace spe::management
