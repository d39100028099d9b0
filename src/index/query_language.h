// The search query language (docs/search.md), compiled to a Xapian query:
//   words                 all must match (any field), stems included, and
//                         from three letters on as the start of a longer
//                         word; Chinese and Japanese text by its
//                         characters and character pairs
//   "a phrase"            the words in this order
//   a OR b                either
//   -word, -"phrase"      must not match
//   auto*  Me?er          trailing * (any ending) and ? (one character)
//   from: to: cc: bcc: subject: body: attachment: content: folder:
//                         field prefixes (addresses also by domain:
//                         from:example.com, from:*@example.com)
//   date:2024-01-01..2024-06-30  after:2024-01-01  before:2024-07-01
//   size:>1M  size:<100k  size:10k..2M
//   has:attachment
// A malformed query is an error naming what is wrong.
// Thread safety: stateless.
#pragma once

#include <xapian.h>

#include <functional>
#include <string>
#include <vector>

#include "common/base/result.h"
#include "index/phrase_check.h"

namespace spe::index {

// Lists the index's terms starting with a prefix (to expand '?').
using TermLister = std::function<std::vector<std::string>(const std::string& prefix)>;

// A query for the index (phrases as all their words: the index keeps no
// positions) and, when the query has phrases, the exact query each
// candidate must match as a document with positions.
struct CompiledQuery {
  Xapian::Query index;
  Xapian::Query exact;
  bool needs_check = false;
  bool has_negated_phrase = false;  // a check must see all of a message's text
  // When every phrase must hold (none negated or in an OR group), a
  // candidate, which matched everything else in the index, matches when
  // all of `phrases` hold: checked without evaluating `exact`.
  bool phrases_suffice = false;
  std::vector<PhraseCheck> phrases;
};

// `zone_offset_seconds` turns dates into UTC (the searcher's time zone).
// `month_terms`: every document searched has its month term (a date range
// reads the dates of its end months only; archive_index.h).
// `legacy_terms`: some index searched predates terms version 2
// (archive_index.h: kTermsVersion); Chinese and Japanese text is then also
// looked for as whole runs, as such an index holds it.
Result<CompiledQuery> compileQuery(const std::string& text, const TermLister& terms, long zone_offset_seconds = 0,
                                   bool month_terms = false, bool legacy_terms = false);

}  // namespace spe::index
