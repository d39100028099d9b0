#include "index/date_order.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace spe::index {
namespace {

constexpr Xapian::doccount kSortAll = 2000;  // fewer matches than this (beyond the window) are simply sorted

Xapian::MSet sortedByDate(const Xapian::Database& db, const Xapian::Query& query, Xapian::doccount first,
                          Xapian::doccount count) {
  Xapian::Enquire enquire(db);
  enquire.set_query(query);
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  enquire.set_sort_by_value(0, true);
  return enquire.get_mset(first, count);
}

}  // namespace

Xapian::MSet newestFirst(const Xapian::Database& db, const Xapian::Query& query, Xapian::doccount first,
                         Xapian::doccount count, Xapian::doccount check_at_least, MatchCount& matches) {
  Xapian::Enquire counter(db);
  counter.set_query(query);
  counter.set_weighting_scheme(Xapian::BoolWeight());
  const Xapian::MSet counted = counter.get_mset(0, 0, check_at_least);
  matches.estimated = counted.get_matches_estimated();
  matches.exact = counted.get_matches_lower_bound() == counted.get_matches_upper_bound();
  const Xapian::doccount wanted = first + count;
  if (matches.estimated <= wanted + kSortAll) return sortedByDate(db, query, first, count);

  std::vector<std::pair<std::string, Xapian::doccount>> months;  // newest first
  for (auto it = db.allterms_begin("D"); it != db.allterms_end("D"); ++it) months.emplace_back(*it, it.get_termfreq());
  std::reverse(months.begin(), months.end());
  const double share = static_cast<double>(matches.estimated) / std::max<Xapian::doccount>(1, db.get_doccount());
  double needed = 2.0 * wanted + 100;  // matches the months taken should hold
  double expected = 0;
  std::size_t taken = 0;
  for (;;) {
    while (taken < months.size() && expected < needed) expected += share * months[taken++].second;
    if (taken >= months.size()) break;
    std::vector<Xapian::Query> terms;
    for (std::size_t i = 0; i < taken; ++i) terms.emplace_back(months[i].first);
    const Xapian::Query slice(Xapian::Query::OP_FILTER, query,
                              Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()));
    Xapian::MSet mset = sortedByDate(db, slice, first, count);
    // Every match of the months taken is newer than every match outside.
    if (mset.get_matches_lower_bound() >= wanted) return mset;
    needed *= 4;
  }
  return sortedByDate(db, query, first, count);
}

}  // namespace spe::index
