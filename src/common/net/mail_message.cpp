#include "common/net/mail_message.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <ctime>

#include "common/base/crypto.h"

namespace spe::net {
namespace {

constexpr std::size_t kMaxLine = 78;    // RFC 5322 §2.1.1's "SHOULD"
constexpr std::size_t kMaxQpLine = 76;  // RFC 2045 §6.7 (5)
constexpr std::size_t kWordBytes = 36;  // UTF-8 bytes per encoded word: 48 base64 characters, 60 in all
constexpr const char* kHex = "0123456789ABCDEF";

bool isPrintableAscii(unsigned char c) { return c >= 0x20 && c < 0x7f; }

// The length in bytes of the valid UTF-8 sequence at text[i], 0 if there is none.
std::size_t utf8SequenceAt(std::string_view text, std::size_t i) {
  const auto c = static_cast<unsigned char>(text[i]);
  std::size_t n = 0;
  std::uint32_t min = 0;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) n = 2, min = 0x80;
  else if ((c & 0xF0) == 0xE0) n = 3, min = 0x800;
  else if ((c & 0xF8) == 0xF0) n = 4, min = 0x10000;
  else return 0;
  if (i + n > text.size()) return 0;
  std::uint32_t cp = c & (0x7F >> n);
  for (std::size_t k = 1; k < n; ++k) {
    const auto d = static_cast<unsigned char>(text[i + k]);
    if ((d & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (d & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

// Header text made safe: controls (CR and LF included) become spaces,
// invalid UTF-8 becomes U+FFFD.
std::string cleanHeaderText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) {
      out += ' ';
      ++i;
      continue;
    }
    const std::size_t n = utf8SequenceAt(text, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    out.append(text.substr(i, n));
    i += n;
  }
  return out;
}

bool needsEncoding(std::string_view text) {
  return text.find("=?") != std::string_view::npos ||
         !std::all_of(text.begin(), text.end(), [](char c) { return isPrintableAscii(static_cast<unsigned char>(c)); });
}

// RFC 2047 B-encoded words of clean UTF-8 text, none splitting a character.
std::vector<std::string> encodedWords(std::string_view text) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t end = i;
    while (end < text.size()) {
      const std::size_t n = std::max<std::size_t>(1, utf8SequenceAt(text, end));
      if (end + n - i > kWordBytes) break;
      end += n;
    }
    words.push_back("=?UTF-8?B?" + base64Encode(text.substr(i, end - i)) + "?=");
    i = end;
  }
  return words;
}

// Tokens of a header value, separated by single spaces: ASCII words, or
// encoded words for text that needs them.
std::vector<std::string> headerTokens(std::string_view raw) {
  const std::string text = cleanHeaderText(raw);
  if (needsEncoding(text)) return encodedWords(text);
  std::vector<std::string> tokens;
  std::size_t start = 0;
  for (;;) {
    const std::size_t sp = text.find(' ', start);
    tokens.push_back(text.substr(start, sp == std::string::npos ? std::string::npos : sp - start));
    if (sp == std::string::npos) break;
    start = sp + 1;
  }
  return tokens;
}

// Joins tokens with spaces, folding (CRLF SP instead of the space) before a
// token that would pass kMaxLine; `used` characters of the first line are taken.
std::string fold(const std::vector<std::string>& tokens, std::size_t used) {
  std::string out;
  std::size_t line = used;
  for (std::size_t k = 0; k < tokens.size(); ++k) {
    const std::string& t = tokens[k];
    if (k > 0) {
      if (line + 1 + t.size() > kMaxLine && line > 1 && !t.empty()) {
        out += "\r\n ";
        line = 1;
      } else {
        out += ' ';
        ++line;
      }
    }
    out += t;
    line += t.size();
  }
  return out;
}

bool isAtext(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("!#$%&'*+-/=?^_`{|}~ ", c) != nullptr;
}

// The tokens of one address: its display name's, then "<address>".
std::vector<std::string> addressTokens(const MailAddress& a) {
  const std::string name = cleanHeaderText(a.display_name);
  if (name.find_first_not_of(' ') == std::string::npos) return {a.address};
  std::vector<std::string> tokens;
  if (needsEncoding(name)) {
    tokens = encodedWords(name);
  } else if (std::all_of(name.begin(), name.end(), isAtext)) {
    tokens = headerTokens(name);
  } else {
    std::string quoted = "\"";
    for (char c : name) {
      if (c == '"' || c == '\\') quoted += '\\';
      quoted += c;
    }
    tokens.push_back(quoted + "\"");
  }
  tokens.push_back("<" + a.address + ">");
  return tokens;
}

std::string addressList(const std::vector<MailAddress>& list, std::size_t used) {
  std::vector<std::string> tokens;
  for (std::size_t k = 0; k < list.size(); ++k) {
    auto t = addressTokens(list[k]);
    if (k + 1 < list.size()) t.back() += ',';
    tokens.insert(tokens.end(), t.begin(), t.end());
  }
  return fold(tokens, used);
}

std::string messageIdDomain(const std::string& address) {
  const std::string domain = address.substr(address.rfind('@') + 1);
  const bool plain = !domain.empty() && std::all_of(domain.begin(), domain.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
  });
  return plain ? domain : "localhost";
}

}  // namespace

