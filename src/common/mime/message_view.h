// A message as Web Access shows it: decoded headers (GMime), the first
// plain-text and the first HTML body part (converted to UTF-8), and the
// attachments (name, type, decoded size, part number), each of which can be
// taken out decoded. The parts are those of the IMAP server's walk
// (mime_structure.h), in its order and with its part numbers, so Web Access
// and BODYSTRUCTURE show the same structure of a malformed message too; each
// leaf is then decoded by GMime. An attached message is taken out as
// archived. Text that has no header field at all (or that GMime cannot
// parse) shows as the body, as it is.
// Thread safety: stateless.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spe::mime {

struct ViewAttachment {
  std::string name;  // decoded file name; "attachment-N" when the part has none
  std::string content_type;
  std::size_t size = 0;  // decoded bytes
  std::string part;      // IMAP part number ("2", "1.3"): BODY[<part>] and BODYSTRUCTURE's order
};

struct MessageView {
  std::string subject, from, to, cc, bcc, reply_to;  // decoded UTF-8
  std::int64_t date = 0;                             // UTC epoch seconds; 0 when unknown
  std::string text;                                  // plain text body
  std::string html;                                  // HTML body, as sent (UTF-8)
  std::vector<ViewAttachment> attachments;
};

MessageView viewMessage(std::string_view raw);

// Attachment `index` (as viewMessage lists it) with its decoded bytes.
std::optional<std::pair<ViewAttachment, std::string>> messageAttachment(std::string_view raw, std::size_t index);

}  // namespace spe::mime
