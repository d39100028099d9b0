// Phrases, checked on a message's text: the words as the query language
// splits them (Unicode word characters, lower case) must follow each
// other in one field. Cheaper than a positional index of the message.
#pragma once

#include <string>
#include <string_view>
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

// The words of a text, lower case.
std::vector<std::string> splitWords(std::string_view text);
// The same as one string, every word between single spaces: " w1 w2 ".
std::string wordSequence(std::string_view text);

// True when every phrase occurs in one of its fields.
bool holdsPhrases(const MessageText& text, const std::vector<PhraseCheck>& phrases);

}  // namespace spe::index
