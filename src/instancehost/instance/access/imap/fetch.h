// IMAP FETCH (RFC 3501 §6.4.5, §7.4.2) for the instance's read-only IMAP
// server: parsing the data items a client asks for and rendering them for
// one archived message.
//
// Supported: the macros ALL, FAST, FULL; FLAGS (every archived message is
// \Seen), UID, RFC822.SIZE, INTERNALDATE (the archiving time), RFC822,
// RFC822.HEADER, RFC822.TEXT, ENVELOPE, BODY, BODYSTRUCTURE, and
// BODY[<section>]<<partial>> and BODY.PEEK with every RFC 3501 section:
// "", HEADER, TEXT, HEADER.FIELDS (...), HEADER.FIELDS.NOT (...), part
// numbers (1.2) and after them MIME, HEADER, TEXT, HEADER.FIELDS(.NOT).
// MIME structure comes from common/mime/mime_structure.h; a section that
// does not exist is an empty string. What a strict client needs:
// - No NUL in a literal (RFC 3501 §4.3): message data (BODY[...], RFC822*)
//   has each NUL replaced by 0x80, as Dovecot does, so every size stays as
//   archived (RFC822.SIZE = the length of BODY[]); BINARY is not offered.
// - ENVELOPE and BODYSTRUCTURE strings hold no CR, LF, TAB (spaces) or NUL
//   (U+FFFD); 8-bit header text goes as a literal. ENVELOPE strings are the
//   header's own (encoded words stay), as RFC 3501 asks.
// - An address never has a NIL mailbox or host outside a group's markers:
//   what is missing is "MISSING_MAILBOX" / "MISSING_DOMAIN" (Dovecot's words).
// Thread safety: stateless.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/base/result.h"
#include "common/imap/syntax.h"
#include "instancehost/instance/access/imap/mailboxes.h"

namespace spe::instance {

struct FetchItem {
  enum class Kind { kFlags, kUid, kSize, kInternalDate, kSection, kEnvelope, kBody, kBodyStructure };
  Kind kind = Kind::kFlags;
  std::vector<int> part;            // part numbers before the section text (BODY[1.2.HEADER])
  std::string section;              // "", "HEADER", "TEXT", "MIME", "HEADER.FIELDS", "HEADER.FIELDS.NOT"
  std::vector<std::string> fields;  // HEADER.FIELDS(.NOT), upper case
  std::optional<std::pair<std::uint64_t, std::uint64_t>> partial;  // offset, length
  std::string label;                                               // the name echoed in the response
};

// Parses the items of FETCH (an atom or a list); `uid` adds UID (UID FETCH).
Result<std::vector<FetchItem>> parseFetchItems(const ImapValue& value, bool uid);
bool needsContent(const std::vector<FetchItem>& items);

// "* <seq> FETCH (...)\r\n"; `raw` is the message when needsContent().
std::string renderFetch(std::uint32_t seq, const ImapMessageRef& message, const std::string* raw,
                        const std::vector<FetchItem>& items);

// A string as an IMAP literal {n}CRLF<bytes> (always safe for any bytes).
std::string imapLiteral(std::string_view bytes);
// A quoted string when possible, else a literal.
std::string imapString(std::string_view text);

}  // namespace spe::instance
