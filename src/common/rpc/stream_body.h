// A body after an answer frame on a stream: how a download of any size
// travels from an instance to a CAS (instance -> Instance Host -> CAS) in
// pieces, with back-pressure at every hop (a writer waits until the reader
// took the previous bytes), never as one frame in memory.
//
// Wire format: frames (frame_parser.h) whose payload starts with one byte:
//   'D' <bytes>      the next 1..kMaxBodyPiece bytes of the body
//   'E'              the end: the body is whole
//   'X' <message>    the sender failed; the body is incomplete
// The answer frame before them says that a body follows (web_api.h).
// Thread safety: as the ByteStream and FrameReader used.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/base/result.h"
#include "common/rpc/byte_stream.h"
#include "common/rpc/stream_frames.h"

namespace spe {

constexpr std::size_t kMaxBodyPiece = 256 * 1024;

// Sends the next piece (1..kMaxBodyPiece bytes; nothing for an empty one).
asio::awaitable<void> writeBodyPiece(ByteStream& stream, std::string_view bytes, ErrorCodeT& ec);
// Ends the body: whole (failure == nullptr) or failed with its message.
asio::awaitable<void> writeBodyEnd(ByteStream& stream, const Error* failure, ErrorCodeT& ec);

// The next piece of a body, nullopt at its end. Errors: kUnavailable when
// the stream broke, kProtocol for a frame that is not a body frame, and the
// sender's failure (kInternal with its message).
asio::awaitable<Result<std::optional<std::string>>> readBodyPiece(FrameReader& reader, ByteStream& stream);

}  // namespace spe
