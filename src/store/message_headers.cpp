#include "store/message_headers.h"

#include "store/gmime_support.h"

namespace spe::store {
namespace {

void findAttachment(GMimeObject*, GMimeObject* part, gpointer data) {
  if (GMIME_IS_PART(part) && g_mime_part_is_attachment(GMIME_PART(part))) *static_cast<bool*>(data) = true;
}

bool looksLikeHeader(std::string_view raw) {
  const auto eol = raw.find('\n');
  const std::string_view line = raw.substr(0, eol);
  if (line.rfind("From ", 0) == 0) return true;  // mbox separator left in place
  const auto colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  for (char c : line.substr(0, colon)) {
    if (c <= 32 || c >= 127) return false;
  }
  return true;
}

}  // namespace

std::string clampUtf8(std::string_view s, std::size_t max_bytes) {
  std::string out;
  out.reserve(std::min(s.size(), max_bytes));
  std::size_t i = 0, run = 0;  // s[run, i) is valid and not appended yet
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    bool valid = len > 0 && i + len <= s.size();
    for (std::size_t k = 1; valid && k < len; ++k) valid = (static_cast<unsigned char>(s[i + k]) >> 6) == 2;
    if (valid && len == 1 && c < 32 && c != '\t') valid = false;  // control characters
    if (valid) {
      if (out.size() + (i - run) + len > max_bytes) break;
      i += len;
      continue;
    }
    out.append(s.substr(run, i - run));
    run = i;
    if (out.size() + 3 > max_bytes) break;
    out.append("\xEF\xBF\xBD");  // U+FFFD for what is not UTF-8
    run = ++i;
  }
  out.append(s.substr(run, i - run));
  return out;
}

MessageHeaders parseMessageHeaders(std::string_view raw) {
  MessageHeaders h;
  if (!looksLikeHeader(raw)) h.warning = "The message does not start with a header; it was archived as it is.";
  GMimeMessage* msg = parseMessage(raw);
  if (!msg) {
    if (h.warning.empty()) h.warning = "The message could not be parsed; it was archived as it is.";
    return h;
  }
  if (const char* subject = g_mime_message_get_subject(msg)) h.subject = subject;
  h.from = addressListText(g_mime_message_get_from(msg));
  std::string to = addressListText(g_mime_message_get_to(msg));
  const std::string cc = addressListText(g_mime_message_get_cc(msg));
  if (!cc.empty()) to += (to.empty() ? "" : ", ") + cc;
  h.recipients = to;
  if (GDateTime* date = g_mime_message_get_date(msg)) h.date = g_date_time_to_unix(date);
  g_mime_message_foreach(msg, findAttachment, &h.has_attachments);
  g_object_unref(msg);
  return h;
}

}  // namespace spe::store
