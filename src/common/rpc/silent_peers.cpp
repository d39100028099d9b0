#include "common/rpc/silent_peers.h"

namespace spe {

SilentPeers& SilentPeers::shared() {
  static auto* peers = new SilentPeers();  // never destroyed: used until exit
  return *peers;
}

std::optional<std::chrono::seconds> SilentPeers::silentFor(const std::string& peer, Clock::time_point now) const {
  std::lock_guard lock(mutex_);
  const auto it = since_.find(peer);
  if (it == since_.end() || now - it->second >= kMemory || now < it->second) return std::nullopt;
  return std::chrono::duration_cast<std::chrono::seconds>(now - it->second);
}

void SilentPeers::timedOut(const std::string& peer, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (since_.size() >= kMaxPeers && !since_.count(peer)) {
    for (auto it = since_.begin(); it != since_.end();) {  // forget what is past its memory
      it = now - it->second >= kMemory ? since_.erase(it) : std::next(it);
    }
    if (since_.size() >= kMaxPeers) return;  // remembering is an optimisation only
  }
  since_[peer] = now;
}

void SilentPeers::connected(const std::string& peer) {
  std::lock_guard lock(mutex_);
  since_.erase(peer);
}

}  // namespace spe
