// FrameReader: reads RPC frames (frame_parser.h) one at a time from a
// ByteStream, for protocols that keep exchanging frames after stream.open
// (Web Access requests from a CAS to an instance, see
// instancehost/instance/web_stream.h). Bytes that arrive after a frame are
// kept for the next one. Write frames with writeFrame() (byte_stream.h).
// No deadline of its own: the caller closes the stream to end a wait, for
// example with closeOnExpiry().
// Thread safety: one reader per stream, used by one coroutine at a time.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <string>

#include "common/base/result.h"
#include "common/rpc/byte_stream.h"
#include "common/rpc/frame_parser.h"

namespace spe {

class FrameReader {
 public:
  explicit FrameReader(std::size_t max_frame) : parser_(max_frame) {}

  // The next frame, a JSON object. Errors: kUnavailable when the stream
  // ended or failed (also after close()), kProtocol for a bad frame (the
  // stream is unusable after it).
  asio::awaitable<Result<Json>> next(ByteStream& stream);
  // The next frame's payload as it came (body pieces, stream_body.h).
  asio::awaitable<Result<std::string>> nextRaw(ByteStream& stream);

 private:
  FrameParser parser_;
  std::string pending_;  // read, not yet parsed from pending_offset_ on
  std::size_t pending_offset_ = 0;
};

// Closes `stream` when `timer` expires (not when it is cancelled or set
// again), ending whatever waits on the stream; sets *expired first when
// given. A plain function: GCC 12 mishandles lambdas inside coroutines.
void closeOnExpiry(asio::steady_timer& timer, std::shared_ptr<ByteStream> stream,
                   std::shared_ptr<bool> expired = nullptr);

}  // namespace spe
