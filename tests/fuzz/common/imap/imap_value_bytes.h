// What the IMAP fuzz targets measure of a parsed value: its text bytes,
// nested lists included, which must stay within the parser's limits.
#pragma once

#include <cstddef>

#include "common/imap/syntax.h"

namespace spe::fuzz {

inline std::size_t imapValueBytes(const ImapValue& v) {
  std::size_t n = v.text.size();
  for (const auto& i : v.items) n += imapValueBytes(i);
  return n;
}

}  // namespace spe::fuzz
