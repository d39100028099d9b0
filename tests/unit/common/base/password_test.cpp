#include "common/base/password.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace spe {
namespace {

TEST(Password, HashIsArgon2idAndVerifies) {
  auto h = hashPassword("Correct-Horse-1");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(verifyPassword("Correct-Horse-1", *h));
  EXPECT_FALSE(verifyPassword("Correct-Horse-2", *h));
  EXPECT_FALSE(verifyPassword("x", ""));
}

TEST(Password, SaltsDiffer) { EXPECT_NE(hashPassword("Same-Pass-11").value(), hashPassword("Same-Pass-11").value()); }

TEST(Password, StrengthRule) {
  EXPECT_FALSE(checkPasswordStrength("Short1!", "u").ok());
  EXPECT_FALSE(checkPasswordStrength("alllowercaseletters", "u").ok());
  EXPECT_FALSE(checkPasswordStrength("lowerUPPERonly", "u").ok());
  EXPECT_TRUE(checkPasswordStrength("lowerUPPER123", "u").ok());
  EXPECT_TRUE(checkPasswordStrength("lower-case-123", "u").ok());
  EXPECT_FALSE(checkPasswordStrength("Admin-User-1", "Admin-User-1").ok());
  EXPECT_FALSE(checkPasswordStrength(std::string(300, 'a') + "A1", "u").ok());
}

TEST(Password, GeneratedPasswordsAreStrongAndUnique) {
  const auto a = generatePassword(20), b = generatePassword(20);
  EXPECT_EQ(a.size(), 20u);
  EXPECT_NE(a, b);
  EXPECT_TRUE(checkPasswordStrength(a, "admin").ok());
}

TEST(Password, AtMostAFewHashesRunAtOnce) {
  const auto hash = hashPassword("Correct-Horse-1").value();
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0}, busy{0};
  const auto before = passwordHashStats();
  for (int i = 0; i < 12; ++i) {
    threads.emplace_back([&] {
      const auto r = checkPassword("wrong-one", hash, std::chrono::seconds(60));
      if (r == PasswordCheck::kMismatch) ++mismatches;
      if (r == PasswordCheck::kBusy) ++busy;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(mismatches + busy, 12);
  // At least the running and the queued ones are checked; the rest may find the queue full.
  EXPECT_GE(mismatches.load(), kMaxConcurrentHashes + kMaxQueuedHashes);
  EXPECT_EQ(passwordHashStats().busy - before.busy, busy.load());
  EXPECT_LE(passwordHashStats().peak_running, kMaxConcurrentHashes);
  EXPECT_GE(passwordHashStats().peak_running, 1);
}

TEST(Password, DummyCheckIsARealVerificationThatNeverMatches) {
  const auto before = passwordHashStats();
  EXPECT_EQ(checkDummyPassword(""), PasswordCheck::kMismatch);
  EXPECT_EQ(checkDummyPassword("anything"), PasswordCheck::kMismatch);
  const auto after = passwordHashStats();
  EXPECT_EQ(after.dummy_verifications - before.dummy_verifications, 2);
  EXPECT_EQ(after.verifications - before.verifications, 2);
}

}  // namespace
}  // namespace spe
