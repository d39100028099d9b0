#include "instancehost/instance/access/web/web_sessions.h"

#include <sodium.h>

#include <algorithm>

#include "common/base/crypto.h"

namespace spe::instance {
namespace {

std::string token() { return toHex(randomBytes(32)); }

}  // namespace

WebSessions::WebSessions(Clock& clock, std::chrono::seconds idle_timeout, std::size_t max_sessions)
    : clock_(clock),
      idle_timeout_(idle_timeout),
      max_sessions_(max_sessions),
      sweep_timer_(clock.makeTimer([this] { sweep(); })) {}

WebSessions::~WebSessions() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  sweep_timer_->cancel();  // waits for a sweep under way (which takes the lock)
}

WebSessions::Created WebSessions::create(const std::string& user, const EndUserLogin& login) {
  Created created{token(), token()};
  std::lock_guard lock(mutex_);
  if (sessions_.size() >= max_sessions_) sessions_.clear();
  sessions_[created.token] = Session{user, created.csrf, clock_.now(), login};
  armSweep();
  return created;
}

std::optional<WebSessions::Session> WebSessions::lookup(const std::string& t) {
  if (t.empty()) return std::nullopt;
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(t);
  if (it == sessions_.end()) return std::nullopt;
  const auto now = clock_.now();
  if (idle(it->second, now)) {
    sessions_.erase(it);
    return std::nullopt;
  }
  it->second.last = now;
  return it->second;
}

void WebSessions::setGeneration(const std::string& t, std::int64_t generation) {
  std::lock_guard lock(mutex_);
  if (auto it = sessions_.find(t); it != sessions_.end()) it->second.login.generation = generation;
}

void WebSessions::end(const std::string& t) {
  std::lock_guard lock(mutex_);
  sessions_.erase(t);
}

void WebSessions::endAllOf(const std::string& user) {
  std::lock_guard lock(mutex_);
  std::erase_if(sessions_, [&](const auto& entry) { return entry.second.user == user; });
}

std::size_t WebSessions::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

bool WebSessions::csrfMatches(const Session& s, const std::string& presented) {
  return presented.size() == s.csrf.size() && sodium_memcmp(presented.data(), s.csrf.data(), s.csrf.size()) == 0;
}

std::string WebSessions::createOneTimePassword() {
  const std::string password = token();
  std::lock_guard lock(mutex_);
  one_time_[sha256Hex(password)] = clock_.now() + kOneTimeValidity;
  armSweep();
  return password;
}

bool WebSessions::useOneTimePassword(const std::string& password) {
  std::lock_guard lock(mutex_);
  auto it = one_time_.find(sha256Hex(password));
  if (it == one_time_.end()) return false;
  const bool valid = clock_.now() <= it->second;
  one_time_.erase(it);  // single use, even when expired
  return valid;
}

void WebSessions::revokeOneTimePasswords() {
  std::lock_guard lock(mutex_);
  one_time_.clear();
}

void WebSessions::armSweep() {
  if (sweep_armed_ || closing_) return;
  sweep_armed_ = true;
  sweep_timer_->armAfter(std::min<Clock::Duration>(kSweepEvery, idle_timeout_));
}

void WebSessions::sweep() {
  std::lock_guard lock(mutex_);
  sweep_armed_ = false;
  if (closing_) return;
  const auto now = clock_.now();
  std::erase_if(sessions_, [&](const auto& entry) { return idle(entry.second, now); });
  std::erase_if(one_time_, [&](const auto& entry) { return entry.second < now; });
  if (!sessions_.empty() || !one_time_.empty()) armSweep();
}

}  // namespace spe::instance
