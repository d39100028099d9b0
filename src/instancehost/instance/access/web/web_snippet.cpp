#include "instancehost/instance/access/web/web_snippet.h"

#include <xapian.h>

#include <algorithm>
#include <cstdint>
#include <set>

#include "common/base/text.h"
#include "common/base/utf8.h"

namespace spe::instance {
namespace {

// Text looked at for a snippet: the first hit is normally near the top, and
// a body of megabytes must not cost megabytes per listed hit.
constexpr std::size_t kMaxScannedBytes = 256 * 1024;
// A term shorter than this marks whole words only (the search matches such
// words whole too: query_language.cpp, kMinPrefixLetters).
constexpr std::size_t kMinPrefixLetters = 3;

// Chinese, Japanese and Korean scripts (and their punctuation and
// full-width forms), written without spaces between words: the index finds
// any word inside them, so a term marks them anywhere.
bool isCjk(std::uint32_t c) {
  return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) || (c >= 0xAC00 && c <= 0xD7AF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFF00 && c <= 0xFFEF) || (c >= 0x20000 && c <= 0x2FFFF);
}

bool isWordChar(std::uint32_t c) { return Xapian::Unicode::is_wordchar(c); }

std::vector<std::uint32_t> codePoints(std::string_view s) {
  std::vector<std::uint32_t> out;
  for (Xapian::Utf8Iterator it(s.data(), s.size()); it != Xapian::Utf8Iterator(); ++it) out.push_back(*it);
  return out;
}

std::string utf8(const std::vector<std::uint32_t>& cps, std::size_t from, std::size_t to) {
  std::string out;
  for (std::size_t i = from; i < to; ++i) appendUtf8(out, cps[i]);
  return out;
}

// The words of a query token's text: runs of word characters, a run of
// Chinese, Japanese or Korean characters as one (it is marked anywhere);
// nothing from the first wildcard on ("auto*" is "auto", "Me?er" is "me").
void addWords(const std::string& text, std::set<std::string>& out) {
  const std::string before_wildcard = text.substr(0, text.find_first_of("*?"));
  std::string word;
  bool cjk = false;
  auto flush = [&] {
    if (!word.empty()) out.insert(word);
    word.clear();
  };
  for (const std::uint32_t c : codePoints(before_wildcard)) {
    if (!isWordChar(c) && !isCjk(c)) {
      flush();
      continue;
    }
    if (!word.empty() && isCjk(c) != cjk) flush();
    cjk = isCjk(c);
    appendUtf8(word, static_cast<std::uint32_t>(Xapian::Unicode::tolower(c)));
  }
  flush();
}

struct Marker {
  std::vector<std::vector<std::uint32_t>> terms;  // lower case, longest first
  std::vector<bool> anywhere;                     // the term holds CJK characters

  explicit Marker(const std::vector<std::string>& words) {
    for (const auto& w : words) {
      auto cps = codePoints(w);
      if (cps.empty()) continue;
      anywhere.push_back(std::any_of(cps.begin(), cps.end(), isCjk));
      terms.push_back(std::move(cps));
    }
  }

