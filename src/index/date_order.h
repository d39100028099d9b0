// Newest-first windows of a query's matches without reading the date of
// every match. Sorting by date reads each match's date value (about a
// third of a microsecond each: 30 ms for 100,000 matches); instead the
// matches are counted (up to a limit), and the month terms of the index
// (archive_index.h: monthTerm) are taken from the newest month back until
// they should hold enough matches; only the matches in those months are
// sorted. A window that comes up short takes more months; the last resort
// is the whole sort.
// Thread safety: stateless; the database is the caller's.
#pragma once

#include <xapian.h>

namespace spe::index {

struct MatchCount {
  Xapian::doccount estimated = 0;
  bool exact = true;
};

// The window [first, first + count) of the query's matches, newest
// first. Every document of `db` must have its month term. `count` gets the
// number of matches: exact up to `check_at_least`, estimated beyond.
// Throws Xapian::Error.
Xapian::MSet newestFirst(const Xapian::Database& db, const Xapian::Query& query, Xapian::doccount first,
                         Xapian::doccount count, Xapian::doccount check_at_least, MatchCount& matches);

}  // namespace spe::index
