#include "index/phrase_check.h"

#include <algorithm>

namespace spe::index {
namespace {

// Positions of a term in the document (empty when it is not there).
std::vector<Xapian::termpos> positionsOf(const Xapian::Document& doc, const std::string& term) {
  auto t = doc.termlist_begin();
  t.skip_to(term);
  if (t == doc.termlist_end() || *t != term) return {};
  return std::vector<Xapian::termpos>(t.positionlist_begin(), t.positionlist_end());
}

bool phraseIn(const Xapian::Document& doc, const std::string& prefix, const std::vector<std::string>& words) {
  std::vector<std::vector<Xapian::termpos>> positions;
  for (const auto& w : words) {
    positions.push_back(positionsOf(doc, prefix + w));
    if (positions.back().empty()) return false;
  }
  for (Xapian::termpos first : positions[0]) {
    bool all = true;
    for (std::size_t i = 1; i < positions.size() && all; ++i) {
      all = std::binary_search(positions[i].begin(), positions[i].end(), first + static_cast<Xapian::termpos>(i));
    }
    if (all) return true;
  }
  return false;
}

}  // namespace

bool holdsPhrases(const Xapian::Document& doc, const std::vector<PhraseCheck>& phrases) {
  for (const auto& p : phrases) {
    if (p.words.empty()) continue;
    const bool found = std::any_of(p.prefixes.begin(), p.prefixes.end(),
                                   [&](const std::string& prefix) { return phraseIn(doc, prefix, p.words); });
    if (!found) return false;
  }
  return true;
}

}  // namespace spe::index
