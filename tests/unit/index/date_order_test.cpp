// Newest first by month terms, and date ranges by month terms, answer
// exactly what sorting and filtering by the date values answer.
#include "index/date_order.h"

#include <gtest/gtest.h>
#include <xapian.h>

#include <random>

#include "index/archive_index.h"
#include "index/query_language.h"

namespace spe::index {
namespace {

// 30,000 documents over ten years (some on the very same second), in a
// random order; "x" in half of them, "y" in one of twenty.
class DateOrderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::mt19937 rng(11);
    const std::int64_t start = 1262304000;  // 2010-01-01
    for (int i = 0; i < 30000; ++i) {
      const std::int64_t date = i % 100 == 0 ? start + 86400 * 1000
                                             : start + static_cast<std::int64_t>(rng() % (86400u * 3650));
      Xapian::Document doc;
      if (rng() % 2 == 0) doc.add_term("x");
      if (rng() % 20 == 0) doc.add_term("y");
      doc.add_term("all");
      doc.add_boolean_term(monthTerm(date));
      doc.add_value(0, Xapian::sortable_serialise(static_cast<double>(date)));
      db.add_document(doc);
    }
  }
  std::vector<Xapian::docid> sorted(const Xapian::Query& q, Xapian::doccount first, Xapian::doccount count) {
    Xapian::Enquire e(db);
    e.set_query(q);
    e.set_weighting_scheme(Xapian::BoolWeight());
    e.set_sort_by_value(0, true);
    return ids(e.get_mset(first, count));
  }
  static std::vector<Xapian::docid> ids(const Xapian::MSet& m) {
    std::vector<Xapian::docid> out;
    for (auto it = m.begin(); it != m.end(); ++it) out.push_back(*it);
    return out;
  }
  std::vector<Xapian::docid> all(const Xapian::Query& q) {
    Xapian::Enquire e(db);
    e.set_query(q);
    std::vector<Xapian::docid> out = ids(e.get_mset(0, db.get_doccount()));
    std::sort(out.begin(), out.end());
    return out;
  }
  Xapian::WritableDatabase db{std::string(), Xapian::DB_BACKEND_INMEMORY};
};

TEST_F(DateOrderTest, WindowsEqualTheFullSort) {
  for (const char* term : {"x", "y", "all"}) {
    for (const auto& [first, count] : std::vector<std::pair<Xapian::doccount, Xapian::doccount>>{
             {0, 50}, {0, 1}, {950, 50}, {5000, 100}, {14900, 200}, {0, 1000}}) {
      MatchCount matches;
      const Xapian::MSet m = newestFirst(db, Xapian::Query(term), first, count, 10000, matches);
      EXPECT_EQ(ids(m), sorted(Xapian::Query(term), first, count)) << term << " " << first << "+" << count;
      if (matches.exact) {
        EXPECT_EQ(matches.estimated, db.get_termfreq(term));
      }
    }
  }
  MatchCount none;
  EXPECT_EQ(newestFirst(db, Xapian::Query("nothing"), 0, 50, 10000, none).size(), 0u);
  EXPECT_EQ(none.estimated, 0u);
}

TEST_F(DateOrderTest, DateRangesByMonthTermsEqualTheDateValues) {
  auto lister = [&](const std::string& prefix) {
    std::vector<std::string> out;
    for (auto it = db.allterms_begin(prefix); it != db.allterms_end(prefix); ++it) out.push_back(*it);
    return out;
  };
  for (const char* text : {"x date:2012-03-15..2014-07-02", "x date:2015-06-01", "y after:2018-12-31",
                           "before:2011-02-01 y", "date:2019-12-31..2020-01-01", "x date:2030-01-01..2031-01-01"}) {
    for (long zone : {0L, 7200L, -18000L}) {
      auto by_values = compileQuery(text, lister, zone, false);
      auto by_months = compileQuery(text, lister, zone, true);
      ASSERT_TRUE(by_values.ok() && by_months.ok()) << text;
      EXPECT_EQ(all(by_months->index), all(by_values->index)) << text << " zone " << zone;
    }
  }
}

}  // namespace
}  // namespace spe::index
