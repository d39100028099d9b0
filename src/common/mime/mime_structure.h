// The MIME structure of a raw message, with the byte range of every part,
// for the IMAP server's BODY[<part>] sections, BODYSTRUCTURE and ENVELOPE
// (RFC 3501 §6.4.5, §7.4.2).
//
// Byte ranges come from our own walk over the raw bytes (header blocks and
// multipart boundaries): a section must be exactly the archived bytes, and
// GMime, which re-serialises what it parses, gives no offsets of parts.
// The structured header values (Content-Type and Content-Disposition with
// their parameters, RFC 2231 included) are parsed with GMime, address lists
// by address_list.h.
//
// Malformed messages are walked as Dovecot's parser walks them, so that
// BODYSTRUCTURE, part numbers and sizes read as other servers show them (and
// Web Access lists attachments by the same walk, message_view.h):
// - a header that no blank line ends (before the end of the input or an
//   enclosing boundary) is all header, with an empty body;
// - a multipart without a boundary has no parts;
// - a nested multipart that reuses an enclosing boundary takes the
//   delimiter lines up to its own closing one (the innermost boundary is
//   matched first), and one without its closing delimiter ends at its
//   parent's next delimiter;
// - nesting stops at kMaxMimeDepth, a multipart keeps at most kMaxMimeParts;
// - a missing Content-Type is text/plain (message/rfc822 in a
//   multipart/digest).
// Thread safety: stateless.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/mime/address_list.h"

namespace spe::mime {

struct MimeParam {
  std::string name, value;
};

struct MimeEnvelope {
  std::string date, subject, in_reply_to, message_id;  // raw (unfolded) header values; empty = absent
  std::vector<MimeAddress> from, sender, reply_to, to, cc, bcc;
};

struct MimeEntity {
  std::size_t begin = 0;                         // start of the part's header
  std::size_t body_begin = 0;                    // after the blank line that ends the header
  std::size_t end = 0;                           // end of the part's body
  std::string type = "text", subtype = "plain";  // lower case
  std::vector<MimeParam> params;
  std::string id, description, encoding, md5, disposition, language, location;
  std::vector<MimeParam> disposition_params;
  std::size_t lines = 0;  // line feeds in the body (a last line without one does not count)
  // A multipart's parts, or (message/rfc822) the one encapsulated message.
  std::vector<MimeEntity> children;
  bool is_message = false;  // the top-level message or one inside a message/rfc822 part
  MimeEnvelope envelope;    // when is_message

  bool multipart() const { return type == "multipart"; }
  bool rfc822() const { return type == "message" && subtype == "rfc822" && !children.empty(); }
};

inline constexpr int kMaxMimeDepth = 32;
inline constexpr std::size_t kMaxMimeParts = 10000;  // per multipart; the rest is walked, not kept

MimeEntity parseMimeStructure(std::string_view raw);

// The length of the header block that starts `raw`, with the blank line
// that ends it (all of `raw` when there is none).
std::size_t headerBlockEnd(std::string_view raw);

// The unfolded header fields of a header block: (name, value) in order.
std::vector<std::pair<std::string, std::string>> headerFieldsOf(std::string_view header);

// The part a section number names ("1.2.3"), or null. For a message that is
// not multipart, part 1 is its body.
const MimeEntity* findMimePart(const MimeEntity& message, const std::vector<int>& path);

}  // namespace spe::mime
