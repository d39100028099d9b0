#include "common/net/login_guard.h"

#include <algorithm>
#include <memory>

#include "common/base/text.h"
#include "common/net/connection_limits.h"

namespace spe {

LoginGuard::LoginGuard() : LoginGuard(Limits{}) {}

LoginGuard::LoginGuard(Limits limits, Clock& clock) : limits_(limits), clock_(clock) {}

LoginGuard::Permit::~Permit() {
  if (guard_) guard_->finish(user_, address_, Outcome::kNone);
}

void LoginGuard::Permit::failed() {
  if (guard_) guard_->finish(user_, address_, Outcome::kFailed);
  guard_ = nullptr;
}

void LoginGuard::Permit::succeeded() {
  if (guard_) guard_->finish(user_, address_, Outcome::kSucceeded);
  guard_ = nullptr;
}

namespace {

// The keys the maps use: a name case-insensitively; an address by
// clientKey() (an IPv6 client by its /64, which it usually holds whole).
std::string userKey(const std::string& name) { return asciiLower(name); }
std::string addressKey(const std::string& address) { return address.empty() ? std::string() : clientKey(address); }

}  // namespace

std::chrono::seconds LoginGuard::lockedFor(Entry& e, int free_failures, Clock::TimePoint now) const {
  if (e.failures > 0 && now - e.last_failure > limits_.window) e.failures = 0;
  const int beyond = e.failures - free_failures;
  if (beyond < 1) return std::chrono::seconds(0);
  const auto lock = std::min<std::chrono::seconds>(std::chrono::seconds(1LL << std::min(beyond - 1, 30)),
                                                   limits_.max_lock);
  const auto until = e.last_failure + lock;
  if (now >= until) return std::chrono::seconds(0);
  const auto left = std::chrono::ceil<std::chrono::seconds>(until - now);
  return std::max(left, std::chrono::seconds(1));
}

std::chrono::seconds LoginGuard::lockOf(Entry* user, const std::string& address, Clock::TimePoint now) {
  std::chrono::seconds retry{0};
  if (user) retry = lockedFor(*user, limits_.free_user_failures, now);
  if (!address.empty()) {
    if (auto a = addresses_.find(address); a != addresses_.end()) {
      retry = std::max(retry, lockedFor(a->second, limits_.free_address_failures, now));
    }
  }
  return retry;
}

LoginGuard::Admission LoginGuard::admit(const std::string& user_name, const std::string& client_address) {
  const std::string user = userKey(user_name);
  const std::string address = addressKey(client_address);
  // The wait for another check of the name ends at this timer (declared
  // before the lock: it is cancelled after the lock is released, as its call
  // takes the lock).
  std::unique_ptr<Timer> wait_timer;
  auto waited_out = std::make_shared<bool>(false);
  std::unique_lock lock(mutex_);
  for (;;) {
    const auto now = clock_.now();
    if (users_.size() + addresses_.size() > kMaxEntries) prune(now);
    auto& u = users_[user];
    const auto retry = lockOf(&u, address, now);
    if (retry.count() > 0) {
      ++refused_;
      return Admission{std::nullopt, retry};
    }
    if (!u.checking) {
      u.checking = true;
      return Admission{Permit(this, user, address), std::chrono::seconds(0)};
    }
    if (waiting_ >= limits_.max_waiting) {
      ++refused_;
      return Admission{std::nullopt, std::chrono::seconds(1), true};
    }
    if (!wait_timer) {
      wait_timer = clock_.schedule(limits_.wait, [this, waited_out] {
        {
          std::lock_guard l(mutex_);
          *waited_out = true;
        }
        cv_.notify_all();
      });
    }
    ++waiting_;
    cv_.wait(lock, [&] {
      auto it = users_.find(user);
      return *waited_out || it == users_.end() || !it->second.checking;
    });
    --waiting_;
    auto it = users_.find(user);
    if (*waited_out && it != users_.end() && it->second.checking) {
      ++refused_;
      return Admission{std::nullopt, std::chrono::seconds(1), true};
    }
  }
}

void LoginGuard::succeededWithoutTurn(const std::string& user_name) {
  std::lock_guard lock(mutex_);
  if (auto u = users_.find(userKey(user_name)); u != users_.end()) u->second.failures = 0;
}

std::chrono::seconds LoginGuard::lockedFor(const std::string& user_name, const std::string& client_address) {
  const std::string user = userKey(user_name);
  const std::string address = addressKey(client_address);
  std::lock_guard lock(mutex_);
  const auto u = users_.find(user);
  return lockOf(u == users_.end() ? nullptr : &u->second, address, clock_.now());
}

void LoginGuard::finish(const std::string& user, const std::string& address, Outcome outcome) {
  {
    std::lock_guard lock(mutex_);
    const auto now = clock_.now();
    auto count = [&](Entry& e) {
      if (now - e.last_failure > limits_.window) e.failures = 0;
      ++e.failures;
      e.last_failure = now;
    };
    auto& u = users_[user];
    u.checking = false;
    if (outcome == Outcome::kSucceeded) u.failures = 0;
    if (outcome == Outcome::kFailed) {
      count(u);
      if (!address.empty()) count(addresses_[address]);
    }
  }
  cv_.notify_all();
}

void LoginGuard::prune(Clock::TimePoint now) {
  auto sweep = [&](std::map<std::string, Entry>& m, bool keep_locked) {
    for (auto it = m.begin(); it != m.end();) {
      const Entry& e = it->second;
      const bool idle = e.failures == 0 || now - e.last_failure > limits_.window;
      const bool locked = !idle && now - e.last_failure < limits_.max_lock;
      it = !e.checking && (idle || (!keep_locked && !locked)) ? m.erase(it) : std::next(it);
    }
  };
  sweep(users_, true);
  sweep(addresses_, true);
  if (users_.size() + addresses_.size() > kMaxEntries) {  // still a flood: keep only what locks or runs now
    sweep(users_, false);
    sweep(addresses_, false);
  }
}

std::int64_t LoginGuard::refused() const {
  std::lock_guard lock(mutex_);
  return refused_;
}

}  // namespace spe
