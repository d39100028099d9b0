#include "management/api/login_throttle.h"

#include <gtest/gtest.h>

namespace spe::management {
namespace {

TEST(LoginThrottle, DelaysOnlyBeyondTheFreeFailuresPerAddress) {
  LoginThrottle t;
  for (int i = 0; i < LoginThrottle::kFreeFailures; ++i) EXPECT_EQ(t.failure("10.0.0.1").count(), 0);
  EXPECT_EQ(t.failure("10.0.0.1"), LoginThrottle::kDelay);
  EXPECT_EQ(t.failure("10.0.0.1"), LoginThrottle::kDelay);
  EXPECT_EQ(t.failure("10.0.0.2").count(), 0);  // another address is not affected
}

}  // namespace
}  // namespace spe::management
