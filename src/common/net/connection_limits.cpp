#include "common/net/connection_limits.h"

#include <algorithm>
#include <boost/asio/ip/address.hpp>

namespace spe {

std::string clientKey(const std::string& address) {
  boost::system::error_code ec;
  auto ip = boost::asio::ip::make_address(address, ec);
  if (ec) return address;
  if (ip.is_v6() && ip.to_v6().is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, ip.to_v6()).to_string();
  }
  if (ip.is_v4()) return ip.to_string();
  auto bytes = ip.to_v6().to_bytes();
  std::fill(bytes.begin() + 8, bytes.end(), 0);
  return boost::asio::ip::address_v6(bytes).to_string() + "/64";
}

bool ConnectionSlot::overstayed(std::chrono::steady_clock::duration lifetime) {
  std::lock_guard lock(mutex_);
  return limiter_ && std::chrono::steady_clock::now() - opened_ > lifetime;
}

void ConnectionSlot::authenticated() {
  std::shared_ptr<ConnectionLimiter> limiter;
  {
    std::lock_guard lock(mutex_);
    limiter = std::move(limiter_);
    limiter_.reset();
  }
  if (limiter) limiter->release(address_);
}

std::shared_ptr<ConnectionSlot> ConnectionLimiter::admit(const std::string& client) {
  const std::string address = clientKey(client);
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
