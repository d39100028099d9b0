#include "common/mime/message_view.h"

#include <memory>
#include <utility>

#include "common/mime/gmime_support.h"
#include "common/mime/internal/body_decoder.h"
#include "common/mime/mime_structure.h"

namespace spe::mime {
namespace {

// One leaf of the MIME walk as GMime reads it on its own: its header as the
// walk cut it, a blank line, and (with_body) its body. Null when GMime makes
// nothing of it. GMime reads the header alone the same way with or without
// the body (the body never decides a part's type, name or encoding, and a
// leaf's content is all bytes after the blank line), so only text bodies are
// parsed with theirs.
GMimeObject* leafObject(std::string_view raw, const MimeEntity& e, bool with_body) {
  std::string_view header = raw.substr(e.begin, e.body_begin - e.begin);
  while (!header.empty() && (header.back() == '\n' || header.back() == '\r')) header.remove_suffix(1);
  std::string bytes(header);
  if (!bytes.empty()) bytes += "\r\n";
  bytes += "\r\n";
  if (with_body) bytes.append(raw.substr(e.body_begin, e.end - e.body_begin));
  GMimeStream* stream = g_mime_stream_mem_new_with_buffer(bytes.data(), bytes.size());
  GMimeParser* parser = g_mime_parser_new_with_stream(stream);
  g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
  GMimeObject* object = g_mime_parser_construct_part(parser, nullptr);
  g_object_unref(parser);
  g_object_unref(stream);
  return object;
}

bool identityEncoding(const std::string& encoding) {
  return encoding.empty() || encoding == "7bit" || encoding == "8bit" || encoding == "binary";
}

// An attachment's bytes before decoding: its part's body in the raw message
// (the content GMime reads for the part) and the transfer encoding GMime
// decodes it with.
struct EncodedBody {
  std::string_view bytes;
  GMimeContentEncoding encoding = GMIME_CONTENT_ENCODING_DEFAULT;
};

// The walk over the parts, in the order and with the numbers of IMAP's
// BODYSTRUCTURE (mime_structure.h).
struct Walk {
  std::string_view raw;
  MessageView* view = nullptr;        // viewMessage: bodies and attachments filled in
  std::optional<std::size_t> wanted;  // messageAttachment: the index to take (view is null)
  std::optional<std::pair<ViewAttachment, EncodedBody>> taken;
  std::size_t index = 0;

  void attachment(std::string name, std::string type, const std::string& part, EncodedBody body) {
    const std::size_t n = index++;
    if (name.empty()) name = "attachment-" + std::to_string(n + 1);
    if (wanted) {
      if (*wanted == n) taken = std::make_pair(ViewAttachment{std::move(name), std::move(type), 0, part}, body);
      return;
    }
    const std::size_t size = BodyDecoder::decodedSize(body.bytes, body.encoding);
    view->attachments.push_back({std::move(name), std::move(type), size, part});
  }

  void entity(const MimeEntity& e, const std::string& part) {
    if (taken) return;
    if (e.multipart()) {
      for (std::size_t i = 0; i < e.children.size(); ++i) {
        entity(e.children[i], (part.empty() ? "" : part + ".") + std::to_string(i + 1));
      }
      return;
    }
    const std::string type = e.type + "/" + e.subtype;
    if (e.rfc822()) {
      message(e, type, part);
      return;
    }
    GMimeObject* object = leafObject(raw, e, false);
    if (!object) return;
    leaf(object, e, type, part);
    g_object_unref(object);
  }

  // An attached message: named by its subject, taken out as archived.
  void message(const MimeEntity& e, const std::string& type, const std::string& part) {
    const std::string& subject = e.children[0].envelope.subject;
    const std::string decoded = subject.empty()
                                    ? std::string()
                                    : takeGString(g_mime_utils_header_decode_text(nullptr, subject.c_str()));
    const std::string name = decoded.empty() ? "message.eml" : decoded + ".eml";
    EncodedBody body{raw.substr(e.body_begin, e.end - e.body_begin)};
    if (!identityEncoding(e.encoding)) {
      // Base64, quoted-printable or uuencode: GMime reads the part as bytes to decode. With any other encoding
      // GMime reads a message part, which has no bytes of its own: the attachment is empty.
      GMimeObject* object = leafObject(raw, e, false);
      if (object && GMIME_IS_PART(object)) body.encoding = g_mime_part_get_content_encoding(GMIME_PART(object));
      else body.bytes = {};
      if (object) g_object_unref(object);
    }
    attachment(name, type, part, body);
  }

  // The text of a body part, as GMime converts it to UTF-8: parsed with its bytes.
  std::string bodyText(const MimeEntity& e) const {
    GMimeObject* object = leafObject(raw, e, true);
    std::string text;
    if (object && GMIME_IS_TEXT_PART(object)) text = takeGString(g_mime_text_part_get_text(GMIME_TEXT_PART(object)));
    if (object) g_object_unref(object);
    return text;
  }

