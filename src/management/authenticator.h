// Authenticator: checks HTTP Basic credentials of system administrators.
//
// Argon2id is deliberately slow, so a successful check is remembered for
// kCacheLifetime under a keyed BLAKE2b digest of user and password (the
// password itself is never kept). Any change to an administrator clears the
// cache. An administrator with multi-factor login enabled may use only the
// API password on the API (PRODUCT-SPEC §1.3); without it, either works.
// Thread safety: internally locked.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include "common/result.h"
#include "management/api/function_registry.h"
#include "management/management_db.h"

namespace spe::management {

class Authenticator {
 public:
  static constexpr std::chrono::minutes kCacheLifetime{5};

  explicit Authenticator(ManagementDb& db);
  Result<Caller> authenticate(const std::string& user, const std::string& password);
  void invalidate();

 private:
  std::string cacheKey(const std::string& user, const std::string& password) const;

  ManagementDb& db_;
  std::mutex mutex_;
  unsigned char key_[32];
  struct Entry {
    Caller caller;
    std::chrono::steady_clock::time_point expires;
  };
  std::map<std::string, Entry> cache_;
};

}  // namespace spe::management
