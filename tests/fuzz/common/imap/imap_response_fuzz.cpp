// Fuzz target for the IMAP response parser (our IMAP client reads what any
// server sends): any bytes, fed in two pieces at a data-chosen offset, must
// never crash, hang, overrun the input or exceed the limits.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/imap/response.h"
#include "imap_value_bytes.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t cut = data[0] % size;
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  spe::ImapResponseParser::Limits limits;
  limits.max_line = 512;
  limits.max_literal = 1024;
  limits.max_total = 4096;
  spe::ImapResponseParser parser(limits);
  for (std::string_view part : {in.substr(0, cut), in.substr(std::min(cut, in.size()))}) {
    while (!part.empty()) {
      auto step = parser.feed(part);
      if (step.consumed > part.size()) __builtin_trap();
      part.remove_prefix(step.consumed);
      if (step.state == spe::ImapResponseParser::State::kError) return 0;
      if (step.state == spe::ImapResponseParser::State::kDone) {
        const auto r = parser.take();
        std::size_t bytes = r.text.size();
        for (const auto& v : r.data) bytes += spe::fuzz::imapValueBytes(v);
        for (const auto& v : r.code) bytes += spe::fuzz::imapValueBytes(v);
        if (bytes > limits.max_total + limits.max_line * 8) __builtin_trap();
      } else if (step.consumed == 0) {
        __builtin_trap();  // no progress on non-empty input
      }
    }
  }
  return 0;
}
