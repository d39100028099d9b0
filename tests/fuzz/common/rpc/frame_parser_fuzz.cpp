// Fuzz target for the internal RPC frame parser: any bytes, fed in two
// pieces at a data-chosen offset, must never crash, hang or exceed the limit.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/rpc/frame_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t cut = data[0] % size;
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  spe::FrameParser parser(4096);
  for (std::string_view part : {in.substr(0, cut), in.substr(std::min(cut, in.size()))}) {
    while (!part.empty()) {
      auto step = parser.feed(part);
      if (step.consumed > part.size()) __builtin_trap();
      part.remove_prefix(step.consumed);
      if (step.state == spe::FrameParser::State::kError) return 0;
      if (step.state == spe::FrameParser::State::kDone) {
        if (parser.take().size() > 4096) __builtin_trap();
      } else if (step.consumed == 0) {
        __builtin_trap();  // no progress on non-empty input
      }
    }
  }
  return 0;
}
