#include "management/instance_filter.h"

#include <gtest/gtest.h>

namespace spe::management {
namespace {

TEST(InstanceFilter, AllAndQualifiers) {
  auto f = parseInstanceFilter("* .running");
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->all);
  EXPECT_EQ(f->state, "running");
  f = parseInstanceFilter("  *\t.stopped ");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->state, "stopped");
}

TEST(InstanceFilter, IdsAndHosts) {
  auto f = parseInstanceFilter("inst01 inst02 *host01 *host02");
  ASSERT_TRUE(f.ok());
  EXPECT_FALSE(f->all);
  EXPECT_EQ(f->ids, (std::set<std::string>{"inst01", "inst02"}));
  EXPECT_EQ(f->hosts, (std::set<std::string>{"host01", "host02"}));
  EXPECT_FALSE(f->state.has_value());
}

TEST(InstanceFilter, Errors) {
  EXPECT_FALSE(parseInstanceFilter("").ok());
  EXPECT_FALSE(parseInstanceFilter(" .running").ok());  // qualifier alone selects nothing
  EXPECT_FALSE(parseInstanceFilter("* .paused").ok());
  EXPECT_FALSE(parseInstanceFilter("* .running .stopped").ok());
  EXPECT_TRUE(parseInstanceFilter("* .running .running").ok());
}

TEST(InstanceId, SeedRule) {
  EXPECT_TRUE(isValidInstanceId("abc"));
  EXPECT_TRUE(isValidInstanceId("customer-01"));
  EXPECT_TRUE(isValidInstanceId(std::string(32, 'a')));
  EXPECT_FALSE(isValidInstanceId("ab"));
  EXPECT_FALSE(isValidInstanceId(std::string(33, 'a')));
  EXPECT_FALSE(isValidInstanceId("1abc"));
  EXPECT_FALSE(isValidInstanceId("-abc"));
  EXPECT_FALSE(isValidInstanceId("Abc"));
  EXPECT_FALSE(isValidInstanceId("ab_c"));
  EXPECT_FALSE(isValidInstanceId("ab c"));
  EXPECT_FALSE(isValidInstanceId("ab\xc3\xa4"));
}

}  // namespace
}  // namespace spe::management
