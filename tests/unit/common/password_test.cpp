#include "common/password.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace spe
