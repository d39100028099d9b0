#include "management/console/login_tickets.h"

#include <algorithm>

#include "common/base/password.h"

namespace spe::management {

void LoginTickets::prune(Clock::TimePoint now) {
  std::erase_if(tickets_, [now](const auto& entry) { return entry.second.expires <= now; });
  while (tickets_.size() >= max_tickets_ && !tickets_.empty()) {
    auto oldest = std::min_element(tickets_.begin(), tickets_.end(),
                                   [](const auto& a, const auto& b) { return a.second.expires < b.second.expires; });
    tickets_.erase(oldest);
  }
}

std::string LoginTickets::issue(const std::string& user, const std::string& password_hash,
                                const std::string& mfa_binding) {
  const std::string token = randomHex(32);
  const auto now = clock_.now();
  std::lock_guard lock(mutex_);
  prune(now);
  tickets_[token] = Ticket{user, password_hash, mfa_binding, now + kLifetime, 0};
  return token;
}

std::optional<LoginTickets::Ticket> LoginTickets::find(const std::string& token) {
  std::lock_guard lock(mutex_);
  auto it = tickets_.find(token);
  if (it == tickets_.end()) return std::nullopt;
  if (it->second.expires <= clock_.now()) {
    tickets_.erase(it);
    return std::nullopt;
  }
  return it->second;
}

bool LoginTickets::take(const std::string& token) {
  std::lock_guard lock(mutex_);
  return tickets_.erase(token) > 0;
}

bool LoginTickets::failed(const std::string& token) {
  std::lock_guard lock(mutex_);
  auto it = tickets_.find(token);
  if (it == tickets_.end()) return false;
  if (++it->second.attempts < kMaxAttempts) return true;
  tickets_.erase(it);
  return false;
}

std::size_t LoginTickets::size() const {
  std::lock_guard lock(mutex_);
  return tickets_.size();
}

}  // namespace spe::management
