// The word-pair filter: which words follow each other in a message's
// texts, in a few bits per pair, kept with the message's document.
//
// The index stores no positions, so a phrase's candidates (the messages
// with all its words in one field) are checked against their messages.
// Most candidates that do not hold a phrase are turned away by this
// filter without reading the message: it is a Bloom filter of the word
// pairs of the texts the phrase check sees (phrase_check.h: body, subject,
// addresses, each attachment's name and text; no pair spans two of them),
// so it never turns away a message that holds a phrase; of the others
// about one in seven passes (4 bits per pair, 3 hashes) and is checked
// against its message. A pair is two words of four letters or more and
// the shorter words between them (those are mostly "the", "of", "und": a
// third fewer pairs): "terms and conditions" is one pair, which "terms
// conditions" is not; a phrase with fewer than two longer words is not
// filtered. Pairs do not say their field: one test per candidate, however
// many fields a phrase may be in (a subject phrase whose pairs are in the
// body passes and is checked). The bits of a pair depend on the message
// (a salt: its id), so copies of one text do not all let the same phrase
// through.
// Thread safety: stateless.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "index/message_text.h"
#include "index/phrase_check.h"

namespace spe::index {

// The filter of a message's text; "" (no filter: every phrase may hold)
// when the text has more word pairs than a filter is made for.
std::string pairFilterOf(const MessageText& text, std::int64_t salt);

// The pairs of a query's phrases, hashed once for every candidate.
struct PhrasePairs {
  std::vector<std::vector<std::uint64_t>> phrases;  // phrase → its pairs' hashes
  // Phrases with Chinese or Japanese characters, which filters made before
  // those were words of their own (version 4) cannot judge.
  std::vector<std::vector<std::uint64_t>> cjk_phrases;
};
PhrasePairs phrasePairs(const std::vector<PhraseCheck>& phrases);

// False when some phrase cannot hold: the message lacks one of its word
// pairs. Phrases with fewer than two long words, an empty filter or
// one of an unknown version answer true.
bool mayHoldPhrases(std::string_view filter, std::int64_t salt, const PhrasePairs& pairs);

}  // namespace spe::index
