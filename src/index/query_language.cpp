#include "index/query_language.h"

#include <xapian.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>
#include <optional>
#include <set>

#include "common/base/json_reader.h"
#include "index/archive_index.h"

namespace spe::index {
namespace {

struct Token {
  enum Kind { kWord, kPhrase, kOr } kind = kWord;
  std::string field;  // "" or from, to, ...
  std::string text;
  bool negated = false;
};

std::string lower(std::string s) {
  // ASCII lower-casing; Xapian's TermGenerator lower-cases Unicode, so
  // non-ASCII letters go through Xapian::Unicode below.
  std::string out;
  for (Xapian::Utf8Iterator it(s); it != Xapian::Utf8Iterator(); ++it) {
    Xapian::Unicode::append_utf8(out, Xapian::Unicode::tolower(*it));
  }
  return out;
}

// A refused query: the English text, and in `details` the reason's code
// with the values it names ({"reason": ..., ...} as JSON), so Web Access
// can say it in the user's language (docs/end-user-access.md).
Error bad(const std::string& what, const std::string& reason, Json values = Json::object()) {
  values["reason"] = reason;
  return makeError(ErrorCode::kInvalidArgument, "The query is not valid: " + what, dumpJson(values));
}

const std::map<std::string, std::string>& fieldPrefixes() {
  static const std::map<std::string, std::string> m{{"from", "F"},    {"to", "T"},  {"cc", "C"},        {"bcc", "B"},
                                                    {"subject", "S"}, {"body", ""}, {"attachment", "A"}};
  return m;
}

Result<std::vector<Token>> tokenize(const std::string& q) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < q.size()) {
    if (std::isspace(static_cast<unsigned char>(q[i]))) {
      ++i;
      continue;
    }
    Token t;
    if (q[i] == '-') {
      t.negated = true;
      ++i;
      if (i >= q.size() || std::isspace(static_cast<unsigned char>(q[i])))
        return bad("'-' must stand before a word.", "minusBeforeWord");
    }
    // field:
    std::size_t j = i;
    while (j < q.size() && (std::isalpha(static_cast<unsigned char>(q[j])))) ++j;
    if (j < q.size() && q[j] == ':' && j > i) {
      t.field = lower(q.substr(i, j - i));
      i = j + 1;
      if (i >= q.size() || std::isspace(static_cast<unsigned char>(q[i]))) {
        return bad("'" + t.field + ":' needs a value.", "fieldNeedsValue", Json{{"field", t.field}});
      }
    }
    if (q[i] == '"') {
      const std::size_t end = q.find('"', i + 1);
      if (end == std::string::npos) return bad("a quotation mark is not closed.", "quoteNotClosed");
      t.kind = Token::kPhrase;
      t.text = q.substr(i + 1, end - i - 1);
      i = end + 1;
    } else {
      std::size_t end = i;
      while (end < q.size() && !std::isspace(static_cast<unsigned char>(q[end])) && q[end] != '"') ++end;
      t.text = q.substr(i, end - i);
      i = end;
      if (t.field.empty() && !t.negated && t.text == "OR") t.kind = Token::kOr;
    }
    out.push_back(std::move(t));
  }
  return out;
}

// One word in the fields with the given prefixes: exact, or one of its stems.
Xapian::Query wordQuery(const std::string& word, const std::vector<std::string>& prefixes) {
  std::vector<Xapian::Query> alternatives;
  static thread_local Xapian::Stem english("english"), german("german");
  const std::string en = english(word), de = german(word);
  for (const auto& p : prefixes) {
    // The index holds the word, and a "Z" stem where the stem differs from
    // the word; a word that is its own stem stands for its "Z" term.
    alternatives.emplace_back(p + word);
    alternatives.emplace_back("Z" + p + en);
    if (en != word) alternatives.emplace_back(p + en);
    if (de != en) alternatives.emplace_back("Z" + p + de);
    if (de != word && de != en) alternatives.emplace_back(p + de);
  }
  return Xapian::Query(Xapian::Query::OP_OR, alternatives.begin(), alternatives.end());
}

