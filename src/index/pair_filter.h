// The word-pair filter: which words follow each other in a message's
// fields, in a few bits per pair, kept with the message's document.
//
// The index stores no positions, so a phrase's candidates (the messages
// with all its words in one field) are checked against their messages.
// Most candidates that do not hold a phrase are turned away by this
// filter without reading the message: it is a Bloom filter of the
// (field, word, next word) triples of the words the phrase check sees
// (phrase_check.h), so it never turns away a message that holds a phrase;
// of the others about one in seven passes (4 bits per pair, 3 hashes) and
// is checked against its message.
// Thread safety: stateless.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "index/message_text.h"
#include "index/phrase_check.h"

namespace spe::index {

// The filter of a message's text; "" (no filter: every phrase may hold)
// when the text has more word pairs than a filter is made for.
std::string pairFilterOf(const MessageText& text);

// False when some phrase cannot hold: none of its fields has all of its
// word pairs. A phrase of one word, an empty filter or one of an unknown
// version answer true.
bool mayHoldPhrases(std::string_view filter, const std::vector<PhraseCheck>& phrases);

}  // namespace spe::index
