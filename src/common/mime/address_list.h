// Address lists of a header field (From, To, ...) as IMAP's ENVELOPE shows
// them (RFC 3501 §7.4.2): each mailbox with its display name, route, local
// part and domain as the header writes them (encoded words stay encoded:
// clients decode them as they decode the header), groups as a start and an
// end marker around their members.
//
// Hand-written rather than GMime's parser, which reads lists with local
// addresses wrongly ("postmaster, team: ann;" became one group named
// "postmaster, team") and drops "<>" and the comment that names a bare
// address. The rules follow RFC 5322 with its obsolete forms, read as
// leniently as Dovecot's message-address parser reads them:
// - a bare word is a mailbox without a domain ("postmaster");
// - a comment after an address without a display name becomes it
//   ("root (Cron Daemon)");
// - "<>" is a mailbox with neither local part nor domain;
// - a route ("<@a.example,@b.example:x@c.example>") is kept as "@a.example,@b.example";
// - words without "@" or "<...>" are a display name without an address
//   ("foo bar");
// - quotes around a local part go ("weird local"@x); white space in display
//   names (folding, tabs) becomes single spaces;
// - what cannot be read is skipped up to the next comma.
// The value must be unfolded (line breaks of folding may stay: they count as
// white space). Never fails; at most kMaxAddresses entries.
// Thread safety: stateless.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace spe::mime {

struct MimeAddress {
  std::string name;     // display name as written (quotes removed), may be empty
  std::string route;    // obsolete source route ("@a.example,@b.example"), usually empty
  std::string mailbox;  // local part; for a group start: the group's name; may be empty
  std::string host;     // domain; empty when the address has none
  enum class Kind { kMailbox, kGroupStart, kGroupEnd } kind = Kind::kMailbox;
};

inline constexpr std::size_t kMaxAddresses = 10000;

std::vector<MimeAddress> parseAddressList(std::string_view value);

}  // namespace spe::mime
