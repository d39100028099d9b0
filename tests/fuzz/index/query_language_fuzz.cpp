// Fuzz target for the search query language (src/index/query_language.h):
// any bytes as what a user types into Web Access or sends to the instance's
// search, with a term list that answers every prefix. Invariants, not only
// survival:
//   - compileQuery never throws (Xapian's exceptions included) and never
//     runs into undefined behaviour (size and date arithmetic);
//   - a refused query is an invalid-argument error whose message says the
//     query is not valid;
//   - a compiled query describes itself, and compiling it again gives the
//     same query;
//   - without phrases there is nothing to check: exact == index, no phrase
//     list; a phrase list is given only when every phrase must hold (none
//     negated), and each phrase has at least two words and a field.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_checks.h"
#include "index/query_language.h"

using spe::fuzz::check;

namespace {

// Terms of a small index: each prefix has a few words below it, some
// non-ASCII, and months for dates ("D" + YYYYMM).
std::vector<std::string> terms(const std::string& prefix) {
  if (prefix == "D") return {"D202312", "D202401", "D202402", "D202406"};
  std::vector<std::string> out;
  for (const char* tail : {"", "a", "ab", "abc", "\xC3\xA4", "x\xC3\xA4y", "1"}) out.push_back(prefix + tail);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const long zone = (static_cast<long>(data[0] & 0x7F) - 64) * 900;  // -16 h .. +15.75 h
  const bool months = (data[0] & 0x80) != 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    auto q = spe::index::compileQuery(text, terms, zone, months);
    if (!q) {
      check(q.error().code == spe::ErrorCode::kInvalidArgument, "a refused query is an invalid argument");
      check(q.error().message.rfind("The query is not valid: ", 0) == 0, "a refusal says the query is not valid");
      return 0;
    }
    const std::string index = q->index.get_description();
    const std::string exact = q->exact.get_description();
    if (!q->needs_check) {
      check(exact == index, "without phrases the exact query is the index query");
      check(q->phrases.empty() && !q->has_negated_phrase && !q->phrases_suffice, "without phrases nothing to check");
    }
    if (q->has_negated_phrase) check(!q->phrases_suffice, "a negated phrase cannot be checked alone");
    if (!q->phrases_suffice) check(q->phrases.empty(), "phrases listed only when they suffice");
    for (const auto& p : q->phrases) {
      check(p.words.size() >= 2 && !p.prefixes.empty(), "a phrase has two words or more and a field");
    }
    auto again = spe::index::compileQuery(text, terms, zone, months);
    check(again.ok() && again->index.get_description() == index && again->exact.get_description() == exact,
          "compiling is deterministic");
  } catch (...) {
    spe::fuzz::broken("compileQuery throws");
  }
  return 0;
}
