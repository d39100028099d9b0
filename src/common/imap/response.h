// Push-style parser for IMAP4rev1 server responses (RFC 3501 §7), for our
// IMAP client (archiving from mail servers).
//
// feed() takes whatever bytes arrived and consumes at most one response:
// a line, with every literal ({n}CRLF followed by n bytes) it announces,
// up to the CRLF that ends it. Once kDone, take() gives the response,
// parsed into values: atoms, strings (quoted or literal), NIL and
// parenthesised lists. Status responses (OK, NO, BAD, BYE, PREAUTH) keep a
// bracketed response code as values and the rest as text. A line longer
// than the limit, a literal above its limit or a malformed response is an
// error; the connection must be closed then (framing is lost).
// Thread safety: one parser per connection, not shared.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/imap/syntax.h"

namespace spe {

struct ImapResponse {
  enum class Kind { kUntagged, kTagged, kContinuation };
  Kind kind = Kind::kUntagged;
  std::string tag;  // tagged responses
  // Status responses: "OK", "NO", "BAD", "BYE", "PREAUTH" (upper case);
  // empty for data responses.
  std::string status;
  std::vector<ImapValue> code;  // the [response code], split into values
  std::string text;             // status and continuation text
  // Data responses: every value after "*" ("3", "FETCH", (...)), or after
  // "* CAPABILITY" etc.
  std::vector<ImapValue> data;
};

class ImapResponseParser {
 public:
  enum class State { kNeedMore, kDone, kError };
  struct Step {
    std::size_t consumed = 0;
    State state = State::kNeedMore;
  };
  struct Limits {
    std::size_t max_line = 1 << 20;        // bytes of a response outside its literals
    std::size_t max_literal = 256u << 20;  // bytes of one literal
    std::size_t max_total = 512u << 20;    // bytes of a whole response
  };

  ImapResponseParser() = default;
  explicit ImapResponseParser(Limits limits) : framer_({limits.max_line, limits.max_literal, limits.max_total}) {}

  Step feed(std::string_view in);
  // The response completed by feed(); resets for the next one.
  ImapResponse take();
  const std::string& errorMessage() const { return error_; }

 private:
  Step fail(std::size_t consumed, std::string why);
  bool parse();

  ImapFramer framer_;
  bool done_ = false;
  ImapResponse response_;
  std::string error_;
};

// Quotes a string for a command: a quoted string when it is short and
// plain, else nullopt (send it as a literal).
std::optional<std::string> imapQuoted(std::string_view s);

}  // namespace spe
