// ImapMailboxPattern: the mailbox pattern of LIST and LSUB (RFC 3501
// §6.3.8, RFC 9051 §6.3.9): '*' matches any characters, the hierarchy
// delimiter included; '%' any characters but the delimiter; every other
// character itself (case-sensitively: INBOX is the caller's business).
//
// Why not the obvious recursive matcher: it backtracks, and a client
// chooses the pattern. "***...*Z" against a long name tried every way of
// splitting the name among the stars (120 stars took 15 s on the
// instance's network thread). Here a pattern is compiled once (a run of
// wildcards collapses to one: '*' if the run holds any '*', else '%'),
// then matched by simulating its automaton over the set of live pattern
// positions: O(name × pattern) time, O(pattern) memory, whatever the
// input. A pattern with more literal characters than a name cannot match
// it and is refused before that work (a 128 KiB "*a*a..." against many
// names took seconds), and patterns over kMaxLength bytes match nothing:
// no mailbox path is that long.
// Thread safety: an object is immutable after construction; match() may
// run on several threads at once.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace spe {

class ImapMailboxPattern {
 public:
  static constexpr std::size_t kMaxLength = 1024;  // mailbox paths are at most 1,000 bytes

  explicit ImapMailboxPattern(std::string_view pattern, char delimiter = '/');

  bool matches(std::string_view name) const;
  // The compiled form: wildcard runs collapsed (for tests).
  const std::string& compiled() const { return pattern_; }

 private:
  std::string pattern_;
  char delimiter_;
  std::size_t literals_ = 0;  // characters that must each match one of the name's
  bool too_long_ = false;
};

}  // namespace spe
