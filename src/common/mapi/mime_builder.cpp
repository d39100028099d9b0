#include "common/mapi/mime_builder.h"

#include <gmime/gmime.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "common/mapi/rtf_compression.h"
#include "common/mapi/rtf_text.h"
#include "common/mime/gmime_support.h"

namespace spe::mapi {

namespace {

// Owns one GObject reference.
template <typename T>
class Ref {
 public:
  explicit Ref(T* p = nullptr) : p_(p) {}
  ~Ref() {
    if (p_) g_object_unref(p_);
  }
  Ref(const Ref&) = delete;
  Ref& operator=(const Ref&) = delete;
  T* get() const { return p_; }
  void reset(T* p) {
    if (p_) g_object_unref(p_);
    p_ = p;
  }
  T* release() {
    T* p = p_;
    p_ = nullptr;
    return p;
  }

 private:
  T* p_;
};

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string stripAngles(std::string s) {
  while (!s.empty() && (s.front() == '<' || s.front() == ' ')) s.erase(0, 1);
  while (!s.empty() && (s.back() == '>' || s.back() == ' ' || s.back() == '\0')) s.pop_back();
  return s;
}

// The content type of an attachment without a MIME tag, by its extension.
std::string typeForName(const std::string& name) {
  static constexpr std::pair<const char*, const char*> kTypes[] = {
      {"pdf", "application/pdf"},
      {"txt", "text/plain"},
      {"htm", "text/html"},
      {"html", "text/html"},
      {"csv", "text/csv"},
      {"xml", "application/xml"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"png", "image/png"},
      {"gif", "image/gif"},
      {"bmp", "image/bmp"},
      {"tif", "image/tiff"},
      {"tiff", "image/tiff"},
      {"zip", "application/zip"},
      {"rtf", "application/rtf"},
      {"ics", "text/calendar"},
      {"eml", "message/rfc822"},
      {"msg", "application/vnd.ms-outlook"},
      {"doc", "application/msword"},
      {"xls", "application/vnd.ms-excel"},
      {"ppt", "application/vnd.ms-powerpoint"},
      {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
      {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
      {"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
  };
  const auto dot = name.rfind('.');
  if (dot != std::string::npos) {
    const std::string ext = lower(name.substr(dot + 1));
    for (const auto& [e, t] : kTypes) {
      if (ext == e) return t;
    }
  }
  return "application/octet-stream";
}

GMimePart* newPart(const std::string& type, const std::string& bytes) {
  std::string major = "application", minor = "octet-stream";
  if (const auto slash = type.find('/'); slash != std::string::npos && slash > 0 && slash + 1 < type.size()) {
    major = lower(type.substr(0, slash));
    minor = lower(type.substr(slash + 1));
    // A MIME tag may carry parameters ("text/plain; charset=...").
    minor = minor.substr(0, minor.find_first_of("; \t"));
  }
  GMimePart* part = g_mime_part_new_with_type(major.c_str(), minor.c_str());
  Ref<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(bytes.data(), bytes.size()));
  Ref<GMimeDataWrapper> wrapper(g_mime_data_wrapper_new_with_stream(stream.get(), GMIME_CONTENT_ENCODING_DEFAULT));
  g_mime_part_set_content(part, wrapper.get());
  return part;
}

// LF and lone CR to CRLF: text parts are written with CRLF line ends.
std::string crlf(const std::string& s) {
  std::string out;
  out.reserve(s.size() + s.size() / 32);
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r') {
      out += "\r\n";
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
    } else if (s[i] == '\n') {
      out += "\r\n";
    } else {
      out += s[i];
    }
  }
  return out;
}

GMimeObject* textPart(const std::string& subtype, const std::string& utf8) {
  GMimePart* part = newPart("text/" + subtype, crlf(utf8));
  g_mime_object_set_content_type_parameter(GMIME_OBJECT(part), "charset", "utf-8");
  g_mime_part_set_content_encoding(part, g_mime_part_get_best_content_encoding(part, GMIME_ENCODING_CONSTRAINT_7BIT));
  return GMIME_OBJECT(part);
}

// FNV-1a 64: the seed of a message's boundaries.
std::uint64_t fnv(std::uint64_t h, std::string_view bytes) {
  for (unsigned char c : bytes) h = (h ^ c) * 0x100000001B3ULL;
  return h;
}

std::uint64_t contentSeed(const MapiMessage& m, std::uint64_t h) {
  for (std::string_view s : {std::string_view(m.subject), std::string_view(m.message_id),
                             std::string_view(m.transport_headers), std::string_view(m.sender_address)}) {
    h = fnv(h, s);
  }
  if (m.body_text) h = fnv(h, *m.body_text);
  if (m.body_html) h = fnv(h, *m.body_html);
  if (m.rtf_compressed) h = fnv(h, *m.rtf_compressed);
  if (m.submit_time) h = fnv(h, std::to_string(*m.submit_time));
  for (const auto& a : m.attachments) {
    h = fnv(fnv(h, a.name), a.data);
    if (a.embedded) h = contentSeed(*a.embedded, h);
  }
  return h;
}

GMimeObject* multipart(const char* subtype, const std::vector<GMimeObject*>& parts, const std::string& boundary) {
  GMimeMultipart* mp = g_mime_multipart_new_with_subtype(subtype);
  g_mime_multipart_set_boundary(mp, boundary.c_str());
  for (GMimeObject* p : parts) {
    g_mime_multipart_add(mp, p);
    g_object_unref(p);
  }
  return GMIME_OBJECT(mp);
}

GMimeMessage* parseMessage(const std::string& raw) {
  Ref<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
  Ref<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  return g_mime_parser_construct_message(parser.get(), nullptr);
}

// The transport headers as a message without body; null when there are
// none (or GMime reads nothing from them).
GMimeMessage* transportMessage(std::string headers) {
  while (!headers.empty() && (headers.back() == '\n' || headers.back() == '\r' || headers.back() == '\0')) {
    headers.pop_back();
  }
  // Some stores keep a leading blank line or a "Microsoft Mail Internet Headers" preamble.
  const auto start = headers.find_first_not_of("\r\n");
  headers = start == std::string::npos ? "" : headers.substr(start);
  if (headers.rfind("Microsoft Mail Internet Headers", 0) == 0) {
    const auto eol = headers.find('\n');
    headers = eol == std::string::npos ? "" : headers.substr(eol + 1);
  }
  if (headers.empty()) return nullptr;
  return parseMessage(headers + "\r\n\r\n");
}

std::string formatAddress(const std::string& name, const std::string& address) {
  Ref<InternetAddressList> list(internet_address_list_new());
  // An Exchange address without an SMTP one (a DN, "/O=ORG/OU=..."), is
  // written as it is in the angle brackets, as readpst does: no valid
  // addr-spec, but what the file knows. GMime drops an entry without any
  // address when it reads the header value back.
  Ref<InternetAddress> a(internet_address_mailbox_new(name.c_str(), address.c_str()));
  internet_address_list_add(list.get(), a.get());
  return mime::takeGString(internet_address_list_to_string(list.get(), nullptr, TRUE));
}

class Builder {
 public:
  explicit Builder(std::vector<std::string>& warnings) : warnings_(warnings) {}