// Words shorter than this match only whole (and by their stems): a
// prefix of one or two letters would stand for most of the vocabulary.
constexpr std::size_t kMinPrefixLetters = 3;

std::size_t letters(const std::string& word) {
  std::size_t n = 0;  // code points: UTF-8 bytes that do not continue one
  for (const char c : word) n += (static_cast<unsigned char>(c) & 0xc0) != 0x80 ? 1 : 0;
  return n;
}

// One word of the index in the fields: itself, one of its stems, or (three
// letters or more) the start of a longer word, as the full-text search of
// mainstream IMAP servers matches ("report" finds "reporting"). The prefix
// is expanded without a limit: every word that starts so counts.
Xapian::Query prefixWordQuery(const std::string& word, const std::vector<std::string>& prefixes) {
  Xapian::Query whole = wordQuery(word, prefixes);
  if (letters(word) < kMinPrefixLetters) return whole;
  std::vector<Xapian::Query> any{whole};
  for (const auto& p : prefixes) any.emplace_back(Xapian::Query::OP_WILDCARD, p + word, 0);
  return Xapian::Query(Xapian::Query::OP_OR, any.begin(), any.end());
}

// A term in any of the fields, as it is.
Xapian::Query anyField(const std::string& term, const std::vector<std::string>& prefixes) {
  std::vector<Xapian::Query> any;
  for (const auto& p : prefixes) any.emplace_back(p + term);
  return Xapian::Query(Xapian::Query::OP_OR, any.begin(), any.end());
}

// The terms a text must have, as the index makes them (textTerms()): its
// words, and its Chinese and Japanese character pairs in place of the
// characters they hold (a character alone stays a word). Distinct.
std::vector<std::string> requiredTerms(const TextTerms& t, std::vector<std::string>* pairs) {
  std::set<std::string> in_pairs;
  for (const auto& pair : t.pairs) {
    for (Xapian::Utf8Iterator it(pair); it != Xapian::Utf8Iterator(); ++it) {
      std::string c;
      Xapian::Unicode::append_utf8(c, *it);
      in_pairs.insert(c);
    }
  }
  std::set<std::string> seen;
  std::vector<std::string> words;
  for (const auto& w : t.words) {
    if (!in_pairs.count(w) && seen.insert(w).second) words.push_back(w);
  }
  *pairs = t.pairs;
  return words;
}

// Runs of word characters, lower case, as indexes made before terms
// version 2 took them (a run of Chinese or Japanese text one word).
std::vector<std::string> legacyWords(const std::string& text) {
  std::vector<std::string> out;
  std::string run;
  for (Xapian::Utf8Iterator it(text); it != Xapian::Utf8Iterator(); ++it) {
    if (Xapian::Unicode::is_wordchar(*it)) {
      Xapian::Unicode::append_utf8(run, Xapian::Unicode::tolower(*it));
    } else if (!run.empty()) {
      out.push_back(std::move(run));
      run.clear();
    }
  }
  if (!run.empty()) out.push_back(std::move(run));
  return out;
}

bool hasCjk(const std::string& text) {
  for (Xapian::Utf8Iterator it(text); it != Xapian::Utf8Iterator(); ++it) {
    if (isCjk(*it)) return true;
  }
  return false;
}

// All the words and pairs of `text` in the fields (AND). `whole`: words
// match whole (phrase candidates), else also as prefixes. `legacy`: some
// index predates terms version 2, where a run of Chinese or Japanese text
// is one word: such runs are also looked for that way.
Xapian::Query allTerms(const std::string& text, const std::vector<std::string>& prefixes, bool whole, bool legacy) {
  std::vector<std::string> pairs;
  const auto words = requiredTerms(textTerms(text), &pairs);
  std::vector<Xapian::Query> all;
  for (const auto& w : words) all.push_back(whole ? anyField(w, prefixes) : prefixWordQuery(w, prefixes));
  for (const auto& pair : pairs) all.push_back(anyField(pair, prefixes));
  Xapian::Query q(Xapian::Query::OP_AND, all.begin(), all.end());
  if (!legacy || !hasCjk(text)) return q;
  std::vector<Xapian::Query> old;
  for (const auto& w : legacyWords(text)) old.push_back(whole ? anyField(w, prefixes) : prefixWordQuery(w, prefixes));
  return Xapian::Query(Xapian::Query::OP_OR, q, Xapian::Query(Xapian::Query::OP_AND, old.begin(), old.end()));
}

