// Search hits as Web Access shows them: the words of a query that find
// text (highlightTerms), and a snippet of a message's body around the first
// of them (snippetAround), with the words marked, as the list shows under a
// hit. The opened message marks the same terms (app.js).
//
// A term marks text as the search finds it (index/query_language.h): case
// and accents as the index folds them (lower case), at the start of a word
// and, from three letters on, as the start of a longer word ("report" marks
// "Reporting"); a term with Chinese, Japanese or Korean characters anywhere.
// Stems are not marked ("Verbindungen" found by "Verbindung" is marked, "ran"
// found by "run" is not): the snippet shows where the words are, it does
// not decide what matches.
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace spe::instance {

// The words of `query` (the query language, docs/search.md) that look in the
// subject or the text: bare words, words of phrases, and words of the
// subject:, body: and content: fields, without negated words, OR, wildcard
// characters, and other fields (from:, to:, folder:, date: ...). Lower
// case, each once, longest first.
std::vector<std::string> highlightTerms(const std::string& query);

struct SnippetPiece {
  std::string text;
  bool hit = false;
};

// About `width` characters of `text` (UTF-8) around the first place a term
// marks, cut at word boundaries, with "…" where text was left out, white
// space collapsed; each marked place its own piece. The start of the text
// when no term marks anything (or there are no terms); empty for empty text.
std::vector<SnippetPiece> snippetAround(std::string_view text, const std::vector<std::string>& terms,
                                        std::size_t width = 180);

}  // namespace spe::instance