  // Boundaries follow from the content, so converting the same item again
  // gives the same bytes (a repeated import finds duplicates, not new mail).
  void seed(const MapiMessage& m) {
    char hex[17];
    std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(contentSeed(m, 0xCBF29CE484222325ULL)));
    seed_ = hex;
  }
  std::string boundary() { return "=_spe_" + seed_ + "_" + std::to_string(++boundaries_); }

  Result<std::string> build(const MapiMessage& m, int depth) {
    GMimeObject* body = bodyOf(m, depth);
    if (!body) return makeError(ErrorCode::kInternal, "The message body could not be built.");
    Ref<GMimeObject> body_ref(body);
    Ref<GMimeMessage> msg(transportMessage(m.transport_headers));
    const bool from_transport = msg.get() != nullptr;
    if (!from_transport) msg.reset(g_mime_message_new(TRUE));
    GMimeObject* obj = GMIME_OBJECT(msg.get());
    GMimeHeaderList* headers = g_mime_object_get_header_list(obj);
    if (from_transport) {
      for (const char* name : {"Content-Type", "Content-Transfer-Encoding", "Content-Disposition", "MIME-Version",
                               "Content-ID", "Content-Description"}) {
        while (g_mime_header_list_contains(headers, name)) {
          if (!g_mime_header_list_remove(headers, name)) break;
        }
      }
    }
    const bool has_from = from_transport && g_mime_object_get_header(obj, "From");
    if (!has_from && (!m.sender_name.empty() || !m.sender_address.empty())) {
      g_mime_object_set_header(obj, "From", formatAddress(m.sender_name, m.sender_address).c_str(), nullptr);
    }
    if (!from_transport) {
      for (RecipientType type : {RecipientType::kTo, RecipientType::kCc, RecipientType::kBcc}) {
        std::string value;
        for (const auto& r : m.recipients) {
          if (r.type != type) continue;
          value += (value.empty() ? "" : ", ") + formatAddress(r.name, r.address);
        }
        if (value.empty()) continue;
        const char* name = type == RecipientType::kTo ? "To" : type == RecipientType::kCc ? "Cc" : "Bcc";
        g_mime_object_set_header(obj, name, value.c_str(), nullptr);
      }
    }
    if (!(from_transport && g_mime_object_get_header(obj, "Subject"))) {
      g_mime_message_set_subject(msg.get(), m.subject.c_str(), "utf-8");
    }
    if (!(from_transport && g_mime_object_get_header(obj, "Date"))) {
      std::optional<std::int64_t> t = m.submit_time     ? m.submit_time
                                      : m.delivery_time ? m.delivery_time
                                                        : m.creation_time;
      if (t) {
        GDateTime* date = g_date_time_new_from_unix_utc(*t);
        if (date) {
          g_mime_message_set_date(msg.get(), date);
          g_date_time_unref(date);
        }
      }
    }
    if (!(from_transport && g_mime_object_get_header(obj, "Message-ID"))) {
      const std::string id = stripAngles(m.message_id);
      if (!id.empty()) g_mime_message_set_message_id(msg.get(), id.c_str());
    }
    if (!from_transport) {
      if (!m.in_reply_to.empty()) g_mime_object_set_header(obj, "In-Reply-To", m.in_reply_to.c_str(), nullptr);
      if (!m.references.empty()) g_mime_object_set_header(obj, "References", m.references.c_str(), nullptr);
    }
    g_mime_object_set_header(obj, "MIME-Version", "1.0", nullptr);
    g_mime_message_set_mime_part(msg.get(), body);
    GMimeFormatOptions* options = g_mime_format_options_new();
    g_mime_format_options_set_newline_format(options, GMIME_NEWLINE_FORMAT_DOS);
    std::string raw = mime::takeGString(g_mime_object_to_string(obj, options));
    g_mime_format_options_free(options);
    return raw;
  }

