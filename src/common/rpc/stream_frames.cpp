#include "common/rpc/stream_frames.h"

#include <array>

namespace spe {

asio::awaitable<Result<Json>> FrameReader::next(ByteStream& stream) {
  std::array<char, 16384> buf{};
  for (;;) {
    while (!pending_.empty()) {
      const auto step = parser_.feed(pending_);
      pending_.erase(0, step.consumed);
      if (step.state == FrameParser::State::kError) {
        co_return makeError(ErrorCode::kProtocol, "Bad frame: " + parser_.errorMessage());
      }
      if (step.state == FrameParser::State::kDone) {
        auto frame = parseJson(parser_.take(), "frame", kMaxFrameDepth);
        if (!frame || !frame->is_object()) co_return makeError(ErrorCode::kProtocol, "A frame is not a JSON object.");
        co_return std::move(*frame);
      }
    }
    ErrorCodeT ec;
    const std::size_t n = co_await stream.readSome(asio::buffer(buf), ec);
    if (ec || n == 0) co_return makeError(ErrorCode::kUnavailable, "The stream ended.");
    pending_.assign(buf.data(), n);
  }
}

void closeOnExpiry(asio::steady_timer& timer, std::shared_ptr<ByteStream> stream, std::shared_ptr<bool> expired) {
  timer.async_wait([stream = std::move(stream), expired = std::move(expired)](const ErrorCodeT& ec) {
    if (ec) return;
    if (expired) *expired = true;
    stream->close();
  });
}

}  // namespace spe
