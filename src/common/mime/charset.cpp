#include "common/mime/charset.h"

#include <glib.h>

#include <algorithm>
#include <cstdint>
#include <string_view>

#include "common/base/utf8.h"

namespace spe::mime {
namespace {

// g_utf8_validate refuses NUL bytes, which are valid UTF-8 (and occur in
// mail): the pieces between them are checked.
bool validUtf8(std::string_view s) {
  for (std::size_t start = 0; start <= s.size();) {
    const std::size_t nul = std::min(s.find('\0', start), s.size());
    if (!g_utf8_validate(s.data() + start, static_cast<gssize>(nul - start), nullptr)) return false;
    start = nul + 1;
  }
  return true;
}

// Windows-1252 as WHATWG defines it (as browsers read it): 0x80-0x9F are
// the characters Microsoft put there, and the five bytes it left undefined
// (0x81, 0x8D, 0x8F, 0x90, 0x9D) are the C1 controls of the same number;
// the rest is Latin-1. iconv refuses those five, and one of them made
// g_convert fail and the whole text come out empty.
constexpr std::uint16_t kWindows1252[32] = {0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                            0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
                                            0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                            0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

}  // namespace

std::string textToUtf8(const std::string& bytes) {
  if (validUtf8(bytes)) return bytes;
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 2);
  for (const char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    appendUtf8(out, c >= 0x80 && c < 0xA0 ? kWindows1252[c - 0x80] : c);
  }
  return out;
}

}  // namespace spe::mime
