#include "common/rpc/stream_body.h"

#include "common/rpc/frame_parser.h"

namespace spe {
namespace {

asio::awaitable<void> writeTagged(ByteStream& stream, char tag, std::string_view bytes, ErrorCodeT& ec) {
  std::string payload;
  payload.reserve(bytes.size() + 1);
  payload += tag;
  payload += bytes;
  const std::string out = encodeFrame(payload);
  co_await stream.writeAll(asio::buffer(out), ec);
}

}  // namespace

asio::awaitable<void> writeBodyPiece(ByteStream& stream, std::string_view bytes, ErrorCodeT& ec) {
  while (!bytes.empty() && !ec) {
    const std::size_t n = std::min(bytes.size(), kMaxBodyPiece);
    co_await writeTagged(stream, 'D', bytes.substr(0, n), ec);
    bytes.remove_prefix(n);
  }
}

asio::awaitable<void> writeBodyEnd(ByteStream& stream, const Error* failure, ErrorCodeT& ec) {
  if (failure) co_await writeTagged(stream, 'X', failure->message.substr(0, 1000), ec);
  else co_await writeTagged(stream, 'E', {}, ec);
}

asio::awaitable<Result<std::optional<std::string>>> readBodyPiece(FrameReader& reader, ByteStream& stream) {
  auto payload = co_await reader.nextRaw(stream);
  if (!payload) co_return payload.error();
  std::string& p = *payload;
  if (p.size() > 1 + kMaxBodyPiece) co_return makeError(ErrorCode::kProtocol, "A body piece is too large.");
  if (p == "E") co_return std::optional<std::string>();
  if (p.size() > 1 && p[0] == 'D') co_return std::optional<std::string>(p.substr(1));
  if (!p.empty() && p[0] == 'X') {
    co_return makeError(ErrorCode::kInternal, p.size() > 1 ? p.substr(1) : std::string("The sender failed."));
  }
  co_return makeError(ErrorCode::kProtocol, "A frame in a body is not a body frame.");
}

}  // namespace spe
