// MapiMessage: an Outlook message as its MAPI properties describe it,
// independent of the file it came from (PST/OST through libpff, MSG through
// libgsf). Readers first collect raw properties (MapiProperties: tag ->
// bytes as stored), then messageFromProperties() decodes the ones the
// RFC 5322 builder needs ([MS-OXPROPS] names in the comments).
// Thread safety: plain values; no shared state.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace spe::mapi {

// Property types ([MS-OXCDATA] 2.11.1) that matter here.
inline constexpr std::uint16_t kTypeInt32 = 0x0003;
inline constexpr std::uint16_t kTypeBoolean = 0x000B;
inline constexpr std::uint16_t kTypeObject = 0x000D;
inline constexpr std::uint16_t kTypeString8 = 0x001E;  // in the message's code page
inline constexpr std::uint16_t kTypeUnicode = 0x001F;  // UTF-16LE
inline constexpr std::uint16_t kTypeTime = 0x0040;     // FILETIME, 100 ns since 1601
inline constexpr std::uint16_t kTypeBinary = 0x0102;

// Property ids used by the conversion.
namespace prop {
inline constexpr std::uint16_t kMessageClass = 0x001A;
inline constexpr std::uint16_t kSubject = 0x0037;
inline constexpr std::uint16_t kClientSubmitTime = 0x0039;
inline constexpr std::uint16_t kSentRepresentingName = 0x0042;
inline constexpr std::uint16_t kSentRepresentingAddrType = 0x0064;
inline constexpr std::uint16_t kSentRepresentingEmail = 0x0065;
inline constexpr std::uint16_t kTransportHeaders = 0x007D;
inline constexpr std::uint16_t kRecipientType = 0x0C15;
inline constexpr std::uint16_t kSenderName = 0x0C1A;
inline constexpr std::uint16_t kSenderAddrType = 0x0C1E;
inline constexpr std::uint16_t kSenderEmail = 0x0C1F;
inline constexpr std::uint16_t kDeliveryTime = 0x0E06;
inline constexpr std::uint16_t kMessageFlags = 0x0E07;
inline constexpr std::uint16_t kBody = 0x1000;
inline constexpr std::uint16_t kRtfCompressed = 0x1009;
inline constexpr std::uint16_t kHtml = 0x1013;
inline constexpr std::uint16_t kInternetMessageId = 0x1035;
inline constexpr std::uint16_t kReferences = 0x1039;
inline constexpr std::uint16_t kInReplyTo = 0x1042;
inline constexpr std::uint16_t kDisplayName = 0x3001;
inline constexpr std::uint16_t kAddrType = 0x3002;
inline constexpr std::uint16_t kEmailAddress = 0x3003;
inline constexpr std::uint16_t kCreationTime = 0x3007;
inline constexpr std::uint16_t kAttachData = 0x3701;
inline constexpr std::uint16_t kAttachFilename = 0x3704;
inline constexpr std::uint16_t kAttachMethod = 0x3705;
inline constexpr std::uint16_t kAttachLongFilename = 0x3707;
inline constexpr std::uint16_t kAttachMimeTag = 0x370E;
inline constexpr std::uint16_t kAttachContentId = 0x3712;
inline constexpr std::uint16_t kAttachContentLocation = 0x3713;
inline constexpr std::uint16_t kAttachFlags = 0x3714;
inline constexpr std::uint16_t kSmtpAddress = 0x39FE;
inline constexpr std::uint16_t kInternetCodepage = 0x3FDE;
inline constexpr std::uint16_t kMessageCodepage = 0x3FFD;
inline constexpr std::uint16_t kSenderSmtpAddress = 0x5D01;
inline constexpr std::uint16_t kSentRepresentingSmtpAddress = 0x5D02;
inline constexpr std::uint16_t kAttachmentHidden = 0x7FFE;
}  // namespace prop

inline constexpr std::uint32_t tag(std::uint16_t id, std::uint16_t type) {
  return (static_cast<std::uint32_t>(id) << 16) | type;
}

