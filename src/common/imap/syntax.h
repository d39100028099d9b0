// What IMAP commands (RFC 3501 §6, our IMAP server) and responses (§7, our
// IMAP client) share: the framing of a line with its literals, and the
// values a line is made of.
//
// ImapFramer: push-style; feed() takes whatever bytes arrived and stops at
// each literal announcement ({n} or {n+} at the end of a line segment,
// kLiteral: a server must send a continuation for a synchronising one
// before the client sends it) and at the CRLF that ends the line (kLine).
// Line length, literal size and total size are limited; exceeding one is an
// error (framing is lost then, the connection must be closed).
// ImapTokenizer: reads values from a framed line: atoms (a bracketed part
// and a partial belong to the atom: BODY[HEADER.FIELDS (FROM)]<0.10>),
// quoted strings, literals, NIL and parenthesised lists (nesting limited).
// Thread safety: one framer per connection, not shared.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spe {

struct ImapValue {
  enum class Kind { kAtom, kString, kNil, kList };
  Kind kind = Kind::kAtom;
  std::string text;              // atom or string
  std::vector<ImapValue> items;  // list

  bool isAtom(std::string_view upper) const;  // case-insensitive
  bool isList() const { return kind == Kind::kList; }
  // An atom that is a number (digits only, fits 63 bits).
  std::optional<std::int64_t> number() const;
  // atom or string text; empty for NIL and lists.
  const std::string& str() const { return text; }
};

class ImapFramer {
 public:
  enum class State { kNeedMore, kLiteral, kLine, kError };
  struct Step {
    std::size_t consumed = 0;
    State state = State::kNeedMore;
  };
  struct Limits {
    std::size_t max_line = 1 << 20;        // bytes of a line outside its literals
    std::size_t max_literal = 256u << 20;  // bytes of one literal
    std::size_t max_total = 512u << 20;    // bytes of the whole line with literals
  };

  ImapFramer() = default;
  explicit ImapFramer(Limits limits) : limits_(limits) {}

  Step feed(std::string_view in);
  // After kLiteral: the announced size and whether it was synchronising ({n}, not {n+}).
  std::size_t literalSize() const { return literal_size_; }
  bool literalSynchronising() const { return literal_sync_; }
  // After kLine: the line segments (each but the last ends with a literal
  // announcement) and the literals between them.
  const std::vector<std::string>& segments() const { return segments_; }
  const std::vector<std::string>& literals() const { return literals_; }
  const std::string& error() const { return error_; }
  // Starts the next line.
  void reset();

 private:
  Step fail(std::size_t consumed, std::string why);

  Limits limits_;
  std::vector<std::string> segments_{std::string()};
  std::vector<std::string> literals_;
  std::size_t literal_left_ = 0;
  std::size_t literal_size_ = 0;
  bool literal_sync_ = false;
  bool in_literal_ = false;
  std::size_t line_bytes_ = 0;
  std::size_t total_bytes_ = 0;
  bool done_ = false;
  std::string error_;
};

// A literal announcement at the end of a line segment: {n} or {n+}.
struct LiteralAnnouncement {
  std::size_t size = 0;
  bool synchronising = true;
};
std::optional<LiteralAnnouncement> literalAnnouncement(std::string_view segment);

class ImapTokenizer {
 public:
  ImapTokenizer(const std::vector<std::string>& segments, const std::vector<std::string>& literals)
      : segments_(segments), literals_(literals) {}

  bool atEnd();
  char peek();
  // The rest of the current segment (status text).
  std::string rest();
  bool value(ImapValue& out, int depth = 0);
  // A bracketed response code's values, after '['.
  bool code(std::vector<ImapValue>& out);
  const std::string& error() const { return error_; }

 private:
  const std::string& cur() const { return segments_[seg_]; }
  void skipSpaces();
  bool fail(std::string why);
  bool quoted(ImapValue& out);
  // Values up to `close` (consumed); `unclosed` is the error at the line's end.
  bool valuesUntil(char close, const char* unclosed, std::vector<ImapValue>& out, int depth);
  bool atom(ImapValue& out);

  const std::vector<std::string>& segments_;
  const std::vector<std::string>& literals_;
  std::size_t seg_ = 0, pos_ = 0;
  std::string error_;
};

// What the archive's IMAP server offers once a user is logged in; the CAS
// announces it in the login answer and the instance in CAPABILITY.
inline constexpr const char* kImapAuthenticatedCapabilities = "IMAP4rev1 LITERAL+ ID IDLE NAMESPACE UNSELECT CHILDREN";

bool imapIEquals(std::string_view a, std::string_view b);
std::string imapUpper(std::string s);

// An IMAP date-time ("17-Jul-1996 02:44:25 +0000") of epoch seconds, UTC:
// FETCH INTERNALDATE answers and APPEND arguments.
std::string imapDateTime(std::int64_t epoch_seconds);

}  // namespace spe
