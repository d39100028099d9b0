// Whether a message's words hold phrases, on a document with positions
// made by ArchiveIndex::textDocument (the same words the index holds).
#pragma once

#include <vector>

#include <xapian.h>

#include "index/query_language.h"

namespace spe::index {

// True when every phrase occurs, its words at consecutive positions, in
// one of its fields.
bool holdsPhrases(const Xapian::Document& doc, const std::vector<PhraseCheck>& phrases);

}  // namespace spe::index
