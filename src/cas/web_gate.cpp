#include "cas/web_gate.h"

#include <algorithm>
#include <boost/asio/steady_timer.hpp>

namespace spe::cas {

struct WebGate::Waiter {
  explicit Waiter(const asio::any_io_executor& ex) : timer(ex) {}
  asio::steady_timer timer;  // expires at the deadline; cancelled when admitted
  bool admitted = false;     // under mutex_
};

asio::awaitable<std::unique_ptr<WebGate::Permit>> WebGate::enter(std::string instance,
                                                                 std::chrono::steady_clock::time_point deadline,
                                                                 bool* waited) {
  if (waited) *waited = false;
  std::shared_ptr<Waiter> waiter;
  {
    std::lock_guard lock(mutex_);
    Line& line = lines_[instance];
    if (line.active < in_flight_) {
      ++line.active;
      co_return std::make_unique<Permit>(shared_from_this(), instance);
    }
    if (line.waiting.size() >= waiting_) co_return nullptr;
    waiter = std::make_shared<Waiter>(co_await asio::this_coro::executor);
    waiter->timer.expires_at(deadline);
    line.waiting.push_back(waiter);
  }
  if (waited) *waited = true;
  ErrorCodeT ec;
  co_await waiter->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  std::lock_guard lock(mutex_);
  if (waiter->admitted) co_return std::make_unique<Permit>(shared_from_this(), instance);  // counted by leave()
  Line& line = lines_[instance];
  line.waiting.erase(std::remove(line.waiting.begin(), line.waiting.end(), waiter), line.waiting.end());
  if (line.active == 0 && line.waiting.empty()) lines_.erase(instance);
  co_return nullptr;
}

void WebGate::leave(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto it = lines_.find(key);
  if (it == lines_.end()) return;
  Line& line = it->second;
  if (!line.waiting.empty()) {  // the place goes to the first in line; `active` stays
    auto next = std::move(line.waiting.front());
    line.waiting.pop_front();
    next->admitted = true;
    asio::post(next->timer.get_executor(), [next] { next->timer.cancel(); });
    return;
  }
  if (--line.active == 0) lines_.erase(it);
}

std::pair<std::size_t, std::size_t> WebGate::load(const std::string& instance) const {
  std::lock_guard lock(mutex_);
  auto it = lines_.find(instance);
  return it == lines_.end() ? std::pair<std::size_t, std::size_t>{0, 0}
                            : std::pair{it->second.active, it->second.waiting.size()};
}

}  // namespace spe::cas
