#include "index/phrase_check.h"

#include <xapian.h>

#include <algorithm>
#include <map>

namespace spe::index {
namespace {

std::string phraseSequence(const std::vector<std::string>& words) {
  std::string out = " ";
  for (const auto& w : words) out += w + " ";
  return out;
}

}  // namespace

bool isCjk(unsigned ch) {
  // Blocks of scripts written without spaces between words (and Hangul),
  // as Xapian's FLAG_CJK_NGRAM reads them (phrase_check_test compares them
  // with it for every word character): CJK symbols, kana, Bopomofo, Hangul
  // compatibility Jamo, ideographs (and their extension A), modifier tone
  // letters, Hangul syllables, compatibility ideographs and forms, half-
  // and full-width forms, ideographs of extension B and their supplement.
  static constexpr std::pair<unsigned, unsigned> kBlocks[] = {{0x2E80, 0x9FFF},   {0xA700, 0xA71F},  {0xAC00, 0xD7AF},
                                                              {0xF900, 0xFAFF},   {0xFE30, 0xFE4F},  {0xFF00, 0xFFEF},
                                                              {0x20000, 0x2A6DF}, {0x2F800, 0x2FA1F}};
  if (ch < kBlocks[0].first) return false;
  for (const auto& [low, high] : kBlocks) {
    if (ch >= low && ch <= high) return true;
  }
  return false;
}

void forEachWord(std::string_view text, const std::function<void(const std::string&)>& word) {
  std::string cur;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {  // ASCII without decoding
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') {
        cur += static_cast<char>(c);
      } else if (c >= 'A' && c <= 'Z') {
        cur += static_cast<char>(c - 'A' + 'a');
      } else if (!cur.empty()) {
        word(cur);
        cur.clear();
      }
      ++i;
      continue;
    }
    Xapian::Utf8Iterator it(text.data() + i, text.size() - i);
    const unsigned ch = *it;
    const std::size_t before = it.left();
    ++it;
    i += before - it.left();
    if (Xapian::Unicode::is_wordchar(ch) && isCjk(ch)) {
      if (!cur.empty()) word(cur);  // each such character is a word of its own
      cur.clear();
      Xapian::Unicode::append_utf8(cur, Xapian::Unicode::tolower(ch));
      word(cur);
      cur.clear();
    } else if (Xapian::Unicode::is_wordchar(ch)) {
      Xapian::Unicode::append_utf8(cur, Xapian::Unicode::tolower(ch));
    } else if (!cur.empty()) {
      word(cur);
      cur.clear();
    }
  }
  if (!cur.empty()) word(cur);
}

std::vector<std::string> splitWords(std::string_view text) {
  std::vector<std::string> out;
  forEachWord(text, [&](const std::string& w) { out.push_back(w); });
  return out;
}

std::string wordSequence(std::string_view text) {
  std::string out = " ";
  out.reserve(text.size() + 2);
  forEachWord(text, [&](const std::string& w) {
    out += w;
    out += ' ';
  });
  return out;
}

std::vector<std::pair<std::string_view, std::string_view>> phraseFields(const MessageText& text) {
  std::vector<std::pair<std::string_view, std::string_view>> out = {
      {"", text.body}, {"S", text.subject}, {"F", text.from}, {"T", text.to}, {"C", text.cc}, {"B", text.bcc}};
  for (const auto& a : text.attachments) {
    out.emplace_back("A", a.name);
    out.emplace_back("N", a.text);
  }
  return out;
}

bool holdsPhrases(const MessageText& text, const std::vector<PhraseCheck>& phrases) {
  // The texts of a field, each made into a word sequence once.
  const auto all = phraseFields(text);
  std::map<std::string, std::vector<std::string>> fields;
  auto field = [&](const std::string& prefix) -> const std::vector<std::string>& {
    auto it = fields.find(prefix);
    if (it != fields.end()) return it->second;
    std::vector<std::string> texts;
    for (const auto& [p, t] : all) {
      if (p == prefix) texts.push_back(wordSequence(t));
    }
    return fields.emplace(prefix, std::move(texts)).first->second;
  };
  for (const auto& p : phrases) {
    if (p.words.empty()) continue;
    const std::string wanted = phraseSequence(p.words);
    bool found = false;
    for (const auto& prefix : p.prefixes) {
      for (const auto& t : field(prefix)) found = found || t.find(wanted) != std::string::npos;
      if (found) break;
    }
    if (!found) return false;
  }
  return true;
}

}  // namespace spe::index
