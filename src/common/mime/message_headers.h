// The header fields a store keeps for listing and the folder view, parsed
// with GMime. Parsing never fails: a message GMime cannot make sense of is
// still archived as it is, with `warning` saying why.
// Thread safety: parseMessageHeaders() is safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace spe::mime {

struct MessageHeaders {
  std::int64_t date = 0;  // Date header as UTC epoch seconds; 0 when missing or unparsable
  std::string subject;    // decoded (RFC 2047) to UTF-8
  std::string from;
  std::string recipients;  // To and Cc, decoded
  bool has_attachments = false;
  std::string warning;  // empty when the message parsed cleanly
};

MessageHeaders parseMessageHeaders(std::string_view raw);

// Cuts `s` to at most `max_bytes` bytes without splitting a UTF-8 sequence,
// and replaces invalid UTF-8 and control characters but tab with U+FFFD so
// the database accepts it. `line_breaks`: CR and LF stay (texts to index).
std::string clampUtf8(std::string_view s, std::size_t max_bytes, bool line_breaks = false);

// The recipient addresses of a message, lower case, each once: To, Cc,
// Bcc, Delivered-To, Envelope-To, X-Envelope-To, X-Original-To, Resent-To,
// Resent-Cc, and the envelope lines of a journal report ("Recipient: a@b",
// "To: a@b" in the first text part of a message with X-MS-Journal-Report,
// as Exchange writes them). For multidrop archiving.
std::vector<std::string> messageRecipients(std::string_view raw);

}  // namespace spe::mime
