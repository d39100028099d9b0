// A run's report lists its first 50,000 warnings and errors each; every one
// beyond goes to the overflow (the worker result's entries) in batches, at
// its position in the whole list, and the report counts them.
#include <gtest/gtest.h>

#include "instancehost/instance/archiving/import_stages.h"

namespace spe::instance {
namespace {

struct Handed {
  std::string kind;
  std::int64_t first = 0;
  std::vector<std::string> texts;
};

TEST(ImportTally, EveryWarningAndErrorBeyondTheListsGoesToTheOverflowInOrder) {
  std::vector<Handed> handed;
  ImportTally tally;
  tally.overflow = [&](const std::string& kind, std::int64_t first, const std::vector<std::string>& texts) -> Status {
    handed.push_back({kind, first, texts});
    return okStatus();
  };
  constexpr int kWarnings = 52345, kErrors = 50010;
  for (int i = 0; i < kWarnings; ++i) tally.addWarning("w" + std::to_string(i));
  for (int i = 0; i < kErrors; ++i) tally.addError("e" + std::to_string(i));
  tally.flushOverflow();
  EXPECT_EQ(tally.warnings, kWarnings);
  EXPECT_EQ(tally.warning_list.size(), 50000u);
  EXPECT_EQ(tally.error_list.size(), 50000u);
  EXPECT_EQ(tally.unlisted_warnings, 2345u);
  EXPECT_EQ(tally.unlisted_errors, 10u);
  std::map<std::string, std::vector<std::string>> beyond;
  for (const auto& h : handed) {
    auto& list = beyond[h.kind];
    EXPECT_EQ(h.first, 50000 + static_cast<std::int64_t>(list.size())) << h.kind;  // contiguous positions
    EXPECT_LE(h.texts.size(), 1000u);
    list.insert(list.end(), h.texts.begin(), h.texts.end());
  }
  ASSERT_EQ(beyond["warnings"].size(), 2345u);
  ASSERT_EQ(beyond["errors"].size(), 10u);
  EXPECT_EQ(beyond["warnings"].front(), "w50000");
  EXPECT_EQ(beyond["warnings"].back(), "w52344");
  EXPECT_EQ(beyond["errors"].back(), "e50009");
  EXPECT_FALSE(tally.overflow_error.has_value());
}

TEST(ImportTally, AFailingOverflowIsNamedAndTheCountsStay) {
  ImportTally tally;
  tally.overflow = [](const std::string&, std::int64_t, const std::vector<std::string>&) -> Status {
    return makeError(ErrorCode::kIo, "disk full");
  };
  for (int i = 0; i < 51000; ++i) tally.addWarning("w");
  tally.flushOverflow();
  EXPECT_EQ(tally.unlisted_warnings, 1000u);
  ASSERT_TRUE(tally.overflow_error.has_value());
  EXPECT_EQ(*tally.overflow_error, "disk full");
}

TEST(ImportTally, WithoutAnOverflowThoseBeyondAreCounted) {
  ImportTally tally;
  for (int i = 0; i < 50001; ++i) tally.addError("e");
  tally.flushOverflow();
  EXPECT_EQ(tally.error_list.size(), 50000u);
  EXPECT_EQ(tally.unlisted_errors, 1u);
}

}  // namespace
}  // namespace spe::instance