Result<Xapian::Query> wildcardQuery(const std::string& pattern, const std::string& prefix, const TermLister& terms) {
  if (pattern.empty() || pattern[0] == '*' || pattern[0] == '?') {
    return bad("a word may not start with '*' or '?' ('" + pattern + "').", "wildcardAtStart", Json{{"word", pattern}});
  }
  const std::string p = lower(pattern);
  const auto q = p.find('?');
  const auto star = p.find('*');
  if (star != std::string::npos && star != p.size() - 1)
    return bad("'*' may only end a word ('" + pattern + "').", "starNotAtEnd", Json{{"word", pattern}});
  if (q == std::string::npos) {
    return Xapian::Query(Xapian::Query::OP_WILDCARD, prefix + p.substr(0, star), 1000,
                         Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
  }
  if (q == p.size() - 1 && star == std::string::npos)
    return bad("'?' may not end a word ('" + pattern + "').", "questionAtEnd", Json{{"word", pattern}});
  // '?': list the terms sharing the part before the first '?', keep the matches.
  const std::string head = prefix + p.substr(0, q);
  const std::string tail_pattern = p.substr(q);
  auto matches = [&](const std::string& term) {
    const std::string rest = term.substr(head.size());
    std::size_t ti = 0, pi = 0;
    for (; pi < tail_pattern.size(); ++pi) {
      const char c = tail_pattern[pi];
      if (c == '*') return true;
      if (ti >= rest.size()) return false;
      if (c == '?') {
        // one character (a whole UTF-8 sequence)
        ++ti;
        while (ti < rest.size() && (static_cast<unsigned char>(rest[ti]) & 0xC0) == 0x80) ++ti;
      } else if (rest[ti++] != c) {
        return false;
      }
    }
    return ti == rest.size();
  };
  std::vector<Xapian::Query> found;
  for (const auto& term : terms(head)) {
    if (matches(term)) found.emplace_back(term);
  }
  if (found.empty()) return Xapian::Query("\x01nothing");
  return Xapian::Query(Xapian::Query::OP_OR, found.begin(), found.end());
}

Result<std::int64_t> parseDate(const std::string& s, long offset, bool end_of_day, const std::string& field) {
  int y = 0, m = 0, d = 0, n = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || static_cast<std::size_t>(n) != s.size() ||
      m < 1 || m > 12 || d < 1 || d > 31) {
    return bad("'" + field + ":' needs a date like 2024-01-31 (got '" + s + "').", "badDate",
               Json{{"field", field}, {"value", s}});
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = m - 1;
  tm.tm_mday = d;
  const std::int64_t day = static_cast<std::int64_t>(timegm(&tm)) - offset;
  return end_of_day ? day + 86400 - 1 : day;
}

Result<std::int64_t> parseSize(std::string s, const std::string& field) {
  double factor = 1;
  if (!s.empty()) {
    const char unit = static_cast<char>(std::tolower(static_cast<unsigned char>(s.back())));
    if (unit == 'k' || unit == 'm' || unit == 'g') {
      factor = unit == 'k' ? 1024.0 : unit == 'm' ? 1048576.0 : 1073741824.0;
      s.pop_back();
    }
  }
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  // Not a number, infinity or beyond 2^53 bytes is no size (and converting
  // it to an integer would be undefined behaviour).
  if (s.empty() || *end != '\0' || !(v >= 0) || v * factor > 9007199254740992.0) {
    return bad("'" + field + ":' needs a size like 100k, 2M or 500.", "badSize", Json{{"field", field}});
  }
  return static_cast<std::int64_t>(v * factor);
}

Xapian::Query valueRange(unsigned slot, std::optional<std::int64_t> from, std::optional<std::int64_t> to) {
  if (from && to) {
    return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, Xapian::sortable_serialise(static_cast<double>(*from)),
                         Xapian::sortable_serialise(static_cast<double>(*to)));
  }
  if (from)
    return Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, Xapian::sortable_serialise(static_cast<double>(*from)));
  return Xapian::Query(Xapian::Query::OP_VALUE_LE, slot, Xapian::sortable_serialise(static_cast<double>(*to)));
}