 private:
  // The HTML and text bodies, the RTF one turned into one of them when
  // the other properties have neither.
  void bodies(const MapiMessage& m, std::optional<std::string>& html, std::optional<std::string>& text) {
    if (m.body_html && !m.body_html->empty()) html = codePageToUtf8(*m.body_html, m.html_code_page);
    if (m.body_text && !m.body_text->empty()) text = *m.body_text;
    if (html || !m.rtf_compressed) return;
    auto rtf = decompressRtf(*m.rtf_compressed);
    if (!rtf) {
      if (!text) warnings_.push_back(rtf.error().message);
      return;
    }
    if (auto encapsulated = rtfToHtml(*rtf)) {
      html = std::move(*encapsulated);
    } else if (!text) {
      text = rtfToText(*rtf);
    }
  }

  GMimeObject* bodyOf(const MapiMessage& m, int depth) {
    std::optional<std::string> html, text;
    bodies(m, html, text);
    GMimeObject* body = nullptr;
    if (html && text) {
      body = multipart("alternative", {textPart("plain", *text), textPart("html", *html)}, boundary());
    } else if (html) {
      body = textPart("html", *html);
    } else {
      body = textPart("plain", text.value_or(""));
    }
    std::vector<GMimeObject*> related, mixed;
    for (const auto& a : m.attachments) {
      const std::string cid = stripAngles(a.content_id);
      const bool inline_image = html && !cid.empty() && a.method != 5 && html->find("cid:" + cid) != std::string::npos;
      GMimeObject* part = attachmentPart(a, depth, inline_image);
      if (!part) continue;
      (inline_image ? related : mixed).push_back(part);
    }
    if (!related.empty()) {
      related.insert(related.begin(), body);
      body = multipart("related", related, boundary());
    }
    if (!mixed.empty()) {
      mixed.insert(mixed.begin(), body);
      body = multipart("mixed", mixed, boundary());
    }
    return body;
  }

