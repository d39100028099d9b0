// Push-style parser for IMAP4rev1 client commands (RFC 3501 §6, §9), for
// the IMAP server of an instance and the CAS's pre-authentication dialogue.
//
// feed() takes whatever bytes arrived and consumes at most one command:
// - kContinue: a synchronising literal ({n}) was announced; the server
//   sends a continuation ("+ OK") and feeds the rest;
// - kDone: take() gives the command: its tag, its name in upper case and
//   its arguments as values (atoms, strings, NIL, lists);
// - kBad: the line was framed but is not a command (no tag, no name, a bad
//   value): answer "<tag> BAD <errorMessage()>" (tag may be empty: "*");
//   the connection stays usable;
// - kError: a line or literal over its limit; framing is lost: answer
//   "* BYE <errorMessage()>" and close.
// In raw mode (after AUTHENTICATE's continuation, or during IDLE) the next
// line is not a command: take() gives it in `raw`.
// Thread safety: one parser per connection, not shared.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/imap/syntax.h"

namespace spe {

struct ImapCommand {
  std::string tag;
  std::string name;  // upper case
  std::vector<ImapValue> args;
  std::string raw;  // raw mode only: the line without CRLF
};

class ImapCommandParser {
 public:
  enum class State { kNeedMore, kContinue, kDone, kBad, kError };
  struct Step {
    std::size_t consumed = 0;
    State state = State::kNeedMore;
  };
  // Dovecot's defaults: 64 KiB per command line; a read-only server takes
  // literals only for strings (passwords, search keys).
  struct Limits {
    std::size_t max_line = 64 * 1024;
    std::size_t max_literal = 64 * 1024;
    std::size_t max_total = 256 * 1024;
  };

  ImapCommandParser() : ImapCommandParser(Limits{}) {}
  explicit ImapCommandParser(Limits limits) : framer_({limits.max_line, limits.max_literal, limits.max_total}) {}

  Step feed(std::string_view in);
  ImapCommand take();
  void setRawMode(bool raw) { raw_ = raw; }
  const std::string& errorMessage() const { return error_; }
  // The tag of the line kBad refused (empty when it had none).
  const std::string& badTag() const { return command_.tag; }

 private:
  bool parse();

  ImapFramer framer_;
  ImapCommand command_;
  bool raw_ = false;
  bool done_ = false;
  bool fatal_ = false;
  std::string error_;
};

}  // namespace spe