// Raw property values as a file stores them: strings as UTF-16LE
// (kTypeUnicode) or code-page bytes (kTypeString8), integers little-endian.
struct MapiProperties {
  std::map<std::uint32_t, std::string> values;  // tag(id, type) -> bytes

  void set(std::uint16_t id, std::uint16_t type, std::string bytes) { values[tag(id, type)] = std::move(bytes); }
  // The string property `id` as UTF-8, from kTypeUnicode or kTypeString8
  // (read in `code_page`); nullopt when absent.
  std::optional<std::string> text(std::uint16_t id, int code_page) const;
  std::optional<std::string> binary(std::uint16_t id) const;
  std::optional<std::int32_t> int32(std::uint16_t id) const;
  std::optional<bool> boolean(std::uint16_t id) const;
  // A kTypeTime value as seconds since 1970; nullopt when absent.
  std::optional<std::int64_t> time(std::uint16_t id) const;
};

// Bytes in a Windows code page as UTF-8 (65001 = UTF-8; unknown pages and
// bytes invalid in the page are read as Windows-1252 so nothing is lost).
std::string codePageToUtf8(const std::string& bytes, int code_page);
// The MIME charset name of a Windows code page ("windows-1252", "utf-8").
std::string codePageCharset(int code_page);

enum class RecipientType { kTo = 1, kCc = 2, kBcc = 3 };

struct MapiRecipient {
  RecipientType type = RecipientType::kTo;
  std::string name;
  std::string address;       // SMTP address when known, else the address as stored (EX: a legacy DN)
  std::string address_type;  // SMTP, EX, ...
};

struct MapiMessage;

struct MapiAttachment {
  std::string name;        // long file name, else the 8.3 one ("" when neither)
  std::string mime_type;   // PR_ATTACH_MIME_TAG ("" = derive from the name)
  std::string content_id;  // for inline images referenced by cid:
  std::string content_location;
  bool hidden = false;  // PR_ATTACHMENT_HIDDEN (inline images of HTML mail)
  int method = 1;       // PR_ATTACH_METHOD: 1 by value, 5 embedded message, 6 OLE, 2-4 references
  std::string data;
  std::shared_ptr<MapiMessage> embedded;  // method 5: the attached message
};

struct MapiMessage {
  std::string message_class;      // IPM.Note, IPM.Schedule.Meeting.Request, ...
  std::string transport_headers;  // the headers the message arrived with, "" for none
  std::string subject;
  std::string sender_name, sender_address;  // PR_SENT_REPRESENTING_*, else PR_SENDER_*
  std::vector<MapiRecipient> recipients;
  std::optional<std::int64_t> submit_time;    // seconds since 1970
  std::optional<std::int64_t> delivery_time;  // seconds since 1970
  std::optional<std::int64_t> creation_time;
  std::string message_id, in_reply_to, references;
  std::optional<std::string> body_text;  // UTF-8
  std::optional<std::string> body_html;  // bytes in `html_code_page`
  int html_code_page = 65001;
  std::optional<std::string> rtf_compressed;
  std::vector<MapiAttachment> attachments;
  bool read = false;     // MSGFLAG_READ
  int code_page = 1252;  // PR_INTERNET_CPID, else PR_MESSAGE_CODEPAGE, else the file's
};

// Decodes the properties of a message, its recipients (one property set
// each) and attachments (filled by the reader, which knows where their data
// and embedded messages live). `default_code_page` reads kTypeString8
// values of a message that names no code page (the PST's, else 1252).
MapiMessage messageFromProperties(const MapiProperties& p, const std::vector<MapiProperties>& recipients,
                                  std::vector<MapiAttachment> attachments, int default_code_page);
// The attachment's fields from its properties (data and embedded message
// excepted: the reader fills those).
MapiAttachment attachmentFromProperties(const MapiProperties& p, int code_page);

}  // namespace spe::mapi
