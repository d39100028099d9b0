#include <glib.h>

#include <cstring>

#include "common/base/utf8.h"
#include "common/mapi/mapi_message.h"
#include "common/mime/charset.h"

namespace spe::mapi {

namespace {

std::uint32_t le32(const std::string& b, std::size_t at) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(b[at + static_cast<std::size_t>(i)]);
  return v;
}

// UTF-16LE to UTF-8; a lone surrogate becomes U+FFFD; stops at U+0000
// (stored strings often carry their terminator).
std::string utf16ToUtf8(const std::string& b) {
  std::string out;
  out.reserve(b.size() / 2);
  for (std::size_t i = 0; i + 1 < b.size(); i += 2) {
    std::uint32_t u = static_cast<unsigned char>(b[i]) | (static_cast<unsigned char>(b[i + 1]) << 8);
    if (u == 0) break;
    if (u >= 0xD800 && u < 0xDC00 && i + 3 < b.size()) {
      const std::uint32_t lo = static_cast<unsigned char>(b[i + 2]) | (static_cast<unsigned char>(b[i + 3]) << 8);
      if (lo >= 0xDC00 && lo < 0xE000) {
        appendUtf8(out, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
        i += 2;
        continue;
      }
    }
    if (u >= 0xD800 && u < 0xE000) u = 0xFFFD;
    appendUtf8(out, u);
  }
  return out;
}

}  // namespace

std::string codePageCharset(int code_page) {
  switch (code_page) {
    case 65001: return "utf-8";
    case 20127: return "us-ascii";
    case 28591: return "iso-8859-1";
    case 28592: return "iso-8859-2";
    case 28595: return "iso-8859-5";
    case 28597: return "iso-8859-7";
    case 28605: return "iso-8859-15";
    case 20866: return "koi8-r";
    case 21866: return "koi8-u";
    case 50220:
    case 50221:
    case 50222: return "iso-2022-jp";
    case 51932: return "euc-jp";
    case 51949: return "euc-kr";
    case 932: return "shift_jis";
    case 936: return "gbk";
    case 949: return "cp949";
    case 950: return "big5";
    case 54936: return "gb18030";
    case 1200: return "utf-16le";
    default: break;
  }
  if (code_page >= 1250 && code_page <= 1258) return "windows-" + std::to_string(code_page);
  if (code_page > 0 && code_page < 100000) return "cp" + std::to_string(code_page);
  return "windows-1252";
}

std::string codePageToUtf8(const std::string& bytes, int code_page) {
  std::string in = bytes;
  if (code_page == 1200) return utf16ToUtf8(in);
  while (!in.empty() && in.back() == '\0') in.pop_back();
  if (code_page == 65001 || code_page == 20127) return mime::textToUtf8(in);
  gsize written = 0;
  GError* error = nullptr;
  gchar* out = g_convert(in.data(), static_cast<gssize>(in.size()), "UTF-8", codePageCharset(code_page).c_str(),
                         nullptr, &written, &error);
  if (!out) {
    if (error) g_error_free(error);
    return mime::textToUtf8(in);
  }
  std::string result(out, written);
  g_free(out);
  return result;
}

std::optional<std::string> MapiProperties::text(std::uint16_t id, int code_page) const {
  if (auto it = values.find(tag(id, kTypeUnicode)); it != values.end()) return utf16ToUtf8(it->second);
  if (auto it = values.find(tag(id, kTypeString8)); it != values.end()) return codePageToUtf8(it->second, code_page);
  return std::nullopt;
}

std::optional<std::string> MapiProperties::binary(std::uint16_t id) const {
  if (auto it = values.find(tag(id, kTypeBinary)); it != values.end()) return it->second;
  return std::nullopt;
}

std::optional<std::int32_t> MapiProperties::int32(std::uint16_t id) const {
  auto it = values.find(tag(id, kTypeInt32));
  if (it == values.end() || it->second.size() < 4) return std::nullopt;
  return static_cast<std::int32_t>(le32(it->second, 0));
}

std::optional<bool> MapiProperties::boolean(std::uint16_t id) const {
  auto it = values.find(tag(id, kTypeBoolean));
  if (it == values.end() || it->second.empty()) return std::nullopt;
  return it->second[0] != 0;
}

std::optional<std::int64_t> MapiProperties::time(std::uint16_t id) const {
  auto it = values.find(tag(id, kTypeTime));
  if (it == values.end() || it->second.size() < 8) return std::nullopt;
  const std::uint64_t ft = le32(it->second, 0) | (static_cast<std::uint64_t>(le32(it->second, 4)) << 32);
  if (ft == 0) return std::nullopt;
  // 11644473600 s between 1601-01-01 and 1970-01-01.
  return static_cast<std::int64_t>(ft / 10000000ULL) - 11644473600LL;
}

namespace {

// The SMTP address of a sender or recipient: the SMTP address property,
// else the address as stored (SMTP, or an Exchange DN for type EX).
std::string smtpAddress(const std::optional<std::string>& smtp, const std::optional<std::string>& address) {
  if (smtp && !smtp->empty()) return *smtp;
  return address.value_or("");
}

}  // namespace

MapiAttachment attachmentFromProperties(const MapiProperties& p, int code_page) {
  MapiAttachment a;
  a.name = p.text(prop::kAttachLongFilename, code_page).value_or("");
  if (a.name.empty()) a.name = p.text(prop::kAttachFilename, code_page).value_or("");
  if (a.name.empty()) a.name = p.text(prop::kDisplayName, code_page).value_or("");
  a.mime_type = p.text(prop::kAttachMimeTag, code_page).value_or("");
  a.content_id = p.text(prop::kAttachContentId, code_page).value_or("");
  a.content_location = p.text(prop::kAttachContentLocation, code_page).value_or("");
  a.hidden = p.boolean(prop::kAttachmentHidden).value_or(false);
  a.method = p.int32(prop::kAttachMethod).value_or(1);
  return a;
}

MapiMessage messageFromProperties(const MapiProperties& p, const std::vector<MapiProperties>& recipients,
                                  std::vector<MapiAttachment> attachments, int default_code_page) {
  MapiMessage m;
  int cp = p.int32(prop::kInternetCodepage).value_or(0);
  if (cp <= 0) cp = p.int32(prop::kMessageCodepage).value_or(0);
  if (cp <= 0) cp = default_code_page > 0 ? default_code_page : 1252;
  m.code_page = cp;
  m.message_class = p.text(prop::kMessageClass, cp).value_or("");
  m.transport_headers = p.text(prop::kTransportHeaders, cp).value_or("");
  m.subject = p.text(prop::kSubject, cp).value_or("");
  // A stored subject may start with SOH and a length byte (the prefix length).
  if (m.subject.size() >= 2 && m.subject[0] == '\x01') m.subject.erase(0, 2);
  if (auto name = p.text(prop::kSentRepresentingName, cp)) m.sender_name = *name;
  m.sender_address = smtpAddress(p.text(prop::kSentRepresentingSmtpAddress, cp),
                                 p.text(prop::kSentRepresentingEmail, cp));
  if (m.sender_name.empty()) m.sender_name = p.text(prop::kSenderName, cp).value_or("");
  if (m.sender_address.empty()) {
    m.sender_address = smtpAddress(p.text(prop::kSenderSmtpAddress, cp), p.text(prop::kSenderEmail, cp));
  }
  for (const auto& r : recipients) {
    MapiRecipient rec;
    const int t = r.int32(prop::kRecipientType).value_or(1) & 0x0F;
    rec.type = t == 2 ? RecipientType::kCc : t == 3 ? RecipientType::kBcc : RecipientType::kTo;
    rec.name = r.text(prop::kDisplayName, cp).value_or("");
    rec.address_type = r.text(prop::kAddrType, cp).value_or("");
    rec.address = smtpAddress(r.text(prop::kSmtpAddress, cp), r.text(prop::kEmailAddress, cp));
    if (rec.name.empty() && rec.address.empty()) continue;
    m.recipients.push_back(std::move(rec));
  }
  m.submit_time = p.time(prop::kClientSubmitTime);
  m.delivery_time = p.time(prop::kDeliveryTime);
  m.creation_time = p.time(prop::kCreationTime);
  m.message_id = p.text(prop::kInternetMessageId, cp).value_or("");
  m.in_reply_to = p.text(prop::kInReplyTo, cp).value_or("");
  m.references = p.text(prop::kReferences, cp).value_or("");
  m.body_text = p.text(prop::kBody, cp);
  if (auto html = p.binary(prop::kHtml)) {
    m.body_html = *html;
    m.html_code_page = cp;
  } else if (auto html_text = p.text(prop::kHtml, cp)) {
    m.body_html = *html_text;
    m.html_code_page = 65001;
  }
  if (m.body_html) {
    while (!m.body_html->empty() && m.body_html->back() == '\0') m.body_html->pop_back();
  }
  m.rtf_compressed = p.binary(prop::kRtfCompressed);
  m.read = (p.int32(prop::kMessageFlags).value_or(0) & 0x1) != 0;
  m.attachments = std::move(attachments);
  return m;
}

}  // namespace spe::mapi
