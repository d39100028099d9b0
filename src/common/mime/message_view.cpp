#include "common/mime/message_view.h"

#include <functional>

#include "common/mime/gmime_support.h"
#include "common/mime/mime_structure.h"

namespace spe::mime {
namespace {

// The decoded content of a leaf part.
std::string partBytes(GMimePart* part) {
  GMimeDataWrapper* content = g_mime_part_get_content(part);
  if (!content) return {};
  GMimeStream* out = g_mime_stream_mem_new();
  g_mime_data_wrapper_write_to_stream(content, out);
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out));
  std::string s(reinterpret_cast<const char*>(bytes->data), bytes->len);
  g_object_unref(out);
  return s;
}

// One leaf of the MIME walk as GMime reads it on its own: its header as the
// walk cut it, a blank line, and its body. Null when GMime makes nothing of it.
GMimeObject* leafObject(std::string_view raw, const MimeEntity& e) {
  std::string_view header = raw.substr(e.begin, e.body_begin - e.begin);
  while (!header.empty() && (header.back() == '\n' || header.back() == '\r')) header.remove_suffix(1);
  std::string bytes(header);
  if (!bytes.empty()) bytes += "\r\n";
  bytes += "\r\n";
  bytes.append(raw.substr(e.body_begin, e.end - e.body_begin));
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

// The walk over the parts, in the order and with the numbers of IMAP's
// BODYSTRUCTURE (mime_structure.h).
struct Walk {
  std::string_view raw;
  MessageView* view = nullptr;
  std::optional<std::size_t> wanted;  // messageAttachment: the index to take
  std::optional<std::pair<ViewAttachment, std::string>> taken;
  std::size_t index = 0;

  void attachment(std::string name, std::string type, const std::string& part,
                  const std::function<std::string()>& bytes) {
    const std::size_t n = index++;
    if (name.empty()) name = "attachment-" + std::to_string(n + 1);
    if (wanted) {
      if (*wanted == n) {
        std::string data = bytes();
        taken = std::make_pair(ViewAttachment{name, type, data.size(), part}, std::move(data));
      }
      return;
    }
    view->attachments.push_back({std::move(name), std::move(type), bytes().size(), part});
  }

  void entity(const MimeEntity& e, const std::string& part) {
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
    GMimeObject* object = leafObject(raw, e);
    if (!object) return;
    leaf(object, type, part);
    g_object_unref(object);
  }

  // An attached message: named by its subject, taken out as archived.
  void message(const MimeEntity& e, const std::string& type, const std::string& part) {
    const std::string& subject = e.children[0].envelope.subject;
    const std::string decoded = subject.empty()
                                    ? std::string()
                                    : takeGString(g_mime_utils_header_decode_text(nullptr, subject.c_str()));
    const std::string name = decoded.empty() ? "message.eml" : decoded + ".eml";
    const std::string_view raw_view = raw;
    attachment(name, type, part, [raw_view, &e]() -> std::string {
      if (identityEncoding(e.encoding)) return std::string(raw_view.substr(e.body_begin, e.end - e.body_begin));
      GMimeObject* object = leafObject(raw_view, e);  // base64 or quoted-printable: decoded by GMime
      std::string out = object && GMIME_IS_PART(object) ? partBytes(GMIME_PART(object)) : std::string();
      if (object) g_object_unref(object);
      return out;
    });
  }

  void leaf(GMimeObject* object, const std::string& type, const std::string& part) {
    if (!GMIME_IS_PART(object)) return;
    GMimePart* leaf = GMIME_PART(object);
    const char* filename = g_mime_part_get_filename(leaf);
    const bool is_attachment = g_mime_part_is_attachment(leaf) || (filename && *filename);
    if (!is_attachment && GMIME_IS_TEXT_PART(object) && view) {
      std::string* body = type == "text/html" ? &view->html : (type == "text/plain" ? &view->text : nullptr);
      if (body && body->empty()) {
        *body = takeGString(g_mime_text_part_get_text(GMIME_TEXT_PART(object)));
        return;
      }
    }
    // Further inline text parts (alternatives, signatures) are part of the body, not attachments.
    if (!is_attachment && GMIME_IS_TEXT_PART(object) && type.rfind("text/", 0) == 0) return;
    attachment(filename ? filename : "", type, part, [leaf] { return partBytes(leaf); });
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

}  // namespace

MessageView viewMessage(std::string_view raw) {
  MessageView view;
  GMimeMessage* msg = parseMessage(raw);
  const MimeEntity structure = parseMimeStructure(raw);
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
  const MimeEntity structure = parseMimeStructure(raw);
  if (noHeader(raw, structure)) return std::nullopt;
  MessageView ignored;
  Walk walk;
  walk.raw = raw;
  walk.view = &ignored;
  walk.wanted = index;
  walk.top(structure);
  return std::move(walk.taken);
}

}  // namespace spe::mime
