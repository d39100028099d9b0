#include "management/api/login_throttle.h"

namespace spe::management {

std::chrono::milliseconds LoginThrottle::failure(const std::string& address) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  if (failures_.size() > 10000) failures_.clear();  // bounded memory under a flood of addresses
  auto& times = failures_[address];
  times.push_back(now);
  while (!times.empty() && now - times.front() > kWindow) times.pop_front();
  return static_cast<int>(times.size()) > kFreeFailures ? kDelay : std::chrono::milliseconds(0);
}

}  // namespace spe::management
