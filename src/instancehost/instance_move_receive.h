// The new host's half of moving an instance's data (instance_move.h):
// fetches the data from the old host over a pinned TLS stream into a
// directory of its own beside the new place, checks every file's size and
// SHA-256, seals the instance key for this host and puts it all in place.
#pragma once

#include <functional>
#include <string>

#include "common/base/crypto.h"
#include "common/rpc/rpc.h"

namespace spe::instancehost {

// Whether a path the old host sent may be written below the new place:
// relative, '/'-separated, no empty, '.' or '..' part, no NUL, at most 4096
// bytes and 64 levels.
bool isSafeRelativePath(const std::string& path);

struct PullRequest {
  std::string instance_id, target, incoming, host, thumbprint, token;
  std::uint16_t port = 0;
  bool key_only = false;
  Key256 host_key{};
};

// Receives the data (or only the key) of `r`; *created tells whether
// r.incoming was made (and is to be removed when this fails).
asio::awaitable<Result<Json>> receiveInstanceData(asio::ssl::context& ctx, PullRequest r,
                                                  const std::function<void(int, const std::string&)>& progress,
                                                  bool* created);

}  // namespace spe::instancehost