bool isMailAddress(std::string_view a) {
  if (a.empty() || a.size() > 254) return false;
  const std::size_t at = a.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == a.size()) return false;
  const std::string_view local = a.substr(0, at), domain = a.substr(at + 1);
  if (local.size() > 64) return false;
  for (char c : local) {
    if (!isPrintableAscii(static_cast<unsigned char>(c)) || std::strchr(" <>(),;:\"\\[]@", c) != nullptr) return false;
  }
  if (domain.front() == '[') {
    return domain.back() == ']' && domain.size() > 2 && std::all_of(domain.begin() + 1, domain.end() - 1, [](char c) {
             return std::isxdigit(static_cast<unsigned char>(c)) || c == '.' || c == ':';
           });
  }
  if (domain.front() == '.' || domain.back() == '.' || domain.front() == '-' ||
      domain.find("..") != std::string_view::npos) {
    return false;
  }
  return std::all_of(domain.begin(), domain.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.'; });
}

std::string encodeHeaderText(std::string_view text, std::size_t used) { return fold(headerTokens(text), used); }

std::string formatAddress(const MailAddress& address) { return fold(addressTokens(address), 0); }

std::string quotedPrintable(std::string_view text) {
  std::string out;
  std::size_t line = 0;  // characters on the current output line
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    const bool last = end == std::string_view::npos;
    if (last) end = text.size();
    std::string_view src = text.substr(start, end - start);
    if (!src.empty() && src.back() == '\r') src.remove_suffix(1);
    for (std::size_t i = 0; i < src.size(); ++i) {
      const auto c = static_cast<unsigned char>(src[i]);
      const char enc[3] = {'=', kHex[c >> 4], kHex[c & 15]};
      const bool at_end = i + 1 == src.size();
      bool literal = (c > 32 && c < 127 && c != '=') || ((c == ' ' || c == '\t') && !at_end);
      if (line + (literal ? 1 : 3) > kMaxQpLine - 1) {  // room for the soft break's '='
        out += "=\r\n";
        line = 0;
      }
      // A line that starts with "." or "From " looks like SMTP's end of
      // data or an mbox separator to some software on the way.
      if (line == 0 && (c == '.' || (c == 'F' && src.substr(i, 5) == "From "))) literal = false;
      if (literal) {
        out += static_cast<char>(c);
        ++line;
      } else {
        out.append(enc, 3);
        line += 3;
      }
    }
    if (last) break;
    out += "\r\n";
    line = 0;
    start = end + 1;
  }
  return out;
}

std::string rfc5322Date(std::int64_t unix_seconds) {
  static constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[static_cast<std::size_t>(tm.tm_wday)],
                tm.tm_mday, kMonths[static_cast<std::size_t>(tm.tm_mon)], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

MimeEnvelope mimeEnvelopeNow(const MailAddress& from) {
  MimeEnvelope e;
  e.date_unix = static_cast<std::int64_t>(std::time(nullptr));
  e.message_id = toHex(randomBytes(16)) + "@" + messageIdDomain(from.address);
  e.boundary = "=_spe_" + toHex(randomBytes(12));
  return e;
}

Result<std::string> buildMime(const MailMessage& m, const MimeEnvelope& envelope) {
  if (!isMailAddress(m.from.address)) {
    return makeError(ErrorCode::kInvalidArgument,
                     "The sender's address '" + m.from.address + "' is not an e-mail address.");
  }
  if (m.to.empty()) return makeError(ErrorCode::kInvalidArgument, "The message has no recipient.");
  for (const auto& to : m.to) {
    if (!isMailAddress(to.address)) {
      return makeError(ErrorCode::kInvalidArgument, "The recipient '" + to.address + "' is not an e-mail address.");
    }
  }
  if (m.html && (envelope.boundary.empty() || envelope.boundary.size() > 70)) {
    return makeError(ErrorCode::kInvalidArgument, "A multipart message needs a boundary of 1 to 70 characters.");
  }
  std::string out;
  out += "Date: " + rfc5322Date(envelope.date_unix) + "\r\n";
  out += "From: " + addressList({m.from}, 6) + "\r\n";
  out += "To: " + addressList(m.to, 4) + "\r\n";
  out += "Subject: " + encodeHeaderText(m.subject, 9) + "\r\n";
  if (!envelope.message_id.empty()) out += "Message-ID: <" + envelope.message_id + ">\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Auto-Submitted: auto-generated\r\n";
  auto part = [](const char* type, const std::string& body) {
    return std::string("Content-Type: ") + type +
           "; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" + quotedPrintable(body) + "\r\n";
  };
  if (!m.html) {
    out += part("text/plain", m.text);
    return out;
  }
  // "=_" cannot occur in quoted-printable text, so the boundary never does.
  out += "Content-Type: multipart/alternative;\r\n boundary=\"" + envelope.boundary + "\"\r\n\r\n";
  out += "This is a message in MIME format: a text and an HTML version.\r\n";
  out += "--" + envelope.boundary + "\r\n" + part("text/plain", m.text);
  out += "--" + envelope.boundary + "\r\n" + part("text/html", *m.html);
  out += "--" + envelope.boundary + "--\r\n";
  return out;
}

}  // namespace spe::net
