#include "common/rpc/stream_frames.h"

#include <array>

namespace spe {

asio::awaitable<Result<Json>> FrameReader::next(ByteStream& stream) {
  auto payload = co_await nextRaw(stream);
  if (!payload) co_return payload.error();
  auto frame = parseJson(*payload, "frame", kMaxFrameDepth);
  if (!frame || !frame->is_object()) co_return makeError(ErrorCode::kProtocol, "A frame is not a JSON object.");
  co_return std::move(*frame);
}

asio::awaitable<Result<std::string>> FrameReader::nextRaw(ByteStream& stream) {
  std::array<char, 65536> buf{};
  for (;;) {
    while (pending_offset_ < pending_.size()) {
      const auto step = parser_.feed(std::string_view(pending_).substr(pending_offset_));
      pending_offset_ += step.consumed;
      if (step.state == FrameParser::State::kError) {
        co_return makeError(ErrorCode::kProtocol, "Bad frame: " + parser_.errorMessage());
      }
      if (step.state == FrameParser::State::kDone) co_return parser_.take();
    }
    ErrorCodeT ec;
    const std::size_t n = co_await stream.readSome(asio::buffer(buf), ec);
    if (ec || n == 0) co_return makeError(ErrorCode::kUnavailable, "The stream ended.");
    pending_.assign(buf.data(), n);
    pending_offset_ = 0;
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
