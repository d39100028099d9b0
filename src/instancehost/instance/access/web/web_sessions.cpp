#include "instancehost/instance/access/web/web_sessions.h"

#include "common/base/crypto.h"

namespace spe::instance {

WebSessions::WebSessions(Clock& clock, std::chrono::seconds idle_timeout, std::size_t max_sessions)
    : clock_(clock),
      table_(clock, idle_timeout, max_sessions, [this](Clock::TimePoint now) { return sweepOneTime(now); }) {}

void WebSessions::setGeneration(const std::string& token, std::int64_t generation) {
  table_.update(token, [generation](EndUserLogin& login) { login.generation = generation; });
}

std::string WebSessions::createOneTimePassword() {
  const std::string password = Table::newToken();
  {
    std::lock_guard lock(one_time_mutex_);
    one_time_[sha256Hex(password)] = clock_.now() + kOneTimeValidity;
  }
  table_.keepSweeping();
  return password;
}

bool WebSessions::useOneTimePassword(const std::string& password) {
  std::lock_guard lock(one_time_mutex_);
  auto it = one_time_.find(sha256Hex(password));
  if (it == one_time_.end()) return false;
  const bool valid = clock_.now() <= it->second;
  one_time_.erase(it);  // single use, even when expired
  return valid;
}

void WebSessions::revokeOneTimePasswords() {
  std::lock_guard lock(one_time_mutex_);
  one_time_.clear();
}

bool WebSessions::sweepOneTime(Clock::TimePoint now) {
  std::lock_guard lock(one_time_mutex_);
  std::erase_if(one_time_, [&](const auto& entry) { return entry.second < now; });
  return !one_time_.empty();
}

}  // namespace spe::instance
