#include "instancehost/instance/access/end_user_login.h"

#include <algorithm>

#include "common/base/password.h"
#include "common/net/form.h"
#include "common/net/login_guard.h"
#include "instancehost/instance/access/directory_login.h"
#include "instancehost/instance/access/login_cache.h"

namespace spe::instance {
namespace {

LoginGuard& guard() {
  static LoginGuard g;
  return g;
}

VerifiedLoginCache& verified() {
  static VerifiedLoginCache cache(systemClock());
  return cache;
}

bool has(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// After the password: the way in and maintenance.
Result<EndUserLogin> finishLogin(const User& user, const std::string& login_privilege, bool safe_mode,
                                 EndUserLogin login) {
  if (!has(user.login_privileges, login_privilege)) {
    const std::string way = login_privilege == "imap" ? "IMAP" : "Web Access";
    return makeError(ErrorCode::kPermissionDenied, "The user '" + user.name + "' may not log in with " + way + ".");
  }
  if (safe_mode && !has(user.privileges, "admin")) {
    return makeError(ErrorCode::kUnavailable, "The archive is in maintenance; only administrators can log in.",
                     kLoginMaintenance);
  }
  login.name = user.name;
  login.password_hash = user.password_hash;
  return login;
}

}  // namespace

bool isLoginThrottled(const Error& e) { return e.code == ErrorCode::kResourceExhausted; }

std::int64_t endUserLoginsThrottled() { return guard().refused(); }

Result<EndUserLogin> checkEndUserLogin(InstanceContext& ctx, const std::string& user_name, const std::string& password,
                                       const std::string& login_privilege, bool safe_mode,
                                       const std::string& client_address) {
  const Error refused = makeError(ErrorCode::kUnauthenticated, "Authentication failed.");
  if (user_name == kArchiveAdmin) return refused;
  // Names no user can have: refused at once (it tells nothing about which names exist).
  if (user_name.empty() || user_name.size() > 255 || !isValidUtf8(user_name) || password.size() > 4096) return refused;
  // Per user name of this instance (the process serves one instance) and per client address.
  auto admission = guard().admit(ctx.instance_id + "/" + user_name, client_address);
  if (!admission.permit) {
    return makeError(ErrorCode::kResourceExhausted,
                     "Too many failed logins; try again in " + std::to_string(admission.retry_after.count()) + " s.",
                     std::to_string(admission.retry_after.count()));
  }
  const auto busy = makeError(ErrorCode::kUnavailable, "The server is busy; try again in a moment.");
  EndUserLogin login;
  login.generation = ctx.users.generation();
  auto user = ctx.users.find(user_name);
  if (!user) return user.error();
  if (*user && (*user)->authentication == "directoryServices") {
    // The directory checks the password (directory_login.h); the archive keeps none.
    Status bound = ctx.directory ? ctx.directory->verify(**user, password)
                                 : Status(makeError(ErrorCode::kUnavailable,
                                                    "The directory service cannot check passwords now; try again later."));
    if (!bound) {
      if (bound.error().code == ErrorCode::kUnauthenticated) {
        admission.permit->failed();
        return refused;
      }
      // Down or not configured: a temporary error, never "wrong password".
      return makeError(ErrorCode::kUnavailable, bound.error().message, kLoginDirectoryDown);
    }
    admission.permit->succeeded();
    return finishLogin(**user, login_privilege, safe_mode, login);
  }
  const bool has_password = *user && !(*user)->password_hash.empty();
  PasswordCheck check = PasswordCheck::kMismatch;
  if (has_password && verified().matches((*user)->name, password, (*user)->password_hash)) {
    check = PasswordCheck::kMatch;  // verified by Argon2id within the cache's ttl (login_cache.h)
  } else {
    check = has_password ? checkPassword(password, (*user)->password_hash) : checkDummyPassword(password);
    if (check == PasswordCheck::kMatch) verified().remember((*user)->name, password, (*user)->password_hash);
  }
  if (check == PasswordCheck::kBusy) return busy;  // not counted: nothing was checked
  if (check != PasswordCheck::kMatch) {
    admission.permit->failed();
    return refused;
  }
  admission.permit->succeeded();
  return finishLogin(**user, login_privilege, safe_mode, login);
}

Status recheckEndUserSession(InstanceContext& ctx, EndUserLogin& login, const std::string& login_privilege,
                             bool safe_mode) {
  if (login.name == kArchiveAdmin) return okStatus();
  const std::int64_t now = ctx.users.generation();
  if (now == login.generation) return okStatus();
  auto user = ctx.users.find(login.name);
  if (!user) return user.error();
  const auto ended = [](const std::string& why) {
    return makeError(ErrorCode::kUnauthenticated, "Your session has ended (" + why + "); log in again.");
  };
  if (!*user || (*user)->name != login.name) return ended("the user was deleted or renamed");
  if ((*user)->password_hash != login.password_hash) return ended("the password was changed");
  if (!has((*user)->login_privileges, login_privilege)) return ended("the login privilege was removed");
  if (safe_mode && !has((*user)->privileges, "admin")) return ended("the archive is in maintenance");
  login.generation = now;
  return okStatus();
}

}  // namespace spe::instance
