#include "cas/login_delays.h"

#include <algorithm>

namespace spe::cas {

std::chrono::milliseconds LoginDelays::failure(const std::string& address) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  if (counts_.size() > 20000) {
    for (auto it = counts_.begin(); it != counts_.end();) it = now - it->second.last > kWindow ? counts_.erase(it) : std::next(it);
    if (counts_.size() > 20000) counts_.clear();
  }
  auto& c = counts_[address];
  if (now - c.last > kWindow) c.failures = 0;
  c.last = now;
  const int n = ++c.failures;
  const auto delay = std::chrono::milliseconds(1000LL << std::min(n - 1, 4));
  return std::min<std::chrono::milliseconds>(delay, kMaxDelay);
}

void LoginDelays::success(const std::string& address) {
  std::lock_guard lock(mutex_);
  counts_.erase(address);
}

}  // namespace spe::cas
