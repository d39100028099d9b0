#include "common/connection_limits.h"

namespace spe {

void ConnectionSlot::authenticated() {
  std::shared_ptr<ConnectionLimiter> limiter;
  {
    std::lock_guard lock(mutex_);
    limiter = std::move(limiter_);
    limiter_.reset();
  }
  if (limiter) limiter->release(address_);
}

std::shared_ptr<ConnectionSlot> ConnectionLimiter::admit(const std::string& address) {
  {
    std::lock_guard lock(mutex_);
    auto& mine = per_address_[address];
    if (total_ >= limits_.total || mine >= limits_.per_address) {
      if (mine == 0) per_address_.erase(address);
      return nullptr;
    }
    ++mine;
    ++total_;
  }
  return std::make_shared<ConnectionSlot>(shared_from_this(), address);
}

std::size_t ConnectionLimiter::total() const {
  std::lock_guard lock(mutex_);
  return total_;
}

void ConnectionLimiter::release(const std::string& address) {
  std::lock_guard lock(mutex_);
  auto it = per_address_.find(address);
  if (it != per_address_.end() && --it->second == 0) per_address_.erase(it);
  if (total_ > 0) --total_;
}

}  // namespace spe