  // The length of the longest term that marks `lower` at `i`, or 0.
  std::size_t at(const std::vector<std::uint32_t>& lower, std::size_t i) const {
    for (std::size_t t = 0; t < terms.size(); ++t) {
      const auto& term = terms[t];
      if (i + term.size() > lower.size() || !std::equal(term.begin(), term.end(), lower.begin() + i)) continue;
      if (!anywhere[t]) {
        if (i > 0 && isWordChar(lower[i - 1])) continue;  // inside a word
        const std::size_t end = i + term.size();
        if (term.size() < kMinPrefixLetters && end < lower.size() && isWordChar(lower[end])) continue;
      }
      return term.size();
    }
    return 0;
  }
};

// `text` with runs of white space (line breaks too) as one space, trimmed,
// and at most kMaxScannedBytes of it (not cutting a character).
std::string collapsed(std::string_view text) {
  std::size_t cut = std::min(text.size(), kMaxScannedBytes);
  while (cut > 0 && cut < text.size() && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return collapseWhitespace(text.substr(0, cut));
}

}  // namespace

std::vector<std::string> highlightTerms(const std::string& query) {
  std::set<std::string> words;
  std::size_t i = 0;
  const auto space = [&](std::size_t at) { return std::isspace(static_cast<unsigned char>(query[at])) != 0; };
  while (i < query.size()) {
    if (space(i)) {
      ++i;
      continue;
    }
    const bool negated = query[i] == '-';
    if (negated) ++i;
    std::string field;
    std::size_t j = i;
    while (j < query.size() && std::isalpha(static_cast<unsigned char>(query[j]))) ++j;
    if (j < query.size() && query[j] == ':' && j > i) {
      for (std::size_t k = i; k < j; ++k)
        field += static_cast<char>(std::tolower(static_cast<unsigned char>(query[k])));
      i = j + 1;
    }
    std::string text;
    if (i < query.size() && query[i] == '"') {
      const std::size_t end = query.find('"', i + 1);
      text = query.substr(i + 1, (end == std::string::npos ? query.size() : end) - i - 1);
      i = end == std::string::npos ? query.size() : end + 1;
    } else {
      std::size_t end = i;
      while (end < query.size() && !space(end) && query[end] != '"') ++end;
      text = query.substr(i, end - i);
      i = std::max(end, i + 1);
    }
    const bool text_field = field.empty() || field == "subject" || field == "body" || field == "content";
    if (negated || !text_field || (field.empty() && text == "OR")) continue;
    addWords(text, words);
  }
  std::vector<std::string> out(words.begin(), words.end());
  std::stable_sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) {
    return codePoints(a).size() > codePoints(b).size();
  });
  return out;
}

std::vector<SnippetPiece> snippetAround(std::string_view text, const std::vector<std::string>& terms,
                                        std::size_t width) {
  const auto cps = codePoints(collapsed(text));
  const std::size_t n = cps.size();
  if (n == 0) return {};
  std::vector<std::uint32_t> lower(n);
  std::transform(cps.begin(), cps.end(), lower.begin(),
                 [](std::uint32_t c) { return static_cast<std::uint32_t>(Xapian::Unicode::tolower(c)); });
  const Marker marker(terms);
  std::size_t first = n;
  for (std::size_t i = 0; i < n && first == n && !marker.terms.empty(); ++i) {
    if (marker.at(lower, i) > 0) first = i;
  }
  // The window: a third of it before the first hit, cut at spaces (within
  // a few characters: a long word is cut where it is).
  std::size_t begin = first == n ? 0 : first - std::min(first, width / 3);
  std::size_t end = std::min(n, begin + width);
  if (end == n) begin = end - std::min(end, width);  // near the end: use the width before
  if (begin > 0) {
    std::size_t b = begin;
    while (b < first && b < begin + 15 && cps[b - 1] != ' ') ++b;
    if (b < n && cps[b - 1] == ' ') begin = b;
  }
  if (end < n) {
    const std::size_t keep = first == n ? begin : first + marker.at(lower, first);  // the first hit stays whole
    std::size_t e = end;
    while (e > begin + width / 2 && e > keep && cps[e] != ' ') --e;
    if (cps[e] == ' ') end = e;
  }
  std::vector<SnippetPiece> out;
  auto add = [&](std::string piece, bool hit) {
    if (piece.empty()) return;
    if (!out.empty() && out.back().hit == hit) {
      out.back().text += piece;
    } else {
      out.push_back({std::move(piece), hit});
    }
  };
  if (begin > 0) add("\u2026", false);
  std::size_t plain = begin;
  for (std::size_t i = begin; i < end;) {
    const std::size_t len = marker.terms.empty() ? 0 : marker.at(lower, i);
    if (len == 0) {
      ++i;
      continue;
    }
    add(utf8(cps, plain, i), false);
    const std::size_t stop = std::min(end, i + len);
    add(utf8(cps, i, stop), true);
    i = plain = stop;
  }
  add(utf8(cps, plain, end), false);
  if (end < n) add("\u2026", false);
  return out;
}

}  // namespace spe::instance
