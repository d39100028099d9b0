#include "management/authenticator.h"

#include <sodium.h>

#include "common/password.h"

namespace spe::management {

Authenticator::Authenticator(ManagementDb& db) : db_(db) {
  (void)randomHex(1);  // initialises libsodium
  randombytes_buf(key_, sizeof key_);
}

std::string Authenticator::cacheKey(const std::string& user, const std::string& password) const {
  std::string input = user;
  input.push_back('\0');
  input += password;
  unsigned char digest[32];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(input.data()), input.size(), key_,
                     sizeof key_);
  sodium_memzero(input.data(), input.size());
  return std::string(reinterpret_cast<const char*>(digest), sizeof digest);
}

void Authenticator::invalidate() {
  std::lock_guard lock(mutex_);
  cache_.clear();
}

Result<Caller> Authenticator::authenticate(const std::string& user, const std::string& password) {
  const auto denied = makeError(ErrorCode::kUnauthenticated, "Wrong user name or password.");
  if (user.empty() || password.empty()) return denied;
  const std::string key = cacheKey(user, password);
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    auto it = cache_.find(key);
    if (it != cache_.end() && it->second.expires > now) return it->second.caller;
  }
  auto admin = db_.admin(user);
  if (!admin) return admin.error();
  if (!admin->has_value()) {
    (void)verifyPassword(password, "");  // keep timing similar for unknown users
    return denied;
  }
  const AdminRecord& a = **admin;
  const bool mfa = a.mfa_status != "Disabled";
  const bool api_ok = !a.api_password_hash.empty() && verifyPassword(password, a.api_password_hash);
  const bool pw_ok = !api_ok && !mfa && verifyPassword(password, a.password_hash);
  if (!api_ok && !pw_ok) return denied;
  Caller caller{a.user_name};
  std::lock_guard lock(mutex_);
  if (cache_.size() > 10000) cache_.clear();
  cache_[key] = Entry{caller, now + kCacheLifetime};
  return caller;
}

}  // namespace spe::management
