// The search query language's sizes (index/query_language.h): what a user
// types after size: is refused with an error unless it is a size, so no
// value reaches an integer conversion it does not fit (found by
// query_language_fuzz: "size:>1e400" and "size:<nan" were undefined
// behaviour and gave a query). Whole queries against an index:
// tests/integration/index/archive_index_test.cpp.
#include "index/query_language.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace spe::index {
namespace {

std::vector<std::string> noTerms(const std::string&) { return {}; }

std::string refusal(const std::string& query) {
  auto q = compileQuery(query, noTerms);
  return q ? std::string() : q.error().message;
}

TEST(QueryLanguageSize, SizesAreAccepted) {
  for (const char* ok : {"size:>1M", "size:<100k", "size:10k..2M", "size:>0", "size:<1.5g", "size:>8388608g"}) {
    EXPECT_EQ(refusal(ok), "") << ok;
  }
}

TEST(QueryLanguageSize, InfinityIsRefused) {
  EXPECT_EQ(refusal("size:>1e400"), "The query is not valid: 'size:' needs a size like 100k, 2M or 500.");
  EXPECT_NE(refusal("size:<inf"), "");
  EXPECT_NE(refusal("size:1..infinity"), "");
}

TEST(QueryLanguageSize, NotANumberIsRefused) {
  EXPECT_NE(refusal("size:<nan"), "");
  EXPECT_NE(refusal("size:>NAN"), "");
  EXPECT_NE(refusal("size:nan..1"), "");
}

TEST(QueryLanguageSize, SizesBeyondTwoToThe53AreRefused) {
  EXPECT_NE(refusal("size:>9007199254740994"), "");
  EXPECT_NE(refusal("size:>8388609g"), "") << "2^53 bytes is 8,388,608 GiB";
  EXPECT_NE(refusal("size:<1e300k"), "");
}

TEST(QueryLanguageSize, NegativeAndMalformedSizesAreRefused) {
  for (const char* bad : {"size:>-1", "size:<", "size:>k", "size:1x..2", "size:5", "size:>1M1"}) {
    EXPECT_NE(refusal(bad), "") << bad;
  }
}

}  // namespace
}  // namespace spe::index