  void leaf(GMimeObject* object, const MimeEntity& e, const std::string& type, const std::string& part) {
    if (!GMIME_IS_PART(object)) return;
    GMimePart* leaf = GMIME_PART(object);
    const char* filename = g_mime_part_get_filename(leaf);
    const bool is_attachment = g_mime_part_is_attachment(leaf) || (filename && *filename);
    if (!is_attachment && GMIME_IS_TEXT_PART(object) && view) {
      std::string* body = type == "text/html" ? &view->html : (type == "text/plain" ? &view->text : nullptr);
      if (body && body->empty()) {
        *body = bodyText(e);
        return;
      }
    }
    // Further inline text parts (alternatives, signatures) are part of the body, not attachments.
    if (!is_attachment && GMIME_IS_TEXT_PART(object) && type.rfind("text/", 0) == 0) return;
    attachment(filename ? filename : "", type, part,
               {raw.substr(e.body_begin, e.end - e.body_begin), g_mime_part_get_content_encoding(leaf)});
  }

  // A message walks its body: a multipart's parts are 1, 2, ...; any other
  // body is part 1.
  void top(const MimeEntity& message) {
    if (message.multipart()) entity(message, "");
    else entity(message, "1");
  }
};

std::string addresses(InternetAddressList* list) { return addressListText(list); }

// True when the header block of `top` holds no header field at all: text
// that is not a message, shown as it is.
bool noHeader(std::string_view raw, const MimeEntity& top) {
  return headerFieldsOf(raw.substr(top.begin, top.body_begin - top.begin)).empty();
}

// Attachment `index` and its encoded body (info.size not yet counted).
std::optional<std::pair<ViewAttachment, EncodedBody>> findAttachment(std::string_view raw, std::size_t index) {
  const MimeEntity structure = parseMimeStructure(raw);
  if (noHeader(raw, structure)) return std::nullopt;
  Walk walk;
  walk.raw = raw;
  walk.wanted = index;
  walk.top(structure);
  return std::move(walk.taken);
}

}  // namespace

MessageView viewMessage(std::string_view raw) {
  MessageView view;
  const MimeEntity structure = parseMimeStructure(raw);
  // The message's header fields: GMime stops at the blank line the walk stops at, so it is given the header
  // block only (the body is the walk's).
  GMimeMessage* msg = parseMessage(raw.substr(0, structure.body_begin));
  if (!msg || noHeader(raw, structure)) {
    if (msg) g_object_unref(msg);
    view.text = std::string(raw);
    return view;
  }
  if (const char* subject = g_mime_message_get_subject(msg)) view.subject = subject;
  view.from = addresses(g_mime_message_get_from(msg));
  view.to = addresses(g_mime_message_get_to(msg));
  view.cc = addresses(g_mime_message_get_cc(msg));
  view.bcc = addresses(g_mime_message_get_bcc(msg));
  view.reply_to = addresses(g_mime_message_get_reply_to(msg));
  if (GDateTime* date = g_mime_message_get_date(msg)) view.date = g_date_time_to_unix(date);
  g_object_unref(msg);
  Walk walk;
  walk.raw = raw;
  walk.view = &view;
  walk.top(structure);
  return view;
}

std::optional<std::pair<ViewAttachment, std::string>> messageAttachment(std::string_view raw, std::size_t index) {
  auto found = findAttachment(raw, index);
  if (!found) return std::nullopt;
  const EncodedBody body = found->second;
  found->first.size = BodyDecoder::decodedSize(body.bytes, body.encoding);  // so the string is allocated once
  std::string bytes;
  bytes.reserve(found->first.size);
  BodyDecoder decoder(body.bytes, body.encoding, std::size_t{1} << 20);
  while (auto piece = decoder.next()) bytes += *piece;
  return std::make_pair(std::move(found->first), std::move(bytes));
}

std::optional<AttachmentStream> messageAttachmentStream(std::string_view raw, std::size_t index, std::size_t piece) {
  auto place = messageAttachmentPlace(raw, index);
  if (!place) return std::nullopt;
  auto decoder = std::make_shared<BodyDecoder>(raw.substr(place->begin, place->end - place->begin),
                                               static_cast<GMimeContentEncoding>(place->encoding), piece);
  return AttachmentStream{std::move(place->info), [decoder] { return decoder->next(); }};
}

std::optional<AttachmentPlace> messageAttachmentPlace(std::string_view raw, std::size_t index) {
  auto found = findAttachment(raw, index);
  if (!found) return std::nullopt;
  const EncodedBody body = found->second;
  found->first.size = BodyDecoder::decodedSize(body.bytes, body.encoding);
  const auto begin = body.bytes.empty() ? std::size_t{0} : static_cast<std::size_t>(body.bytes.data() - raw.data());
  return AttachmentPlace{std::move(found->first), begin, begin + body.bytes.size(), static_cast<int>(body.encoding)};
}

std::function<std::optional<std::string>()> attachmentDecoder(const AttachmentPlace& place,
                                                              std::function<std::optional<std::string>()> encoded,
                                                              std::size_t piece) {
  auto decoder = std::make_shared<BodyDecoder>(std::move(encoded), static_cast<GMimeContentEncoding>(place.encoding),
                                               piece);
  return [decoder] { return decoder->next(); };
}

}  // namespace spe::mime
