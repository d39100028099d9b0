#include "common/mime/message_view.h"

#include <functional>

#include "common/mime/gmime_support.h"

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

std::string messageBytes(GMimeMessage* message) {
  return takeGString(g_mime_object_to_string(GMIME_OBJECT(message), nullptr));
}

struct Walk {
  MessageView* view = nullptr;
  std::optional<std::size_t> wanted;  // messageAttachment: the index to take
  std::optional<std::pair<ViewAttachment, std::string>> taken;
  std::size_t index = 0;

  void attachment(std::string name, std::string type, const std::function<std::string()>& bytes) {
    const std::size_t n = index++;
    if (name.empty()) name = "attachment-" + std::to_string(n + 1);
    if (wanted) {
      if (*wanted == n) {
        std::string data = bytes();
        taken = std::make_pair(ViewAttachment{name, type, data.size()}, std::move(data));
      }
      return;
    }
    view->attachments.push_back({std::move(name), std::move(type), bytes().size()});
  }

  void object(GMimeObject* part, int depth) {
    if (!part || depth > 32) return;
    if (GMIME_IS_MULTIPART(part)) {
      GMimeMultipart* mp = GMIME_MULTIPART(part);
      const int n = g_mime_multipart_get_count(mp);
      for (int i = 0; i < n; ++i) object(g_mime_multipart_get_part(mp, i), depth + 1);
      return;
    }
    GMimeContentType* ct = g_mime_object_get_content_type(part);
    const std::string type = ct ? takeGString(g_mime_content_type_get_mime_type(ct)) : "application/octet-stream";
    if (GMIME_IS_MESSAGE_PART(part)) {
      GMimeMessage* inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(part));
      const char* subject = inner ? g_mime_message_get_subject(inner) : nullptr;
      std::string name = subject && *subject ? std::string(subject) + ".eml" : "message.eml";
      attachment(name, type, [inner] { return inner ? messageBytes(inner) : std::string(); });
      return;
    }
    if (!GMIME_IS_PART(part)) return;
    GMimePart* leaf = GMIME_PART(part);
    const char* filename = g_mime_part_get_filename(leaf);
    const bool is_attachment = g_mime_part_is_attachment(leaf) || (filename && *filename);
    if (!is_attachment && GMIME_IS_TEXT_PART(part) && view) {
      std::string* body = type == "text/html" ? &view->html : (type == "text/plain" ? &view->text : nullptr);
      if (body && body->empty()) {
        *body = takeGString(g_mime_text_part_get_text(GMIME_TEXT_PART(part)));
        return;
      }
    }
    // Further inline text parts (alternatives, signatures) are part of the body, not attachments.
    if (!is_attachment && GMIME_IS_TEXT_PART(part) && type.rfind("text/", 0) == 0) return;
    attachment(filename ? filename : "", type, [leaf] { return partBytes(leaf); });
  }
};

std::string addresses(InternetAddressList* list) { return addressListText(list); }

}  // namespace

MessageView viewMessage(std::string_view raw) {
  MessageView view;
  GMimeMessage* msg = parseMessage(raw);
  if (!msg) {
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
  Walk walk;
  walk.view = &view;
  walk.object(g_mime_message_get_mime_part(msg), 0);
  g_object_unref(msg);
  return view;
}

std::optional<std::pair<ViewAttachment, std::string>> messageAttachment(std::string_view raw, std::size_t index) {
  GMimeMessage* msg = parseMessage(raw);
  if (!msg) return std::nullopt;
  MessageView ignored;
  Walk walk;
  walk.view = &ignored;
  walk.wanted = index;
  walk.object(g_mime_message_get_mime_part(msg), 0);
  g_object_unref(msg);
  return std::move(walk.taken);
}

}  // namespace spe::mime
