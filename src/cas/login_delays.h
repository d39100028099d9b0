// LoginDelays: growing delays before the answer to a failed end-user login,
// per client address: the n-th failure from an address within 15 minutes is
// answered after 2^(n-1) seconds (at most 15 s); a success from the address
// clears its count. This only slows a client down; what limits guessing is
// the instance's LoginGuard (per user name of the instance and per address,
// checked before any password is hashed; docs/security.md), which also
// sees the logins that come through other CASes. There is no per-user count
// here: one would mix up the same name in different instances, and a
// success from elsewhere must not reset it.
// Memory is bounded (idle entries go first, then those failing longest ago).
// The window is measured on a Clock (common/base/clock.h); the caller waits
// the returned delay on a timer of its connection.
// Thread safety: internally locked.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>

#include "common/base/clock.h"

namespace spe::cas {

class LoginDelays {
 public:
  static constexpr std::chrono::minutes kWindow{15};
  static constexpr std::chrono::seconds kMaxDelay{15};
  static constexpr std::size_t kMaxEntries = 20000;  // client addresses remembered (IPv6 by /64)

  // `clock` must outlive this.
  explicit LoginDelays(Clock& clock = systemClock()) : clock_(clock) {}

  // Records a failure; returns how long to wait before answering it.
  std::chrono::milliseconds failure(const std::string& address);
  void success(const std::string& address);

 private:
  struct Count {
    int failures = 0;
    Clock::TimePoint last;
  };

  void evict(Clock::TimePoint now);

  Clock& clock_;
  std::mutex mutex_;
  std::map<std::string, Count> counts_;
};

}  // namespace spe::cas
