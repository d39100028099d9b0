#include "management/authenticator.h"

#include <sodium.h>

#include "common/base/password.h"
#include "common/metrics/metrics.h"
#include "common/net/form.h"

namespace spe::management {

Authenticator::Authenticator(ManagementDb& db, Clock& clock) : db_(db), guard_(LoginGuard::Limits{}, clock) {
  (void)randomHex(1);  // initialises libsodium
  randombytes_buf(key_, sizeof key_);
}

std::string Authenticator::cacheKey(const std::string& user, const std::string& password, Purpose purpose) const {
  std::string input = user;
  input.push_back('\0');
  input.push_back(purpose == Purpose::kApi ? 'a' : 'c');
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

Result<Caller> Authenticator::authenticate(const std::string& user, const std::string& password,
                                           const std::string& address, Purpose purpose,
                                           std::chrono::seconds* retry_after) {
  auto r = check(user, password, address, purpose, retry_after);
  const char* result = r ? "accepted" : r.error().code == ErrorCode::kUnauthenticated ? "refused" : "error";
  metrics::counter("spe_management_authentications_total",
                   "Password checks of administrators (each API request, each console login), by interface and result.",
                   {{"interface", purpose == Purpose::kApi ? "api" : "console"}, {"result", result}})
      .Increment();
  return r;
}

Result<Caller> Authenticator::check(const std::string& user, const std::string& password, const std::string& address,
                                    Purpose purpose, std::chrono::seconds* retry_after) {
  const auto denied = makeError(ErrorCode::kUnauthenticated, "Wrong user name or password.");
  if (user.empty() || password.empty()) return denied;
  if (user.size() > 256 || !isValidUtf8(user) || password.size() > 4096) return denied;  // no such name can exist
  const std::string key = cacheKey(user, password, purpose);
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    auto it = cache_.find(key);
    if (it != cache_.end() && it->second.expires > now) return it->second.caller;
  }
  auto admission = guard_.admit(user, address);
  if (!admission.permit) {
    if (retry_after) *retry_after = admission.retry_after;
    return makeError(ErrorCode::kUnauthenticated,
                     "Too many failed logins; try again in " + std::to_string(admission.retry_after.count()) + " s.");
  }
  const auto busy = makeError(ErrorCode::kUnauthenticated,
                              "The server is busy checking passwords; try again in a moment.");
  auto admin = db_.admin(user);
  if (!admin) return admin.error();
  // Two verifications on every failure, known name or not: the API password
  // (or the dummy hash), then the password (or the dummy hash).
  auto check = [&password](const std::string* hash) {
    return hash && !hash->empty() ? checkPassword(password, *hash) : checkDummyPassword(password);
  };
  const AdminRecord* a = admin->has_value() ? &**admin : nullptr;
  // Active multi-factor login: the API takes only the API password. Pending:
  // the set-up is not finished, so the password still counts on the API.
  const bool mfa_active = a && a->mfa_status == "Active";
  const bool mfa_console = a && a->mfa_status != "Disabled" && purpose == Purpose::kConsole;
  const bool api_password_counts = purpose == Purpose::kApi;
  const PasswordCheck api = check(a && api_password_counts ? &a->api_password_hash : nullptr);
  if (api == PasswordCheck::kBusy) return busy;
  bool ok = api_password_counts && api == PasswordCheck::kMatch;
  bool refused_for_mfa = false;
  if (!ok) {
    const PasswordCheck pw = check(a ? &a->password_hash : nullptr);
    if (pw == PasswordCheck::kBusy) return busy;
    ok = a && pw == PasswordCheck::kMatch;
    if (ok && mfa_active && purpose == Purpose::kApi) {
      ok = false;
      refused_for_mfa = true;
    }
  }
  if (refused_for_mfa) {
    // The right password, the wrong way in: not a guess (no failure), not a login (no success).
    return makeError(ErrorCode::kUnauthenticated,
                     "This administrator uses multi-factor login: the Management API accepts only the API password "
                     "(CreateSystemAdministratorAPIPassword), not the account password.");
  }
  if (!ok) {
    admission.permit->failed();
    return denied;
  }
  // With multi-factor login the password is the first step only: the name's
  // count is cleared by the second (checkSecondStep), not here.
  if (!mfa_console) admission.permit->succeeded();
  Caller caller{a->user_name, {}};
  std::lock_guard lock(mutex_);
  if (cache_.size() > 10000) cache_.clear();
  cache_[key] = Entry{caller, now + kCacheLifetime};
  return caller;
}

Result<bool> Authenticator::checkSecondStep(const std::string& user, const std::string& address,
                                            const std::function<Result<bool>()>& check,
                                            std::chrono::seconds* retry_after) {
  auto admission = guard_.admit(user, address);
  if (!admission.permit) {
    if (retry_after) *retry_after = admission.retry_after;
    return makeError(ErrorCode::kUnauthenticated,
                     "Too many failed logins; try again in " + std::to_string(admission.retry_after.count()) + " s.");
  }
  auto result = check();
  if (result) {
    admission.permit->succeeded();
  } else if (result.error().code == ErrorCode::kUnauthenticated) {
    admission.permit->failed();
  }
  return result;
}

}  // namespace spe::management
