// Push-style parser for internal RPC frames.
//
// Wire format: a 4-byte big-endian payload length, then that many bytes of
// UTF-8 JSON. The parser never does I/O: feed() it whatever bytes arrived and
// it consumes at most one frame's worth, reporting Done once a whole frame is
// available through take(). A length of zero or above the configured limit is
// an Error (the connection must then be closed: framing is lost).
// Thread safety: one parser per connection, not shared.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace spe {

class FrameParser {
 public:
  enum class State { kNeedMore, kDone, kError };
  struct Step {
    std::size_t consumed = 0;
    State state = State::kNeedMore;
  };

  static constexpr std::size_t kHeaderSize = 4;
  static constexpr std::size_t kDefaultMaxFrame = 16 * 1024 * 1024;

  explicit FrameParser(std::size_t max_frame = kDefaultMaxFrame) : max_frame_(max_frame) {}

  // Consumes bytes from `in`. After kDone, call take() before feeding again.
  Step feed(std::string_view in);

  // The completed frame's payload; resets the parser for the next frame.
  std::string take();

  // Why the parser is in the error state.
  const std::string& errorMessage() const { return error_; }

 private:
  std::size_t max_frame_;
  unsigned char header_[kHeaderSize] = {};
  std::size_t header_have_ = 0;
  std::size_t expected_ = 0;
  std::string payload_;
  bool done_ = false;
  std::string error_;
};

// Encodes one frame (header + payload).
std::string encodeFrame(std::string_view payload);

}  // namespace spe
