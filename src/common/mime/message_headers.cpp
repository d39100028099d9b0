#include "common/mime/message_headers.h"

#include <cctype>
#include <set>

#include "common/base/text.h"
#include "common/mime/gmime_support.h"

namespace spe::mime {
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

std::string clampUtf8(std::string_view s, std::size_t max_bytes, bool line_breaks) {
  std::string out;
  out.reserve(std::min(s.size(), max_bytes));
  std::size_t i = 0, run = 0;  // s[run, i) is valid and not appended yet
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    bool valid = len > 0 && i + len <= s.size();
    for (std::size_t k = 1; valid && k < len; ++k) valid = (static_cast<unsigned char>(s[i + k]) >> 6) == 2;
    if (valid && len > 1) {
      // Overlong forms ("\xC0\xAE"), surrogates and code points above
      // U+10FFFF are not UTF-8 either, and Firebird refuses them.
      static constexpr std::uint32_t kLeast[] = {0, 0, 0x80, 0x800, 0x10000};
      std::uint32_t cp = c & (0x7Fu >> len);
      for (std::size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
      valid = cp >= kLeast[len] && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    }
    if (valid && len == 1 && c < 32 && c != '\t' && !(line_breaks && (c == '\n' || c == '\r'))) {
      valid = false;  // control characters
    }
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

namespace {

// The addresses of a list (and of its groups), lower case.
void addAddresses(std::set<std::string>& out, InternetAddressList* list) {
  const int n = list ? internet_address_list_length(list) : 0;
  for (int i = 0; i < n; ++i) {
    InternetAddress* a = internet_address_list_get_address(list, i);
    if (INTERNET_ADDRESS_IS_MAILBOX(a)) {
      const char* addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a));
      if (addr && std::string_view(addr).find('@') != std::string_view::npos) out.insert(asciiLower(addr));
    } else if (INTERNET_ADDRESS_IS_GROUP(a)) {
      addAddresses(out, internet_address_group_get_members(INTERNET_ADDRESS_GROUP(a)));
    }
  }
}

void addAddresses(std::set<std::string>& out, const char* header_value) {
  if (!header_value) return;
  InternetAddressList* list = internet_address_list_parse(nullptr, header_value);
  if (!list) return;
  addAddresses(out, list);
  g_object_unref(list);
}

// Envelope lines of a journal report: "Recipient: a@b" / "To: a@b" /
// "Bcc: a@b" (one address each, maybe followed by ", Expanded: ...").
void addJournalEnvelope(std::set<std::string>& out, const std::string& text) {
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string key = asciiLower(line.substr(0, colon));
    if (key != "recipient" && key != "to" && key != "cc" && key != "bcc") continue;
    std::string value = line.substr(colon + 1);
    if (const auto comma = value.find(','); comma != std::string::npos) value = value.substr(0, comma);
    addAddresses(out, value.c_str());
  }
}

}  // namespace

std::vector<std::string> messageRecipients(std::string_view raw) {
  std::set<std::string> out;
  GMimeMessage* msg = parseMessage(raw);
  if (!msg) return {};
  GMimeHeaderList* headers = g_mime_object_get_header_list(GMIME_OBJECT(msg));
  bool journal = false;
  const int n = g_mime_header_list_get_count(headers);
  for (int i = 0; i < n; ++i) {
    GMimeHeader* h = g_mime_header_list_get_header_at(headers, i);
    const std::string name = asciiLower(g_mime_header_get_name(h));
    if (name == "to" || name == "cc" || name == "bcc" || name == "delivered-to" || name == "envelope-to" ||
        name == "x-envelope-to" || name == "x-original-to" || name == "resent-to" || name == "resent-cc") {
      addAddresses(out, g_mime_header_get_value(h));
    }
    journal = journal || name == "x-ms-journal-report";
  }
  // A journal report: the envelope is in its first text part.
  GMimeObject* body = g_mime_message_get_mime_part(msg);
  if (journal && GMIME_IS_MULTIPART(body) && g_mime_multipart_get_count(GMIME_MULTIPART(body)) > 0) {
    GMimeObject* first = g_mime_multipart_get_part(GMIME_MULTIPART(body), 0);
    if (GMIME_IS_TEXT_PART(first)) {
      addJournalEnvelope(out, takeGString(g_mime_text_part_get_text(GMIME_TEXT_PART(first))));
    }
  }
  g_object_unref(msg);
  return {out.begin(), out.end()};
}

}  // namespace spe::mime
