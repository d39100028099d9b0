// WebSessions: the Web Access sessions of one instance, and the one-time
// passwords of "$archiveadmin" (web_api.h has the operations that use them).
//
// - create() makes a session for a logged-in user: a session token (the
//   browser's cookie, through the CAS) and a CSRF token, 32 random bytes
//   each as hex.
// - lookup() finds a session by its token and counts the request as
//   activity; a session idle for `idle_timeout` is gone (lookup() refuses it
//   even before the sweep removes it).
// - A sweep on the clock's timer (every minute, or every idle_timeout when
//   shorter) removes idle sessions and expired one-time passwords while there
//   are any, so ended sessions do not wait for a request to go.
// - At most `max_sessions`: beyond, every session ends (a flood of logins
//   cannot exhaust memory).
// Sessions live in memory only: a restart of the instance logs everyone out.
// One-time passwords are kept as SHA-256 hashes, valid 5 minutes, single use.
// Thread safety: every member may be called from any thread. `clock` must
// outlive the store; the destructor waits for a sweep under way.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "common/base/clock.h"
#include "instancehost/instance/access/end_user_login.h"

namespace spe::instance {

class WebSessions {
 public:
  static constexpr std::chrono::minutes kOneTimeValidity{5};
  static constexpr std::chrono::minutes kSweepEvery{1};

  struct Session {
    std::string user;
    std::string csrf;
    Clock::TimePoint last;  // the last request
    EndUserLogin login;     // checked again whenever a user or grant changed
  };

  explicit WebSessions(Clock& clock = systemClock(), std::chrono::seconds idle_timeout = std::chrono::minutes(30),
                       std::size_t max_sessions = 100000);
  ~WebSessions();
  WebSessions(const WebSessions&) = delete;
  WebSessions& operator=(const WebSessions&) = delete;

  struct Created {
    std::string token;  // the session's, for the browser's cookie
    std::string csrf;   // to be presented with every request but login and session
  };
  // A new session of `user`.
  Created create(const std::string& user, const EndUserLogin& login);
  // The session, its activity counted; nullopt when unknown or idle too long.
  std::optional<Session> lookup(const std::string& token);
  // Records that the session's user was checked again at `generation`.
  void setGeneration(const std::string& token, std::int64_t generation);
  void end(const std::string& token);
  void endAllOf(const std::string& user);
  std::size_t size() const;

  // Compares a presented CSRF token with the session's in constant time.
  static bool csrfMatches(const Session& session, const std::string& presented);

  // A new one-time password (returned in clear, kept as a hash).
  std::string createOneTimePassword();
  // True when `password` is a one-time password not yet used nor expired;
  // it is used up either way.
  bool useOneTimePassword(const std::string& password);
  void revokeOneTimePasswords();

 private:
  bool idle(const Session& s, Clock::TimePoint now) const { return now - s.last > idle_timeout_; }
  void armSweep();  // with mutex_ held
  void sweep();

  Clock& clock_;
  const std::chrono::seconds idle_timeout_;
  const std::size_t max_sessions_;
  mutable std::mutex mutex_;
  std::map<std::string, Session> sessions_;
  std::map<std::string, Clock::TimePoint> one_time_;  // hash -> valid until
  std::unique_ptr<Timer> sweep_timer_;
  bool sweep_armed_ = false;
  bool closing_ = false;
};

}  // namespace spe::instance
