// The wire of moving an instance's data between Instance Hosts
// (instance_move.h): what both sides of the transfer share.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>

#include "common/rpc/byte_stream.h"
#include "common/rpc/stream_frames.h"

namespace spe::instancehost::move_wire {

inline constexpr const char* kService = "instanceData";  // the stream.open service
inline constexpr const char* kKeyFile = "MailStoreMaster.key";
inline constexpr auto kStepTimeout = std::chrono::seconds(120);  // for each piece either way
inline constexpr std::size_t kMaxPath = 4096;
inline constexpr int kMaxDepth = 64;

// Closes `stream` when a step takes longer than kStepTimeout.
inline void arm(asio::steady_timer& timer, const std::shared_ptr<ByteStream>& stream) {
  timer.expires_after(kStepTimeout);
  closeOnExpiry(timer, stream);
}

}  // namespace spe::instancehost::move_wire
