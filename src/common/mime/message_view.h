// A message as Web Access shows it: decoded headers (GMime), the first
// plain-text and the first HTML body part (converted to UTF-8), and the
// attachments (name, type, decoded size, part number), each of which can be
// taken out decoded, whole or piece by piece. The parts are those of the IMAP
// server's walk (mime_structure.h), in its order and with its part numbers,
// so Web Access and BODYSTRUCTURE show the same structure of a malformed
// message too; each leaf is then read by GMime. An attached message is taken
// out as archived. Text that has no header field at all (or that GMime cannot
// parse) shows as the body, as it is.
//
// Memory: what a part is (type, file name, disposition, transfer encoding)
// GMime reads from its header alone; only the text bodies the view shows are
// parsed with their bytes. An attachment's bytes are decoded from `raw` in
// place (internal/body_decoder.h): its size is one decoding pass that keeps
// nothing, and a stream holds O(piece) beyond `raw`.
// Thread safety: stateless; an AttachmentStream is used by one thread at a
// time.
#pragma once

#include <cstdint>
#include <functional>
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
// Nothing when there is no such attachment.
std::optional<std::pair<ViewAttachment, std::string>> messageAttachment(std::string_view raw, std::size_t index);

// An attachment handed out piece by piece: `info` as viewMessage lists it
// (info.size, the decoded size, is known before the first piece), and
// `next`, which gives the next decoded bytes (1 to `piece` of them) and
// nullopt at the end (and after it). Copies of `next` share one position.
struct AttachmentStream {
  ViewAttachment info;
  std::function<std::optional<std::string>()> next;
};

// Attachment `index` (as viewMessage lists it) of `raw`, decoded in pieces
// of at most `piece` bytes (0 is taken as 1); nothing when there is no such
// attachment. `raw` must outlive the stream. The pieces joined are
// messageAttachment's bytes.
std::optional<AttachmentStream> messageAttachmentStream(std::string_view raw, std::size_t index,
                                                        std::size_t piece = std::size_t{1} << 20);

// Where attachment `index` of `raw` is, to decode it later from the same
// bytes read again piece by piece (a stored message) once `raw` is gone:
// `info` as viewMessage lists it (size included), the range [begin, end) of
// its encoded bytes in `raw`, and their transfer encoding (for
// attachmentDecoder). Nothing when there is no such attachment.
struct AttachmentPlace {
  ViewAttachment info;
  std::size_t begin = 0, end = 0;
  int encoding = 0;
};
std::optional<AttachmentPlace> messageAttachmentPlace(std::string_view raw, std::size_t index);

// The attachment at `place` decoded from its encoded bytes, which `encoded`
// gives in chunks of any size (exactly bytes [begin, end) of the message,
// then nullopt): a `next` as AttachmentStream's, giving the same pieces.
std::function<std::optional<std::string>()> attachmentDecoder(const AttachmentPlace& place,
                                                              std::function<std::optional<std::string>()> encoded,
                                                              std::size_t piece = std::size_t{1} << 20);

}  // namespace spe::mime
