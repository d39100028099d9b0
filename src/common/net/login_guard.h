// LoginGuard: limits password guessing before any password is hashed.
//
// Every login asks admit() first; only with a Permit may it check the
// password (Argon2id), and it reports the outcome on the permit. The rules
// (docs/security.md, "Failed logins"):
// - Per user name (the caller's key, e.g. "<instance>/<user>", compared
//   case-insensitively): the first kFreeUserFailures failures within
//   kWindow are free; after the n-th failure beyond them the name is locked
//   for 2^(n-1) seconds, at most max_lock. A success with the right
//   password clears the name's count.
// - Per client address (all names together): the same with
//   kFreeAddressFailures. A success does not clear it (one good account
//   must not reset an address's guessing budget); it decays with kWindow.
// - An attempt while its name or address is locked is refused without
//   checking the password and without counting; the refusal says when to
//   try again. So after the attacker stops, the real user can log in at most
//   max_lock after the last failure, and from another address at once if
//   only the attacker's address is locked.
// - One check per user name at a time: a second attempt for a name whose
//   password is being checked waits for that check (at most `wait`, at most
//   max_waiting attempts waiting in the process); beyond, it is refused
//   ("try again") without checking. Parallel guesses are thus checked one
//   by one and run into the lock instead of all being hashed.
// Memory is bounded: entries idle for kWindow go; beyond kMaxEntries the
// oldest unlocked ones go first.
// Time comes from a Clock (common/base/clock.h): the windows and locks are
// measured with clock.now(), and the wait for a name's check ends at a
// timer of that clock, so tests drive all of it with a FakeClock.
// Thread safety: internally locked; admit() may block up to `wait`.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "common/base/clock.h"

namespace spe {

class LoginGuard {
 public:
  struct Limits {
    int free_user_failures = 5;
    int free_address_failures = 20;
    std::chrono::seconds window{15 * 60};
    std::chrono::seconds max_lock{60};
    std::chrono::milliseconds wait{3000};
    int max_waiting = 2;
  };
  static constexpr std::size_t kMaxEntries = 50000;

  class Permit {
   public:
    Permit(Permit&& other) noexcept
        : guard_(other.guard_), user_(std::move(other.user_)), address_(std::move(other.address_)) {
      other.guard_ = nullptr;
    }
    Permit& operator=(Permit&&) = delete;
    Permit(const Permit&) = delete;
    ~Permit();
    // The password was wrong (or the user unknown): counts for name and address.
    void failed();
    // The password was right: clears the name's count.
    void succeeded();

   private:
    friend class LoginGuard;
    Permit(LoginGuard* g, std::string user, std::string address)
        : guard_(g), user_(std::move(user)), address_(std::move(address)) {}
    LoginGuard* guard_;
    std::string user_, address_;
  };

  // Either a permit, or nullopt with `retry_after` (whole seconds, at least
  // 1) and whether it was refused for a lock (failures) or because too
  // many attempts already wait for their turn (`busy`).
  struct Admission {
    std::optional<Permit> permit;
    std::chrono::seconds retry_after{0};
    bool busy = false;
  };

  LoginGuard();
  // `clock` must outlive the guard.
  explicit LoginGuard(Limits limits, Clock& clock = systemClock());

  // `user` is the key of the name (lower-cased here); `address` may be empty
  // (then only the name counts).
  Admission admit(const std::string& user, const std::string& address);
  // Seconds until the name or the address is unlocked (0: neither is
  // locked), without taking a turn or counting anything: for a check that
  // hashes nothing (a password verified lately), which needs no turn.
  std::chrono::seconds lockedFor(const std::string& user, const std::string& address);
  // The right password was given without a permit (such a check): clears
  // the name's count, as Permit::succeeded() does.
  void succeededWithoutTurn(const std::string& user);

  // Attempts refused since start (locked or busy), for tests and statistics.
  std::int64_t refused() const;

 private:
  struct Entry {
    int failures = 0;
    Clock::TimePoint last_failure{};
    bool checking = false;  // a password of this name is being checked
  };
  // Seconds until `e` is unlocked (0 = not locked).
  std::chrono::seconds lockedFor(Entry& e, int free_failures, Clock::TimePoint now) const;
  // The longer lock of the name's entry (if any) and the address (if any; holding mutex_).
  std::chrono::seconds lockOf(Entry* user, const std::string& address, Clock::TimePoint now);
  enum class Outcome { kNone, kFailed, kSucceeded };
  void finish(const std::string& user, const std::string& address, Outcome outcome);
  void prune(Clock::TimePoint now);

  const Limits limits_;
  Clock& clock_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::map<std::string, Entry> users_, addresses_;
  int waiting_ = 0;
  std::int64_t refused_ = 0;
};

}  // namespace spe
