// Names of the instances' system users and the instance IDs the host accepts.
#include "instancehost/instance_users.h"

#include <gtest/gtest.h>

namespace spe::instancehost {
namespace {

TEST(InstanceUsersTest, UserNamesFitTheSystemLimit) {
  EXPECT_EQ(instanceUserName("acme"), "spe-i-acme");
  EXPECT_EQ(instanceUserName(std::string(26, 'a')), "spe-i-" + std::string(26, 'a'));
  const std::string a = instanceUserName("a" + std::string(31, 'x'));
  const std::string b = instanceUserName("b" + std::string(31, 'x'));
  const std::string c = instanceUserName("a" + std::string(30, 'x') + "y");
  for (const auto& n : {a, b, c}) EXPECT_LE(n.size(), 32u) << n;
  EXPECT_NE(a, c);  // same first 17 characters, different IDs
  EXPECT_EQ(a, instanceUserName("a" + std::string(31, 'x')));
}

TEST(InstanceUsersTest, OnlyValidInstanceIds) {
  EXPECT_TRUE(isValidInstanceId("acme-01"));
  for (const char* bad : {"", "ab", "Acme", "1acme", "ac/me", "..", "a..", "acme x", "-acme"}) {
    EXPECT_FALSE(isValidInstanceId(bad)) << bad;
  }
  EXPECT_FALSE(isValidInstanceId(std::string(33, 'a')));
}

}  // namespace
}  // namespace spe::instancehost
