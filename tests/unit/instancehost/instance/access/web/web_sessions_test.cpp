#include "instancehost/instance/access/web/web_sessions.h"

#include <gtest/gtest.h>

#include "fake_clock.h"

namespace spe::instance {
namespace {

using namespace std::chrono_literals;
using testing::FakeClock;

EndUserLogin loginOf(const std::string& name) {
  EndUserLogin login;
  login.name = name;
  login.password_hash = "hash";
  login.generation = 7;
  return login;
}

TEST(WebSessions, ASessionHasItsUserAndTwoDifferentRandomTokens) {
  FakeClock clock;
  WebSessions sessions(clock);
  const auto a = sessions.create("alice", loginOf("alice"));
  const auto b = sessions.create("alice", loginOf("alice"));
  EXPECT_EQ(a.token.size(), 64u);
  EXPECT_EQ(a.csrf.size(), 64u);
  EXPECT_NE(a.token, a.csrf);
  EXPECT_NE(a.token, b.token);
  auto s = sessions.lookup(a.token);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->user, "alice");
  EXPECT_EQ(s->csrf, a.csrf);
  EXPECT_EQ(s->data.generation, 7);
  EXPECT_FALSE(sessions.lookup("").has_value());
  EXPECT_FALSE(sessions.lookup(a.csrf).has_value());  // the CSRF token is no session token
}

TEST(WebSessions, TheCsrfCheckWantsExactlyTheSessionsToken) {
  FakeClock clock;
  WebSessions sessions(clock);
  const auto a = sessions.create("alice", loginOf("alice"));
  const auto s = *sessions.lookup(a.token);
  EXPECT_TRUE(WebSessions::csrfMatches(s, a.csrf));
  EXPECT_FALSE(WebSessions::csrfMatches(s, ""));
  EXPECT_FALSE(WebSessions::csrfMatches(s, a.csrf.substr(1)));
  EXPECT_FALSE(WebSessions::csrfMatches(s, a.csrf + "0"));
  EXPECT_FALSE(WebSessions::csrfMatches(s, a.token));
}

TEST(WebSessions, ASessionEndsAfterItsIdleTimeoutAndEachRequestExtendsIt) {
  FakeClock clock;
  WebSessions sessions(clock, 30min);
  const auto a = sessions.create("alice", loginOf("alice"));
  clock.advance(29min);
  ASSERT_TRUE(sessions.lookup(a.token).has_value());  // a request: idle again from now
  clock.advance(30min);
  ASSERT_TRUE(sessions.lookup(a.token).has_value());  // exactly the timeout is not over it
  clock.advance(30min + 1s);
  EXPECT_FALSE(sessions.lookup(a.token).has_value());
}

TEST(WebSessions, TheSweepRemovesIdleSessionsWithoutARequest) {
  FakeClock clock;
  WebSessions sessions(clock, 5min);
  sessions.create("alice", loginOf("alice"));
  clock.advance(3min);
  const auto bob = sessions.create("bob", loginOf("bob"));
  clock.advance(3min);  // the sweep (every minute) at 6 min: alice idle 6 min, bob 3 min
  EXPECT_EQ(sessions.size(), 1u);
  EXPECT_TRUE(sessions.lookup(bob.token).has_value());
  clock.advance(6min);
  EXPECT_EQ(sessions.size(), 0u);
  EXPECT_EQ(clock.pendingTimers(), 0u);  // nothing left: the sweep stops
  sessions.create("carol", loginOf("carol"));
  EXPECT_EQ(clock.pendingTimers(), 1u);  // and starts again with the next session
}

TEST(WebSessions, EndAndEndAllOf) {
  FakeClock clock;
  WebSessions sessions(clock);
  const auto a1 = sessions.create("$archiveadmin", loginOf("$archiveadmin"));
  const auto a2 = sessions.create("$archiveadmin", loginOf("$archiveadmin"));
  const auto b = sessions.create("bob", loginOf("bob"));
  sessions.end(b.token);
  EXPECT_FALSE(sessions.lookup(b.token).has_value());
  sessions.endAllOf("$archiveadmin");
  EXPECT_EQ(sessions.size(), 0u);
}

TEST(WebSessions, SetGenerationIsKept) {
  FakeClock clock;
  WebSessions sessions(clock);
  const auto a = sessions.create("alice", loginOf("alice"));
  sessions.setGeneration(a.token, 9);
  EXPECT_EQ(sessions.lookup(a.token)->data.generation, 9);
}

TEST(WebSessions, AFloodOfLoginsIsBounded) {
  FakeClock clock;
  WebSessions sessions(clock, 30min, 3);
  for (int i = 0; i < 3; ++i) sessions.create("u" + std::to_string(i), loginOf("u"));
  EXPECT_EQ(sessions.size(), 3u);
  sessions.create("u3", loginOf("u3"));
  EXPECT_EQ(sessions.size(), 1u);
}

TEST(WebSessions, AOneTimePasswordIsSingleUseAndValidFiveMinutes) {
  FakeClock clock;
  WebSessions sessions(clock);
  const std::string p1 = sessions.createOneTimePassword();
  const std::string p2 = sessions.createOneTimePassword();
  const std::string p3 = sessions.createOneTimePassword();
  EXPECT_NE(p1, p2);
  EXPECT_TRUE(sessions.useOneTimePassword(p1));
  EXPECT_FALSE(sessions.useOneTimePassword(p1));
  clock.advance(5min);
  EXPECT_TRUE(sessions.useOneTimePassword(p2));  // at 5 minutes still valid
  clock.advance(1s);
  EXPECT_FALSE(sessions.useOneTimePassword(p3));
  EXPECT_FALSE(sessions.useOneTimePassword("not one"));
  const std::string p4 = sessions.createOneTimePassword();
  sessions.revokeOneTimePasswords();
  EXPECT_FALSE(sessions.useOneTimePassword(p4));
}

}  // namespace
}  // namespace spe::instance
