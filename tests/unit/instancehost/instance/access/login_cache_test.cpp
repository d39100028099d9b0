// The verified-login cache (instancehost/instance/access/login_cache.h):
// which logins skip Argon2id, for how long, and what makes them miss.
#include "instancehost/instance/access/login_cache.h"

#include <gtest/gtest.h>

#include "fake_clock.h"

namespace spe::instance {
namespace {

using spe::testing::FakeClock;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(VerifiedLoginCache, TheRightPasswordMatchesWithinTheTtl) {
  FakeClock clock;
  VerifiedLoginCache cache(clock, minutes(10));
  EXPECT_FALSE(cache.matches("ann", "pw", "$argon2id$h1")) << "nothing verified yet";
  cache.remember("ann", "pw", "$argon2id$h1");
  EXPECT_TRUE(cache.matches("ann", "pw", "$argon2id$h1"));
  clock.advance(minutes(10) - seconds(1));
  EXPECT_TRUE(cache.matches("ann", "pw", "$argon2id$h1"));
  clock.advance(seconds(1));
  EXPECT_FALSE(cache.matches("ann", "pw", "$argon2id$h1")) << "past the ttl: Argon2id again";
  cache.remember("ann", "pw", "$argon2id$h1");
  EXPECT_TRUE(cache.matches("ann", "pw", "$argon2id$h1")) << "a new check starts a new ttl";
}

TEST(VerifiedLoginCache, AnythingElseMisses) {
  FakeClock clock;
  VerifiedLoginCache cache(clock);
  cache.remember("ann", "pw", "$argon2id$h1");
  EXPECT_FALSE(cache.matches("ann", "pW", "$argon2id$h1")) << "another password";
  EXPECT_FALSE(cache.matches("ann", "pw ", "$argon2id$h1"));
  EXPECT_FALSE(cache.matches("ann", "", "$argon2id$h1"));
  EXPECT_FALSE(cache.matches("ann", "pw", "$argon2id$h2")) << "the password was changed";
  EXPECT_FALSE(cache.matches("bob", "pw", "$argon2id$h1")) << "another user with the same hash";
  EXPECT_FALSE(cache.matches("ann", "pw", "")) << "a user without a password";
  EXPECT_FALSE(cache.matches("ann", "pw$argon2id$h", "1")) << "fields hash with their lengths";
  EXPECT_FALSE(cache.matches("ann", "p", "w$argon2id$h1"));
  EXPECT_TRUE(cache.matches("ann", "pw", "$argon2id$h1")) << "misses leave the entry";
  cache.forget("ann");
  EXPECT_FALSE(cache.matches("ann", "pw", "$argon2id$h1"));
}

TEST(VerifiedLoginCache, FiveMinutesByDefaultAndAHitDoesNotExtendIt) {
  FakeClock clock;
  VerifiedLoginCache cache(clock);
  cache.remember("ann", "pw", "$argon2id$h1");
  clock.advance(minutes(4));
  EXPECT_TRUE(cache.matches("ann", "pw", "$argon2id$h1"));
  clock.advance(seconds(59));
  EXPECT_TRUE(cache.matches("ann", "pw", "$argon2id$h1"));
  clock.advance(seconds(1));
  EXPECT_FALSE(cache.matches("ann", "pw", "$argon2id$h1")) << "5 minutes after the Argon2id check, hits or not";
}

TEST(VerifiedLoginCache, ANewPasswordReplacesTheOld) {
  FakeClock clock;
  VerifiedLoginCache cache(clock);
  cache.remember("ann", "old", "$argon2id$h1");
  cache.remember("ann", "new", "$argon2id$h2");
  EXPECT_TRUE(cache.matches("ann", "new", "$argon2id$h2"));
  EXPECT_FALSE(cache.matches("ann", "old", "$argon2id$h1"));
  EXPECT_EQ(cache.size(), 1u);
}

TEST(VerifiedLoginCache, BoundedExpiredThenOldestGoFirst) {
  FakeClock clock;
  VerifiedLoginCache cache(clock, minutes(10), 3);
  cache.remember("a", "pw", "h");
  clock.advance(minutes(1));
  cache.remember("b", "pw", "h");
  cache.remember("c", "pw", "h");
  cache.remember("d", "pw", "h");  // full: the oldest (a) goes
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_FALSE(cache.matches("a", "pw", "h"));
  EXPECT_TRUE(cache.matches("d", "pw", "h"));
  clock.advance(minutes(10));
  cache.remember("e", "pw", "h");  // b, c, d expired: all go
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_TRUE(cache.matches("e", "pw", "h"));
}

TEST(VerifiedLoginCache, TwoCachesNeverShareAMac) {
  // The MAC key is random per cache (per process): an entry means nothing
  // outside the cache that made it.
  FakeClock clock;
  VerifiedLoginCache one(clock), two(clock);
  one.remember("ann", "pw", "h");
  EXPECT_FALSE(two.matches("ann", "pw", "h"));
}

}  // namespace
}  // namespace spe::instance
