// WebSessions: the Web Access sessions of one instance (a SessionTable,
// common/net/session_table.h, whose data is the user's EndUserLogin, checked
// again whenever a user or grant changed), and the one-time passwords of
// "$archiveadmin" (web_api.h has the operations that use them).
// Sessions live in memory only: a restart of the instance logs everyone out.
// One-time passwords are kept as SHA-256 hashes, valid 5 minutes, single
// use; the sessions' sweep removes expired ones.
// Thread safety: every member may be called from any thread. `clock` must
// outlive the store; the destructor waits for a sweep under way.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "common/base/clock.h"
#include "common/net/session_table.h"
#include "instancehost/instance/access/end_user_login.h"

namespace spe::instance {

class WebSessions {
 public:
  static constexpr std::chrono::minutes kOneTimeValidity{5};
  using Table = SessionTable<EndUserLogin>;
  using Session = Table::Session;  // data: the login, checked again when users or grants change
  using Created = Table::Created;

  explicit WebSessions(Clock& clock = systemClock(), std::chrono::seconds idle_timeout = std::chrono::minutes(30),
                       std::size_t max_sessions = 100000);

  // A new session of `user`.
  Created create(const std::string& user, const EndUserLogin& login) { return table_.create(user, login); }
  // The session, its activity counted; nullopt when unknown or idle too long.
  std::optional<Session> lookup(const std::string& token) { return table_.lookup(token); }
  // Changes the login a session keeps (its user changed its own password or
  // second factor: the session goes on).
  void updateLogin(const std::string& token, const std::function<void(EndUserLogin&)>& change) {
    table_.update(token, change);
  }
  // Records that the session's user was checked again at `generation`.
  void setGeneration(const std::string& token, std::int64_t generation);
  void end(const std::string& token) { table_.end(token); }
  void endAllOf(const std::string& user) { table_.endAllOf(user); }
  std::size_t size() const { return table_.size(); }

  // Compares a presented CSRF token with the session's in constant time.
  static bool csrfMatches(const Session& session, const std::string& presented) {
    return Table::csrfMatches(session, presented);
  }

  // A new one-time password (returned in clear, kept as a hash).
  std::string createOneTimePassword();
  // True when `password` is a one-time password not yet used nor expired;
  // it is used up either way.
  bool useOneTimePassword(const std::string& password);
  void revokeOneTimePasswords();

 private:
  bool sweepOneTime(Clock::TimePoint now);  // true while some are left

  Clock& clock_;
  mutable std::mutex one_time_mutex_;
  std::map<std::string, Clock::TimePoint> one_time_;  // hash -> valid until
  Table table_;                                       // last: its sweep uses the one-time passwords
};

}  // namespace spe::instance
