// Phrases, checked on a message's text: the words as the query language
// splits them (Unicode word characters, lower case; a Chinese or Japanese
// character is a word by itself) must follow each other in one field.
// Cheaper than a positional index of the message.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "index/message_text.h"

namespace spe::index {

// A phrase a candidate must hold: its words in order in one of the fields
// with these prefixes ("" body, S subject, A attachment name, N attachment
// text, F/T/C/B addresses).
struct PhraseCheck {
  std::vector<std::string> prefixes;
  std::vector<std::string> words;
};

// True for characters of scripts written without spaces between words
// (Chinese, Japanese; Korean too, as Xapian counts it): each is a word of
// its own here, so a phrase of them is found inside any longer run.
bool isCjk(unsigned code_point);

// Calls `word` for every word of a text, lower case.
void forEachWord(std::string_view text, const std::function<void(const std::string&)>& word);
// The words of a text, lower case.
std::vector<std::string> splitWords(std::string_view text);
// The same as one string, every word between single spaces: " w1 w2 ".
std::string wordSequence(std::string_view text);

// The texts a phrase may be in, as (field prefix, text): one for each of
// body, subject and the four address fields, and one name and one text
// for each attachment. A phrase never spans two of them.
std::vector<std::pair<std::string_view, std::string_view>> phraseFields(const MessageText& text);

// True when every phrase occurs in one of its fields.
bool holdsPhrases(const MessageText& text, const std::vector<PhraseCheck>& phrases);

}  // namespace spe::index
