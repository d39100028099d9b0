// A message as Web Access shows it, read with GMime: decoded headers, the
// first plain-text and the first HTML body part (converted to UTF-8), and
// the attachments (name, type, decoded size), each of which can be taken
// out decoded. A message GMime cannot parse shows its raw text as the body.
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
