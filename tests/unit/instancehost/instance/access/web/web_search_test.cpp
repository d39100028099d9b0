#include "instancehost/instance/access/web/web_search.h"

#include <gtest/gtest.h>

namespace spe::instance {
namespace {

TEST(ComposeQuery, FieldsBecomeTheQueryLanguage) {
  SearchForm f;
  f.query = "invoice -draft";
  f.from = "Anna  Smith";
  f.to = "bob@example.com";
  f.subject = "\"quarterly\" report";
  f.has_attachment = true;
  f.after = "2024-01-01";
  f.until = "2024-02-29";
  EXPECT_EQ(composeQuery(f).value(),
            "invoice -draft from:Anna from:Smith to:bob@example.com subject:quarterly subject:report has:attachment "
            "after:2024-01-01 before:2024-03-01");
}

TEST(ComposeQuery, UntilIsInclusiveAcrossMonthsAndYears) {
  SearchForm f;
  f.until = "2023-12-31";
  EXPECT_EQ(composeQuery(f).value(), "before:2024-01-01");
  f.until = "2023-02-28";
  EXPECT_EQ(composeQuery(f).value(), "before:2023-03-01");
  f.until.clear();
  f.before = "2024-07-01";
  EXPECT_EQ(composeQuery(f).value(), "before:2024-07-01");
}

TEST(ComposeQuery, EmptyFormIsEmpty) { EXPECT_EQ(composeQuery(SearchForm{}).value(), ""); }

TEST(ComposeQuery, BadDatesNameTheirField) {
  for (const char* bad : {"yesterday", "2024-13-01", "2023-02-29", "2024-1-01", "20240101xx", "2024-01-0a"}) {
    SearchForm f;
    f.until = bad;
    auto r = composeQuery(f);
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().message.find("'until'"), std::string::npos) << bad;
    EXPECT_EQ(r.error().details, "until") << bad;  // the field Web Access names in its own language
  }
  SearchForm f;
  f.after = "x";
  EXPECT_NE(composeQuery(f).error().message.find("'after'"), std::string::npos);
  EXPECT_EQ(composeQuery(f).error().details, "after");
}

}  // namespace
}  // namespace spe::instance
