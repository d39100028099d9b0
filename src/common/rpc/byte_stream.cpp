#include "common/rpc/byte_stream.h"

#include <array>
#include <memory>

#include "common/rpc/frame_parser.h"

namespace spe {
namespace {

// An idle session (the usual IMAP session: waiting for the next command)
// holds only a small buffer per direction; a read that fills it means data
// is flowing, and a buffer of one TLS record is taken until a read comes
// back small again. Thousands of sessions through one CAS: 2 KB each
// instead of 32 KB (./spe bench imap-serve --sessions).
constexpr std::size_t kSmall = 1024, kLarge = 16384;

asio::awaitable<void> copy(std::shared_ptr<ByteStream> from, std::shared_ptr<ByteStream> to) {
  std::array<char, kSmall> small;  // NOLINT(cppcoreguidelines-pro-type-member-init): written by each read first
  std::unique_ptr<char[]> large;
  for (;;) {
    ErrorCodeT ec;
    const asio::mutable_buffer into = large ? asio::buffer(large.get(), kLarge) : asio::buffer(small);
    const std::size_t n = co_await from->readSome(into, ec);
    if (ec || n == 0) break;
    co_await to->writeAll(asio::buffer(into.data(), n), ec);
    if (ec) break;
    if (!large && n == kSmall) {
      large = std::make_unique_for_overwrite<char[]>(kLarge);
    } else if (large && n < kSmall) {
      large.reset();
    }
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
