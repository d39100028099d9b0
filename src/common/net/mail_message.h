// MailMessage: a mail the platform sends (tests of SMTP settings, status
// reports, notifications), and buildMime(), which writes it as an RFC 5322
// message ready for SMTP's DATA.
//
// The MIME is written here rather than with GMime (which spe_mime uses to
// read archived mail) because what we send is small and fixed: one text
// part and optionally an HTML alternative. The output is 7-bit clean:
//   - every line ends in CRLF and is at most 78 characters (headers folded
//     at spaces or between encoded words; bodies quoted-printable, RFC 2045
//     §6.7, lines of at most 76 characters with soft breaks);
//   - headers with non-ASCII text (subject, display names) are RFC 2047
//     encoded words ("=?UTF-8?B?...?="), each at most 75 characters and
//     never splitting a UTF-8 sequence;
//   - a line starting with "." or "From " is encoded (=2E, =46) so no relay
//     or mailbox format changes it;
//   - CR and LF inside header values become spaces (no header injection);
//     addresses are checked (isMailAddress) and refused otherwise;
//   - Date (RFC 5322 §3.3, UTC), Message-ID (<random@sender's domain>),
//     MIME-Version and Auto-Submitted: auto-generated (RFC 3834: automatic
//     replies should not answer it).
// Thread safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/result.h"

namespace spe::net {

struct MailAddress {
  std::string display_name;  // UTF-8, may be empty
  std::string address;       // local@domain (ASCII)
};

struct MailMessage {
  MailAddress from;
  std::vector<MailAddress> to;
  std::string subject;              // UTF-8
  std::string text;                 // UTF-8; LF or CRLF line ends
  std::optional<std::string> html;  // UTF-8; with it the mail is multipart/alternative
};

// A plausible mailbox address (RFC 5321 §4.1.2, ASCII only): a non-empty
// local part of printable characters other than space, '<', '>', '(', ')',
// ',', ';', ':', '"', '\\', '[', ']' and '@'; one '@'; a domain of letters,
// digits, '-' and '.' (or an [address literal]); at most 254 bytes.
bool isMailAddress(std::string_view address);

// What buildMime() does not choose itself (tests fix them; production uses
// mimeEnvelopeNow()).
struct MimeEnvelope {
  std::int64_t date_unix = 0;  // Date header (written as UTC)
  std::string message_id;      // without angle brackets: "random@domain"
  std::string boundary;        // of multipart/alternative (only with html)
};
// Now, a random Message-ID at `from`'s domain, a random boundary.
MimeEnvelope mimeEnvelopeNow(const MailAddress& from);

// The whole message, CRLF line ends. kInvalidArgument (naming the field)
// when an address is not one (isMailAddress) or there is no recipient.
Result<std::string> buildMime(const MailMessage& message, const MimeEnvelope& envelope);

// Building blocks, exposed for the tests.
// A header's text as it appears after "Name: " (`used` characters of the
// line already taken): ASCII printable text folded at spaces, anything
// else as RFC 2047 B-encoded words folded between words.
std::string encodeHeaderText(std::string_view text, std::size_t used);
// A display name plus address: `Name <a@b>`, `"Q. Name" <a@b>` or
// `=?UTF-8?B?...?= <a@b>`; just `a@b` without a name.
std::string formatAddress(const MailAddress& address);
// Quoted-printable (RFC 2045 §6.7) of UTF-8 text with LF or CRLF line ends:
// CRLF hard breaks, soft breaks ("=" CRLF) to keep lines at most 76.
std::string quotedPrintable(std::string_view text);
// "Tue, 05 Mar 2024 10:00:00 +0000".
std::string rfc5322Date(std::int64_t unix_seconds);

}  // namespace spe::net
