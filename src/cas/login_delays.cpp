#include "cas/login_delays.h"

#include <algorithm>

#include "common/text.h"

namespace spe::cas {

int LoginDelays::bump(const std::string& key, std::chrono::steady_clock::time_point now) {
  auto& c = counts_[key];
  if (now - c.last > kWindow) c.failures = 0;
  c.last = now;
  return ++c.failures;
}

std::chrono::milliseconds LoginDelays::failure(const std::string& address, const std::string& user) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  if (counts_.size() > 20000) {
    for (auto it = counts_.begin(); it != counts_.end();) it = now - it->second.last > kWindow ? counts_.erase(it) : std::next(it);
    if (counts_.size() > 20000) counts_.clear();
  }
  const int n = std::max(bump("a:" + address, now), bump("u:" + asciiLower(user), now));
  const auto delay = std::chrono::milliseconds(1000LL << std::min(n - 1, 4));
  return std::min<std::chrono::milliseconds>(delay, kMaxDelay);
}

void LoginDelays::success(const std::string& address, const std::string& user) {
  std::lock_guard lock(mutex_);
  counts_.erase("u:" + asciiLower(user));
  counts_.erase("a:" + address);
}

}  // namespace spe::cas