// A date range. With month terms (archive_index.h) the months inside the
// range are their terms and only the months at its ends read the dates:
// a range costs what its own messages cost, not what every message does.
Xapian::Query dateQuery(std::optional<std::int64_t> from, std::optional<std::int64_t> to, const TermLister& terms,
                        bool month_terms) {
  const Xapian::Query values = valueRange(0, from, to);
  if (!month_terms) return values;
  const std::string first = from ? monthTerm(*from) : std::string(), last = to ? monthTerm(*to) : std::string();
  std::vector<Xapian::Query> parts;
  for (const auto& month : terms("D")) {
    if ((from && month < first) || (to && month > last)) continue;
    if (month == first || month == last) {
      parts.emplace_back(Xapian::Query::OP_FILTER, Xapian::Query(month), values);
    } else {
      parts.emplace_back(month);
    }
  }
  if (parts.empty()) return Xapian::Query::MatchNothing;
  return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end()),
                       0.0);
}

// A quoted value of a text field with more than one word (a quoted folder
// is just a value; a quoted word is that word in the text fields, which
// the index answers exactly).
bool isTextPhrase(const Token& t) {
  if (t.kind != Token::kPhrase || !(t.field.empty() || t.field == "content" || fieldPrefixes().count(t.field) > 0)) {
    return false;
  }
  // Two Chinese or Japanese characters side by side are one pair term,
  // which the index answers exactly.
  const TextTerms terms = textTerms(t.text);
  return splitWords(t.text).size() > 1 && !(terms.words.size() == 2 && terms.pairs.size() == 1);
}

// The fields a phrase is looked for in (a known field: tokenQuery checks).
std::vector<std::string> phrasePrefixes(const std::string& field) {
  if (field.empty()) return {"", "S", "A", "N"};  // the text fields
  if (field == "attachment") return {"A", "N"};
  if (field == "content") return {"", "A", "N"};
  const auto it = fieldPrefixes().find(field);
  return it == fieldPrefixes().end() ? std::vector<std::string>{} : std::vector<std::string>{it->second};
}

// date:, after:, before:.
Result<Xapian::Query> dateTokenQuery(const Token& t, const TermLister& terms, long offset, bool month_terms) {
  if (t.field == "after") {
    auto d = parseDate(t.text, offset, false, "after");
    if (!d) return d.error();
    return dateQuery(*d, std::nullopt, terms, month_terms);
  }
  if (t.field == "before") {
    auto d = parseDate(t.text, offset, false, "before");
    if (!d) return d.error();
    return dateQuery(std::nullopt, *d - 1, terms, month_terms);
  }
  const auto dots = t.text.find("..");
  auto from = parseDate(dots == std::string::npos ? t.text : t.text.substr(0, dots), offset, false, "date");
  if (!from) return from.error();
  auto to = parseDate(dots == std::string::npos ? t.text : t.text.substr(dots + 2), offset, true, "date");
  if (!to) return to.error();
  if (*to < *from) return bad("the date range ends before it starts.", "dateRangeReversed");
  return dateQuery(*from, *to, terms, month_terms);
}

