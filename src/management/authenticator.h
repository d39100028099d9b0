// Authenticator: checks HTTP Basic credentials of system administrators.
//
// Argon2id is deliberately slow, so a successful check is remembered for
// kCacheLifetime under a keyed BLAKE2b digest of user and password (the
// password itself is never kept). Any change to an administrator clears the
// cache. An administrator whose multi-factor login is Active may use only
// the API password on the API (PRODUCT-SPEC §1.3); the account password is
// then refused with a message saying so (only when it was right, so the
// message does not tell strangers who has MFA). Otherwise either works.
// The console takes only the account password; for an administrator with
// multi-factor login (Pending or Active) a right password is only the first
// step: it does not clear the name's failure count, and the second step
// (checkSecondStep, a one-time code) is limited by the same LoginGuard
// under the same name, so guessing codes counts like guessing passwords.
//
// Before any hashing, a LoginGuard (common/login_guard.h) limits guessing
// per administrator name and per client address; a refused attempt is
// answered "too many failed logins; try again in N s" unchecked. A remembered
// success (the cache) is honoured even while the name is locked: it proves
// the password already. Every failed check costs the same two Argon2id
// verifications whether the name exists or not (a dummy hash stands in for
// a missing administrator or API password), so the answer time does not
// tell which names exist. Names that cannot exist (over 256 bytes, not
// UTF-8) fail at once.
// Thread safety: internally locked.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "common/base/result.h"
#include "common/net/login_guard.h"
#include "management/api/function_registry.h"
#include "management/management_db.h"

namespace spe::management {

class Authenticator {
 public:
  static constexpr std::chrono::minutes kCacheLifetime{5};

  // The API takes an administrator's API password or (without Active
  // multi-factor login) the password; the console only the password.
  enum class Purpose { kApi, kConsole };

  // `clock` (the LoginGuard's windows and locks) must outlive this.
  explicit Authenticator(ManagementDb& db, Clock& clock = systemClock());
  // `address`: the client's address, for the per-address limit (may be empty).
  // When the LoginGuard refuses the attempt unchecked, the error is
  // kUnauthenticated ("try again in N s") and `*retry_after` (when given) is N.
  Result<Caller> authenticate(const std::string& user, const std::string& password, const std::string& address = {},
                              Purpose purpose = Purpose::kApi, std::chrono::seconds* retry_after = nullptr);
  void invalidate();

  // A login step after the password (the console's one-time code) for
  // `user` from `address`: admitted by the LoginGuard like a password check
  // (when refused: kUnauthenticated "try again in N s", `*retry_after` = N,
  // `check` not run). `check` runs when admitted; a kUnauthenticated error
  // from it counts as a failed login, success clears the name's count, any
  // other error counts as neither. Returns what `check` returned.
  Result<bool> checkSecondStep(const std::string& user, const std::string& address,
                               const std::function<Result<bool>()>& check, std::chrono::seconds* retry_after = nullptr);

 private:
  // authenticate() without counting it in spe_management_authentications_total.
  Result<Caller> check(const std::string& user, const std::string& password, const std::string& address,
                       Purpose purpose, std::chrono::seconds* retry_after);
  std::string cacheKey(const std::string& user, const std::string& password, Purpose purpose) const;

  ManagementDb& db_;
  LoginGuard guard_;
  std::mutex mutex_;
  unsigned char key_[32];
  struct Entry {
    Caller caller;
    std::chrono::steady_clock::time_point expires;
  };
  std::map<std::string, Entry> cache_;
};

}  // namespace spe::management
