#include "common/mapi/rtf_compression.h"

#include <array>
#include <cstdint>
#include <cstring>

namespace spe::mapi {

namespace {

constexpr std::string_view kPrefix =
    "{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss \\fmodern \\fscript "
    "\\fdecor MS Sans SerifSymbolArialTimes New RomanCourier{\\colortbl\\red0\\green0\\blue0\r\n\\par "
    "\\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx";
static_assert(kPrefix.size() == 207);

constexpr std::uint32_t kLzfu = 0x75465A4C;
constexpr std::uint32_t kMela = 0x414C454D;

std::uint32_t le32(std::string_view b, std::size_t at) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(b[at + static_cast<std::size_t>(i)]);
  return v;
}

std::array<std::uint32_t, 256> crcTable() {
  std::array<std::uint32_t, 256> t{};
  for (std::uint32_t n = 0; n < 256; ++n) {
    std::uint32_t c = n;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    t[n] = c;
  }
  return t;
}

Error corrupt(const std::string& why) {
  return makeError(ErrorCode::kCorrupt, "The compressed RTF body is damaged: " + why + ".");
}

}  // namespace

std::uint32_t rtfCrc(std::string_view bytes) {
  static const auto kTable = crcTable();
  std::uint32_t crc = 0;
  for (unsigned char b : bytes) crc = kTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
  return crc;
}

Result<std::string> decompressRtf(std::string_view s, std::size_t max_output) {
  if (s.size() < 16) return corrupt("shorter than its 16-byte header");
  const std::uint32_t comp_size = le32(s, 0);
  const std::uint32_t raw_size = le32(s, 4);
  const std::uint32_t type = le32(s, 8);
  const std::uint32_t crc = le32(s, 12);
  // Writers pad the stream; COMPSIZE may be smaller than what follows, never larger.
  if (comp_size < 12 || comp_size > s.size() - 4) return corrupt("its size field does not fit the data");
  if (raw_size > max_output) return corrupt("it claims " + std::to_string(raw_size) + " bytes, above the limit");
  const std::string_view data = s.substr(16, comp_size - 12);
  if (type == kMela) {
    if (data.size() < raw_size) return corrupt("the stored RTF is shorter than its size field");
    return std::string(data.substr(0, raw_size));
  }
  if (type != kLzfu) return corrupt("unknown compression type");
  if (rtfCrc(data) != crc) return corrupt("its checksum does not match");

  std::array<char, 4096> dict{};
  std::memcpy(dict.data(), kPrefix.data(), kPrefix.size());
  std::size_t write = kPrefix.size();
  std::string out;
  out.reserve(raw_size);
  std::size_t in = 0;
  while (in < data.size()) {
    const auto control = static_cast<unsigned char>(data[in++]);
    for (int bit = 0; bit < 8; ++bit) {
      if (in >= data.size() && out.size() == raw_size) return out;  // no end marker (see below)
      if ((control & (1u << bit)) == 0) {
        if (in >= data.size()) return corrupt("it ends inside a run");
        if (out.size() >= raw_size) return corrupt("it decompresses to more than its size field");
        out += data[in];
        dict[write] = data[in++];
        write = (write + 1) % dict.size();
        continue;
      }
      if (in + 2 > data.size()) return corrupt("it ends inside a reference");
      const unsigned word = (static_cast<unsigned char>(data[in]) << 8) | static_cast<unsigned char>(data[in + 1]);
      in += 2;
      std::size_t offset = word >> 4;
      const std::size_t length = (word & 0xF) + 2;
      if (offset == write) return out;  // the end marker
      for (std::size_t k = 0; k < length; ++k) {
        if (out.size() >= raw_size) return corrupt("it decompresses to more than its size field");
        const char c = dict[offset];
        offset = (offset + 1) % dict.size();
        out += c;
        dict[write] = c;
        write = (write + 1) % dict.size();
      }
    }
  }
  // Some writers leave the end marker out when the data ends exactly.
  if (out.size() == raw_size) return out;
  return corrupt("it ends without its end marker");
}

}  // namespace spe::mapi
