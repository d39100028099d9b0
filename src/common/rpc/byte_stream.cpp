#include "common/rpc/byte_stream.h"

#include <array>

#include "common/rpc/frame_parser.h"

namespace spe {
namespace {

asio::awaitable<void> copy(std::shared_ptr<ByteStream> from, std::shared_ptr<ByteStream> to) {
  std::array<char, 16384> buf{};  // one TLS record; per session and direction
  for (;;) {
    ErrorCodeT ec;
    const std::size_t n = co_await from->readSome(asio::buffer(buf), ec);
    if (ec || n == 0) break;
    co_await to->writeAll(asio::buffer(buf.data(), n), ec);
    if (ec) break;
  }
  // One side ended: end both, which also ends the copy the other way.
  from->close();
  to->close();
}

}  // namespace

asio::awaitable<void> splice(std::shared_ptr<ByteStream> a, std::shared_ptr<ByteStream> b) {
  // The second direction runs beside this one; each ends the other by closing.
  asio::co_spawn(b->executor(), copy(b, a), asio::detached);
  co_await copy(a, b);
}

asio::awaitable<void> writeFrame(ByteStream& stream, const Json& frame, ErrorCodeT& ec) {
  const std::string out = encodeFrame(dumpJson(frame));
  co_await stream.writeAll(asio::buffer(out), ec);
}

}  // namespace spe
