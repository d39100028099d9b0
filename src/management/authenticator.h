// Authenticator: checks HTTP Basic credentials of system administrators.
//
// Argon2id is deliberately slow, so a successful check is remembered for
// kCacheLifetime under a keyed BLAKE2b digest of user and password (the
// password itself is never kept). Any change to an administrator clears the
// cache. An administrator with multi-factor login enabled may use only the
// API password on the API (PRODUCT-SPEC §1.3); without it, either works.
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

  // The API takes an administrator's API password or (without multi-factor
  // login) the password; the console only the password, and not yet for an
  // administrator with multi-factor login (its second step comes later).
  enum class Purpose { kApi, kConsole };

  explicit Authenticator(ManagementDb& db);
  // `address`: the client's address, for the per-address limit (may be empty).
  // When the LoginGuard refuses the attempt unchecked, the error is
  // kUnauthenticated ("try again in N s") and `*retry_after` (when given) is N.
  Result<Caller> authenticate(const std::string& user, const std::string& password, const std::string& address = {},
                              Purpose purpose = Purpose::kApi, std::chrono::seconds* retry_after = nullptr);
  void invalidate();

 private:
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
