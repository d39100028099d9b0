// Fuzz target for the IMAP command parser (the instance's IMAP server and
// the CAS read what any client sends): any bytes, fed in two pieces at a
// data-chosen offset, must never crash, hang, overrun the input or exceed
// the limits.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/imap/command.h"
#include "imap_value_bytes.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t cut = data[0] % size;
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  spe::ImapCommandParser::Limits limits;
  limits.max_line = 512;
  limits.max_literal = 1024;
  limits.max_total = 4096;
  spe::ImapCommandParser parser(limits);
  parser.setRawMode((data[0] & 0x80) != 0);
  for (std::string_view part : {in.substr(0, cut), in.substr(std::min(cut, in.size()))}) {
    while (!part.empty()) {
      auto step = parser.feed(part);
      if (step.consumed > part.size()) __builtin_trap();
      part.remove_prefix(step.consumed);
      if (step.state == spe::ImapCommandParser::State::kError) return 0;
      if (step.state == spe::ImapCommandParser::State::kDone) {
        const auto c = parser.take();
        std::size_t bytes = c.raw.size() + c.tag.size() + c.name.size();
        for (const auto& v : c.args) bytes += spe::fuzz::imapValueBytes(v);
        if (bytes > limits.max_total + limits.max_line * 8) __builtin_trap();
      } else if (step.consumed == 0 && step.state == spe::ImapCommandParser::State::kNeedMore) {
        __builtin_trap();  // no progress on non-empty input
      }
    }
  }
  return 0;
}
