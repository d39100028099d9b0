// FrameReader: reads RPC frames (frame_parser.h) one at a time from a
// ByteStream, for protocols that keep exchanging frames after stream.open
// (Web Access requests from a CAS to an instance, see
// instancehost/instance/web_stream.h). Bytes that arrive after a frame are
// kept for the next one. Write frames with writeFrame() (byte_stream.h).
// No deadline of its own: the caller closes the stream to end a wait.
// Thread safety: one reader per stream, used by one coroutine at a time.
#pragma once

#include <string>

#include "common/byte_stream.h"
#include "common/frame_parser.h"
#include "common/result.h"

namespace spe {

class FrameReader {
 public:
  explicit FrameReader(std::size_t max_frame) : parser_(max_frame) {}

  // The next frame, a JSON object. Errors: kUnavailable when the stream
  // ended or failed (also after close()), kProtocol for a bad frame (the
  // stream is unusable after it).
  asio::awaitable<Result<Json>> next(ByteStream& stream);

 private:
  FrameParser parser_;
  std::string pending_;
};

}  // namespace spe
