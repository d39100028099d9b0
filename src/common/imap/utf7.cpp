#include "common/imap/utf7.h"

#include <cstdint>
#include <vector>

#include "common/base/utf8.h"

namespace spe {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

int sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == ',') return 63;
  return -1;
}

// The code points of UTF-8 text; invalid bytes become U+FFFD.
std::vector<std::uint32_t> codePoints(std::string_view s) {
  std::vector<std::uint32_t> out;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    bool ok = len > 0 && i + len <= s.size();
    std::uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (std::size_t k = 1; ok && k < len; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      ok = (d >> 6) == 2;
      cp = (cp << 6) | (d & 0x3F);
    }
    if (!ok || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      out.push_back(0xFFFD);
      ++i;
    } else {
      out.push_back(cp);
      i += len;
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> imapUtf7Decode(std::string_view name) {
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (c != '&') {
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7E) return std::nullopt;
      out += c;
      continue;
    }
    const auto end = name.find('-', i + 1);
    if (end == std::string_view::npos) return std::nullopt;
    if (end == i + 1) {  // "&-"
      out += '&';
      i = end;
      continue;
    }
    std::uint32_t bits = 0;
    int nbits = 0;
    std::vector<std::uint16_t> units;
    std::string bytes;
    for (std::size_t k = i + 1; k < end; ++k) {
      const int v = sextet(name[k]);
      if (v < 0) return std::nullopt;
      bits = (bits << 6) | static_cast<std::uint32_t>(v);
      nbits += 6;
      if (nbits >= 8) {
        nbits -= 8;
        bytes += static_cast<char>((bits >> nbits) & 0xFF);
      }
    }
    if (bytes.size() % 2 != 0 || (bits & ((1u << nbits) - 1)) != 0) return std::nullopt;
    for (std::size_t k = 0; k < bytes.size(); k += 2) {
      units.push_back(static_cast<std::uint16_t>((static_cast<unsigned char>(bytes[k]) << 8) |
                                                 static_cast<unsigned char>(bytes[k + 1])));
    }
    for (std::size_t k = 0; k < units.size(); ++k) {
      std::uint32_t cp = units[k];
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (k + 1 >= units.size() || units[k + 1] < 0xDC00 || units[k + 1] > 0xDFFF) return std::nullopt;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (units[k + 1] - 0xDC00);
        ++k;
      } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
        return std::nullopt;
      }
      appendUtf8(out, cp);
    }
    i = end;
  }
  return out;
}

std::string imapUtf7Encode(std::string_view utf8) {
  std::string out;
  const auto cps = codePoints(utf8);
  for (std::size_t i = 0; i < cps.size();) {
    const std::uint32_t cp = cps[i];
    if (cp >= 0x20 && cp <= 0x7E) {
      out += cp == '&' ? std::string("&-") : std::string(1, static_cast<char>(cp));
      ++i;
      continue;
    }
    std::string bytes;
    for (; i < cps.size() && !(cps[i] >= 0x20 && cps[i] <= 0x7E); ++i) {
      std::uint32_t c = cps[i];
      auto unit = [&](std::uint32_t u) {
        bytes += static_cast<char>(u >> 8);
        bytes += static_cast<char>(u & 0xFF);
      };
      if (c >= 0x10000) {
        c -= 0x10000;
        unit(0xD800 + (c >> 10));
        unit(0xDC00 + (c & 0x3FF));
      } else {
        unit(c);
      }
    }
    out += '&';
    std::uint32_t bits = 0;
    int nbits = 0;
    for (unsigned char b : bytes) {
      bits = (bits << 8) | b;
      nbits += 8;
      while (nbits >= 6) {
        nbits -= 6;
        out += kAlphabet[(bits >> nbits) & 0x3F];
      }
    }
    if (nbits > 0) out += kAlphabet[(bits << (6 - nbits)) & 0x3F];
    out += '-';
  }
  return out;
}

}  // namespace spe