// size:>N, size:<N, size:N..M.
Result<Xapian::Query> sizeTokenQuery(const Token& t) {
  const std::string v = t.text;
  if (v[0] == '>' || v[0] == '<') {
    auto n = parseSize(v.substr(1), "size");
    if (!n) return n.error();
    return v[0] == '>' ? valueRange(1, *n + 1, std::nullopt) : valueRange(1, std::nullopt, *n - 1);
  }
  const auto dots = v.find("..");
  if (dots == std::string::npos) return bad("'size:' needs >N, <N or N..M.", "sizeRange");
  auto from = parseSize(v.substr(0, dots), "size");
  if (!from) return from.error();
  auto to = parseSize(v.substr(dots + 2), "size");
  if (!to) return to.error();
  return valueRange(1, *from, *to);
}

// A word, wildcard or phrase in the text fields, or in one of them.
Result<Xapian::Query> textTokenQuery(const Token& t, const TermLister& terms, bool exact, bool legacy) {
  std::vector<std::string> prefixes;
  if (t.field.empty()) {
    prefixes = {"", "S", "F", "T", "C", "B", "A", "N"};  // every field
  } else if (t.field == "attachment") {
    prefixes = {"A", "N"};
  } else if (t.field == "content") {
    prefixes = {"", "A", "N"};
  } else if (auto it = fieldPrefixes().find(t.field); it != fieldPrefixes().end()) {
    prefixes = {it->second};
  } else {
    return bad("unknown field '" + t.field +
                   ":' (known: from, to, cc, bcc, subject, body, attachment, content, folder, date, "
                   "after, before, size, has).",
               "unknownField", Json{{"field", t.field}});
  }
  const bool address = t.field == "from" || t.field == "to" || t.field == "cc" || t.field == "bcc";
  if (t.kind == Token::kPhrase) {
    // Candidates have every word (whole) and character pair; the exact
    // query wants the words in order (the index's words, so it meets the
    // positions of ArchiveIndex::makeDocument()).
    const TextTerms w = textTerms(t.text);
    if (w.words.empty()) return bad("an empty phrase.", "emptyPhrase");
    std::vector<Xapian::Query> per_prefix;
    for (const auto& p : phrasePrefixes(t.field)) {
      if (!exact || !isTextPhrase(t)) {
        per_prefix.push_back(allTerms(t.text, {p}, true, legacy));
        continue;
      }
      std::vector<Xapian::Query> parts;
      for (const auto& x : w.words) parts.emplace_back(p + x);
      per_prefix.emplace_back(Xapian::Query::OP_PHRASE, parts.begin(), parts.end());
    }
    return Xapian::Query(Xapian::Query::OP_OR, per_prefix.begin(), per_prefix.end());
  }
  std::string text = t.text;
  if (address) {
    // from:*@example.com and from:example.com both mean the domain.
    if (text.rfind("*@", 0) == 0) text = text.substr(2);
    if (text.find('@') != std::string::npos || text.find('.') != std::string::npos) {
      if (text.find_first_of("*?") != std::string::npos) return wildcardQuery(text, prefixes[0], terms);
      return Xapian::Query(prefixes[0] + lower(text));
    }
  }
  if (text.find_first_of("*?") != std::string::npos) {
    std::vector<Xapian::Query> any;
    for (const auto& p : prefixes) {
      auto w = wildcardQuery(text, p, terms);
      if (!w) return w.error();
      any.push_back(*w);
    }
    return Xapian::Query(Xapian::Query::OP_OR, any.begin(), any.end());
  }
  if (textTerms(text).words.empty())
    return bad("'" + t.text + "' has no word to search for.", "noWord", Json{{"word", t.text}});
  return allTerms(text, prefixes, false, legacy);
}

// `exact`: phrases as phrases (needs positions); else as all their words.
Result<Xapian::Query> tokenQuery(const Token& t, const TermLister& terms, long offset, bool exact, bool month_terms,
                                 bool legacy) {
  if (t.field == "has") {
    if (lower(t.text) != "attachment") return bad("'has:' knows only 'attachment'.", "hasAttachmentOnly");
    return Xapian::Query("Khasattachment");
  }
  if (t.field == "folder") {  // the folder itself or a folder below it
    std::string folder = lower(t.text);
    while (!folder.empty() && folder.back() == '/') folder.pop_back();
    return Xapian::Query(Xapian::Query::OP_OR, Xapian::Query("P" + folder),
                         Xapian::Query(Xapian::Query::OP_WILDCARD, "P" + folder + "/"));
  }
  if (t.field == "date" || t.field == "after" || t.field == "before") {
    return dateTokenQuery(t, terms, offset, month_terms);
  }
  if (t.field == "size") return sizeTokenQuery(t);
  return textTokenQuery(t, terms, exact, legacy);
}

}  // namespace

