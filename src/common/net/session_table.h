// SessionTable: logged-in browser sessions kept in memory, for Web Access
// (instance/access/web/web_sessions.h) and the Management Console
// (management/console/console_sessions.h).
//
// - create() makes a session for a logged-in user: a session token (the
//   browser's cookie) and a CSRF token, 32 random bytes each as hex, plus
//   the caller's own `Data`.
// - lookup() finds a session by its token and counts the request as
//   activity; a session idle for `idle_timeout` is gone (lookup() refuses it
//   even before the sweep removes it).
// - A sweep on the clock's timer (every minute, or every idle_timeout when
//   shorter) removes idle sessions while there are any (and runs the
//   owner's `also_sweep`, which says whether it still holds something), so
//   ended sessions do not wait for a request to go.
// - At most `max_sessions`: beyond, every session ends (a flood of logins
//   cannot exhaust memory).
// Thread safety: every member may be called from any thread. `clock` must
// outlive the table; the destructor waits for a sweep under way.
#pragma once

#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "common/base/clock.h"
#include "common/base/crypto.h"

namespace spe {

template <typename Data>
class SessionTable {
 public:
  static constexpr std::chrono::minutes kSweepEvery{1};

  struct Session {
    std::string user;
    std::string csrf;
    Clock::TimePoint last;  // the last request
    Data data;
  };
  struct Created {
    std::string token;  // the session's, for the browser's cookie
    std::string csrf;   // to be presented with every request but login and session
  };
  // Sweeps what the owner keeps beside the sessions; true while it holds something.
  using AlsoSweep = std::function<bool(Clock::TimePoint now)>;

  SessionTable(Clock& clock, std::chrono::seconds idle_timeout, std::size_t max_sessions, AlsoSweep also_sweep = {})
      : clock_(clock),
        idle_timeout_(idle_timeout),
        max_sessions_(max_sessions),
        also_sweep_(std::move(also_sweep)),
        sweep_timer_(clock.makeTimer([this] { sweep(); })) {}
  ~SessionTable() {
    {
      std::lock_guard lock(mutex_);
      closing_ = true;
    }
    sweep_timer_->cancel();  // waits for a sweep under way (which takes the lock)
  }
  SessionTable(const SessionTable&) = delete;
  SessionTable& operator=(const SessionTable&) = delete;

  Created create(const std::string& user, Data data) {
    Created created{newToken(), newToken()};
    std::lock_guard lock(mutex_);
    if (sessions_.size() >= max_sessions_) sessions_.clear();
    sessions_[created.token] = Session{user, created.csrf, clock_.now(), std::move(data)};
    armSweep();
    return created;
  }

  // The session, its activity counted; nullopt when unknown or idle too long.
  std::optional<Session> lookup(const std::string& token) {
    if (token.empty()) return std::nullopt;
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(token);
    if (it == sessions_.end()) return std::nullopt;
    const auto now = clock_.now();
    if (idle(it->second, now)) {
      sessions_.erase(it);
      return std::nullopt;
    }
    it->second.last = now;
    return it->second;
  }

  // Changes a session's data (nothing when it is gone).
  void update(const std::string& token, const std::function<void(Data&)>& change) {
    std::lock_guard lock(mutex_);
    if (auto it = sessions_.find(token); it != sessions_.end()) change(it->second.data);
  }
  void end(const std::string& token) {
    std::lock_guard lock(mutex_);
    sessions_.erase(token);
  }
  void endAllOf(const std::string& user) {
    std::lock_guard lock(mutex_);
    std::erase_if(sessions_, [&](const auto& entry) { return entry.second.user == user; });
  }
  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return sessions_.size();
  }
  // The owner got something for also_sweep: make sure the sweep runs.
  void keepSweeping() {
    std::lock_guard lock(mutex_);
    armSweep();
  }

  // Compares a presented CSRF token with the session's in constant time.
  static bool csrfMatches(const Session& s, const std::string& presented) {
    return presented.size() == s.csrf.size() && sodium_memcmp(presented.data(), s.csrf.data(), s.csrf.size()) == 0;
  }

  // 32 random bytes as hex.
  static std::string newToken() { return toHex(randomBytes(32)); }

 private:
  bool idle(const Session& s, Clock::TimePoint now) const { return now - s.last > idle_timeout_; }
  void armSweep() {  // with mutex_ held
    if (sweep_armed_ || closing_) return;
    sweep_armed_ = true;
    sweep_timer_->armAfter(std::min<Clock::Duration>(kSweepEvery, idle_timeout_));
  }
  void sweep() {
    std::lock_guard lock(mutex_);
    sweep_armed_ = false;
    if (closing_) return;
    const auto now = clock_.now();
    std::erase_if(sessions_, [&](const auto& entry) { return idle(entry.second, now); });
    const bool more = also_sweep_ && also_sweep_(now);
    if (!sessions_.empty() || more) armSweep();
  }

  Clock& clock_;
  const std::chrono::seconds idle_timeout_;
  const std::size_t max_sessions_;
  AlsoSweep also_sweep_;
  mutable std::mutex mutex_;
  std::map<std::string, Session> sessions_;
  std::unique_ptr<Timer> sweep_timer_;
  bool sweep_armed_ = false;
  bool closing_ = false;
};

}  // namespace spe
