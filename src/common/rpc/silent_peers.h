// SilentPeers: the peers (host:port) whose last TCP connect got no answer at
// all, because their machine is cut off the network or gone (a peer that is
// up but not listening refuses at once and is not remembered).
//
// For kMemory after such a timeout, connects to that peer fail at once
// instead of waiting for the connect timeout again: a Management Server
// listing the instances of a lost Instance Host, or a CAS logging end users
// in to them, answers "not reachable" without making everybody wait. The
// first connect after kMemory tries again, and any successful connect
// forgets the peer. Thread safety: internally locked.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace spe {

class SilentPeers {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::seconds kMemory{10};
  static constexpr std::size_t kMaxPeers = 4096;

  static SilentPeers& shared();  // the process's

  // How long ago `peer`'s connect timed out, when that was less than
  // kMemory before `now`.
  std::optional<std::chrono::seconds> silentFor(const std::string& peer, Clock::time_point now) const;
  void timedOut(const std::string& peer, Clock::time_point now);
  void connected(const std::string& peer);

 private:
  mutable std::mutex mutex_;
  std::map<std::string, Clock::time_point> since_;
};

}  // namespace spe
