#include "common/base/result.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace spe {
namespace {

// The table behind errorCodeName/errorCodeFromName covers every code, each
// with its own name, and reads both ways.
TEST(ErrorCodeTable, EveryCodeHasAUniqueNameThatReadsBack) {
  std::set<std::string> names;
  for (std::size_t i = 0; i < kErrorCodeCount; ++i) {
    const auto code = static_cast<ErrorCode>(i);
    const std::string name = errorCodeName(code);
    EXPECT_FALSE(name.empty());
    EXPECT_TRUE(names.insert(name).second) << "two codes are called " << name;
    auto back = errorCodeFromName(name);
    ASSERT_TRUE(back.has_value()) << name;
    EXPECT_EQ(*back, code) << name;
  }
  EXPECT_EQ(names.size(), kErrorCodeCount);
}

// The names are a wire format (RPC error frames): they never change.
TEST(ErrorCodeTable, NamesAreStable) {
  EXPECT_STREQ(errorCodeName(ErrorCode::kInvalidArgument), "invalidArgument");
  EXPECT_STREQ(errorCodeName(ErrorCode::kNotFound), "notFound");
  EXPECT_STREQ(errorCodeName(ErrorCode::kCorrupt), "corrupt");
  EXPECT_STREQ(errorCodeName(ErrorCode::kInternal), "internal");
  EXPECT_STREQ(errorCodeName(ErrorCode::kResourceExhausted), "resourceExhausted");
  EXPECT_EQ(kErrorCodeCount, 15u);
}

TEST(ErrorCodeTable, UnknownNamesAreNotCodes) {
  EXPECT_FALSE(errorCodeFromName("").has_value());
  EXPECT_FALSE(errorCodeFromName("Corrupt").has_value());
  EXPECT_FALSE(errorCodeFromName("corrupt ").has_value());
  EXPECT_FALSE(errorCodeFromName("kCorrupt").has_value());
}

}  // namespace
}  // namespace spe
