#include "cas/login_delays.h"

#include <algorithm>
#include <vector>

#include "common/net/connection_limits.h"

namespace spe::cas {

std::chrono::milliseconds LoginDelays::failure(const std::string& client_address) {
  const std::string address = clientKey(client_address);  // an IPv6 client counts by its /64
  const auto now = clock_.now();
  std::lock_guard lock(mutex_);
  if (counts_.size() > kMaxEntries) evict(now);
  auto& c = counts_[address];
  if (now - c.last > kWindow) c.failures = 0;
  c.last = now;
  const int n = ++c.failures;
  const auto delay = std::chrono::milliseconds(1000LL << std::min(n - 1, 4));
  return std::min<std::chrono::milliseconds>(delay, kMaxDelay);
}

void LoginDelays::success(const std::string& client_address) {
  std::lock_guard lock(mutex_);
  counts_.erase(clientKey(client_address));
}

// Ended windows go first; if a flood of addresses still fills the table,
// the half failing longest ago goes, never the addresses failing now (a
// flood must not wipe everyone's delays, as clearing the table did).
void LoginDelays::evict(Clock::TimePoint now) {
  for (auto it = counts_.begin(); it != counts_.end();) {
    it = now - it->second.last > kWindow ? counts_.erase(it) : std::next(it);
  }
  if (counts_.size() <= kMaxEntries / 2) return;
  std::vector<Clock::TimePoint> lasts;
  lasts.reserve(counts_.size());
  for (const auto& [address, c] : counts_) lasts.push_back(c.last);
  auto middle = lasts.begin() + static_cast<std::ptrdiff_t>(lasts.size() / 2);
  std::nth_element(lasts.begin(), middle, lasts.end());
  const auto cut = *middle;
  for (auto it = counts_.begin(); it != counts_.end();) it = it->second.last < cut ? counts_.erase(it) : std::next(it);
}

}  // namespace spe::cas