namespace {

Result<Xapian::Query> compileTokens(const std::vector<Token>& tokens, const TermLister& terms, long zone_offset_seconds,
                                    bool month_terms, bool exact, bool legacy) {
  // Groups joined by OR; the groups' positive parts AND-ed, negatives subtracted.
  std::vector<Xapian::Query> positives, negatives;
  std::vector<Xapian::Query> or_group;
  bool pending_or = false;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    if (t.kind == Token::kOr) {
      if (or_group.empty() || i + 1 == tokens.size() || tokens[i + 1].kind == Token::kOr || tokens[i + 1].negated) {
        return bad("'OR' must stand between two words.", "orBetweenWords");
      }
      pending_or = true;
      continue;
    }
    auto q = tokenQuery(t, terms, zone_offset_seconds, exact, month_terms, legacy);
    if (!q) return q.error();
    if (t.negated) {
      if (pending_or) return bad("'OR' must stand between two words.", "orBetweenWords");
      // Without positions a phrase's words may occur apart: only the check
      // against the message may exclude it.
      if (exact || !isTextPhrase(t)) negatives.push_back(*q);
      continue;
    }
    if (pending_or) {
      or_group.push_back(*q);
      pending_or = false;
      continue;
    }
    if (!or_group.empty()) {
      positives.emplace_back(Xapian::Query::OP_OR, or_group.begin(), or_group.end());
      or_group.clear();
    }
    or_group.push_back(*q);
  }
  if (!or_group.empty()) positives.emplace_back(Xapian::Query::OP_OR, or_group.begin(), or_group.end());
  if (positives.empty()) return bad("it only excludes; say what to look for too.", "onlyExcludes");
  Xapian::Query q(Xapian::Query::OP_AND, positives.begin(), positives.end());
  if (!negatives.empty()) {
    q = Xapian::Query(Xapian::Query::OP_AND_NOT, q,
                      Xapian::Query(Xapian::Query::OP_OR, negatives.begin(), negatives.end()));
  }
  return q;
}

}  // namespace

Result<CompiledQuery> compileQuery(const std::string& text, const TermLister& terms, long zone_offset_seconds,
                                   bool month_terms, bool legacy_terms) {
  auto tokens = tokenize(text);
  if (!tokens) return tokens.error();
  if (tokens->empty()) return bad("it is empty.", "emptyQuery");
  auto index = compileTokens(*tokens, terms, zone_offset_seconds, month_terms, false, legacy_terms);
  if (!index) return index.error();
  CompiledQuery out;
  out.index = *index;
  out.exact = *index;
  for (const auto& t : *tokens) {
    out.needs_check = out.needs_check || isTextPhrase(t);
    out.has_negated_phrase = out.has_negated_phrase || (isTextPhrase(t) && t.negated);
  }
  if (out.needs_check) {
    auto exact = compileTokens(*tokens, terms, zone_offset_seconds, month_terms, true, legacy_terms);
    if (!exact) return exact.error();
    out.exact = *exact;
    out.phrases_suffice = true;
    const auto& ts = *tokens;
    for (std::size_t i = 0; i < ts.size(); ++i) {
      const Token& t = ts[i];
      if (!isTextPhrase(t)) continue;
      const bool in_or = (i > 0 && ts[i - 1].kind == Token::kOr) || (i + 1 < ts.size() && ts[i + 1].kind == Token::kOr);
      if (t.negated || in_or) out.phrases_suffice = false;
      out.phrases.push_back({phrasePrefixes(t.field), splitWords(t.text)});
    }
    if (!out.phrases_suffice) out.phrases.clear();
  }
  return out;
}

}  // namespace spe::index
