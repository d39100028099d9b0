// Fuzz target for compressed RTF and the RTF readers (src/common/mapi/
// rtf_compression.h, rtf_text.h): any bytes as PR_RTF_COMPRESSED, as a PST
// or .msg file hands them over. Invariants, not only survival:
//   - decompressRtf never gives more than its limit or than the stream's
//     RAWSIZE field; a "MELA" stream gives exactly its stored bytes;
//   - rtfToText and rtfToHtml, on the input and on what it decompresses
//     to, give valid UTF-8; rtfToHtml answers only for \fromhtml1 RTF.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/mapi/rtf_compression.h"
#include "common/mapi/rtf_text.h"
#include "fuzz_checks.h"

using spe::fuzz::check;

namespace {

void checkRtf(std::string_view rtf) {
  check(spe::fuzz::isUtf8(spe::mapi::rtfToText(rtf)), "rtfToText gives valid UTF-8");
  const auto html = spe::mapi::rtfToHtml(rtf);
  check(html.has_value() == spe::mapi::rtfEncapsulatesHtml(rtf), "rtfToHtml answers only for \\fromhtml1");
  if (html) check(spe::fuzz::isUtf8(*html), "rtfToHtml gives valid UTF-8");
}

std::uint32_t le32(std::string_view b, std::size_t at) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(b[at + static_cast<std::size_t>(i)]);
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  constexpr std::size_t kLimit = 1u << 20;
  const auto out = spe::mapi::decompressRtf(in, kLimit);
  if (out) {
    check(in.size() >= 16, "a decompressed stream had its header");
    check(out->size() <= kLimit, "decompressRtf stays within its limit");
    check(out->size() <= le32(in, 4), "decompressRtf gives at most RAWSIZE bytes");
    if (le32(in, 8) == 0x414C454D) check(*out == in.substr(16, out->size()), "MELA gives the stored bytes");
    checkRtf(*out);
  }
  checkRtf(in);
  return 0;
}
