// LoginTickets: the console's half-finished logins. After the password of an
// administrator with multi-factor login the console gets a ticket instead of
// a session: 32 random bytes as hex, in the answer's body (never a cookie),
// that grants nothing but one try at the second step. A ticket
// - names its administrator, the password hash and the second factor's
//   binding it began with (a new password or secret meanwhile voids it);
// - lives kLifetime (5 minutes: time to open an app, or to scan a QR code);
// - allows kMaxAttempts codes; the one after the last wrong one needs the
//   password again (so one password check cannot buy unlimited code guesses,
//   on top of the LoginGuard's per-name lock);
// - is used once: take() removes it, on success and on the last failure.
// At most `max_tickets` live at once; beyond, the oldest go first (a flood
// of password logins cannot exhaust memory).
// Time comes from the Clock, so tests move it with a FakeClock.
// Thread safety: internally locked.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "common/base/clock.h"

namespace spe::management {

class LoginTickets {
 public:
  static constexpr std::chrono::minutes kLifetime{5};
  static constexpr int kMaxAttempts = 5;

  struct Ticket {
    std::string user;
    std::string password_hash;  // the administrator's when the password was checked
    std::string mfa_binding;    // AdminMfa::binding() then
    Clock::TimePoint expires;
    int attempts = 0;  // wrong codes so far
  };

  explicit LoginTickets(Clock& clock, std::size_t max_tickets = 10000) : clock_(clock), max_tickets_(max_tickets) {}

  // A new ticket's token.
  std::string issue(const std::string& user, const std::string& password_hash, const std::string& mfa_binding);
  // The live ticket of `token` (a copy), or nullopt when unknown or expired.
  std::optional<Ticket> find(const std::string& token);
  // Ends the ticket (a successful second step, or a login that must
  // restart); false when it was gone already (used by a parallel request).
  bool take(const std::string& token);
  // Counts a wrong code; true while attempts remain (false: the ticket is gone).
  bool failed(const std::string& token);
  std::size_t size() const;

 private:
  void prune(Clock::TimePoint now);

  Clock& clock_;
  const std::size_t max_tickets_;
  mutable std::mutex mutex_;
  std::map<std::string, Ticket> tickets_;
};

}  // namespace spe::management