  GMimeObject* attachmentPart(const MapiAttachment& a, int depth, bool inline_image) {
    if (a.method == 5 || a.embedded) {
      if (!a.embedded) {
        warnings_.push_back("the attached message '" + a.name + "' could not be read; it was left out");
        return nullptr;
      }
      if (depth + 1 > kMaxEmbeddingDepth) {
        warnings_.push_back("an attached message nested more than " + std::to_string(kMaxEmbeddingDepth) +
                            " levels deep was left out");
        return nullptr;
      }
      auto raw = build(*a.embedded, depth + 1);
      if (!raw) {
        warnings_.push_back("the attached message '" + a.name + "': " + raw.error().message);
        return nullptr;
      }
      Ref<GMimeMessage> inner(parseMessage(*raw));
      if (!inner.get()) return nullptr;
      GMimeMessagePart* part = g_mime_message_part_new_with_message("rfc822", inner.get());
      g_mime_object_set_disposition(GMIME_OBJECT(part), "attachment");
      if (!a.name.empty()) {
        g_mime_object_set_content_disposition_parameter(GMIME_OBJECT(part), "filename", a.name.c_str());
      }
      return GMIME_OBJECT(part);
    }
    if (a.method >= 2 && a.method <= 4 && a.data.empty()) {
      warnings_.push_back("the attachment '" + a.name + "' is a link to a file outside the message; it was left out");
      return nullptr;
    }
    const std::string type = a.mime_type.empty() ? typeForName(a.name) : a.mime_type;
    GMimePart* part = newPart(type, a.data);
    g_mime_object_set_disposition(GMIME_OBJECT(part), inline_image ? "inline" : "attachment");
    if (!a.name.empty()) g_mime_part_set_filename(part, a.name.c_str());
    const std::string cid = stripAngles(a.content_id);
    if (!cid.empty()) g_mime_object_set_content_id(GMIME_OBJECT(part), cid.c_str());
    g_mime_part_set_content_encoding(part, GMIME_CONTENT_ENCODING_BASE64);
    return GMIME_OBJECT(part);
  }

  std::vector<std::string>& warnings_;
  std::string seed_ = "0";
  int boundaries_ = 0;
};

}  // namespace

Result<Rfc5322Message> toRfc5322(const MapiMessage& message) {
  mime::initGMime();
  Rfc5322Message out;
  Builder builder(out.warnings);
  builder.seed(message);
  auto raw = builder.build(message, 0);
  if (!raw) return raw.error();
  out.raw = std::move(*raw);
  return out;
}

}  // namespace spe::mapi
