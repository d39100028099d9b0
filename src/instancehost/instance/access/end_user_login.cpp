#include "instancehost/instance/access/end_user_login.h"

#include <algorithm>
#include <optional>

#include "common/base/logging.h"
#include "common/base/password.h"
#include "common/base/text.h"
#include "common/metrics/metrics.h"
#include "common/net/form.h"
#include "common/net/login_guard.h"
#include "instancehost/instance/access/directory_login.h"
#include "instancehost/instance/access/login_cache.h"
#include "instancehost/instance/model/user_mfa.h"

namespace spe::instance {
namespace {

LoginGuard& guard() {
  static LoginGuard g;
  return g;
}

// 5 minutes, at most 20,000 users: constants, not settings (docs/security.md,
// "Passwords verified lately").
VerifiedLoginCache& verified() {
  static VerifiedLoginCache cache(systemClock());
  return cache;
}

bool has(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// The account's own password: a directory bind for directory users
// (directory_login.h), else Argon2id (or the login cache). Unknown users pay
// a dummy hash. kUnauthenticated: wrong; kUnavailable: busy or directory down.
Status checkAccountPassword(InstanceContext& ctx, const User* user, const std::string& password) {
  const Error wrong = makeError(ErrorCode::kUnauthenticated, "Authentication failed.");
  if (user && user->authentication == "directoryServices") {
    if (password.empty()) return wrong;  // an empty simple bind is anonymous: never a login
    Status bound = ctx.directory
                       ? ctx.directory->verify(*user, password)
                       : Status(makeError(ErrorCode::kUnavailable,
                                          "The directory service cannot check passwords now; try again later."));
    if (bound || bound.error().code == ErrorCode::kUnauthenticated) return bound ? okStatus() : Status(wrong);
    // Down or not configured: a temporary error, never "wrong password".
    return makeError(ErrorCode::kUnavailable, bound.error().message, kLoginDirectoryDown);
  }
  const bool has_password = user && !user->password_hash.empty();
  if (has_password && verified().matches(user->name, password, user->password_hash)) {
    return okStatus();  // verified by Argon2id within the cache's ttl (login_cache.h)
  }
  const PasswordCheck check = has_password ? checkPassword(password, user->password_hash)
                                           : checkDummyPassword(password);
  if (check == PasswordCheck::kBusy) {  // not counted: nothing was checked
    return makeError(ErrorCode::kUnavailable, "The server is busy; try again in a moment.");
  }
  if (check != PasswordCheck::kMatch) return wrong;
  verified().remember(user->name, password, user->password_hash);
  return okStatus();
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
  login.mfa_status = user.mfa_status;
  login.mfa_epoch = user.mfa_epoch;
  return login;
}

}  // namespace

bool isLoginThrottled(const Error& e) { return e.code == ErrorCode::kResourceExhausted; }

std::int64_t endUserLoginsThrottled() { return guard().refused(); }

namespace {

// A password Argon2id verified lately (the cache, login_cache.h) hashes
// nothing, so it needs no turn of LoginGuard's one check per name at a time:
// a mail client opening several connections at once logs in on each
// without waiting. Only when neither the name nor the address is locked;
// anything else (a directory user, an app password, a miss) takes the
// guarded way (nothing: the caller goes on).
std::optional<Result<EndUserLogin>> lateLogin(InstanceContext& ctx, const std::string& guard_key,
                                              const std::string& user_name, const std::string& password,
                                              const std::string& login_privilege, bool safe_mode,
                                              const std::string& client_address) {
  if (guard().lockedFor(guard_key, client_address).count() > 0) return std::nullopt;
  EndUserLogin login;
  login.generation = ctx.users.generation();
  auto user = ctx.users.find(user_name);
  if (!user || !*user) return std::nullopt;
  const User& found = **user;
  if (found.authentication == "directoryServices" || found.password_hash.empty()) return std::nullopt;
  if (login_privilege == "imap" && found.mfa_status == kMfaActive) return std::nullopt;  // the guarded way says why
  if (!verified().matches(found.name, password, found.password_hash)) return std::nullopt;
  guard().succeededWithoutTurn(guard_key);  // the right password clears the name's count, as on the guarded way
  return finishLogin(found, login_privilege, safe_mode, login);
}

Result<EndUserLogin> checkUncounted(InstanceContext& ctx, const std::string& user_name, const std::string& password,
                                    const std::string& login_privilege, bool safe_mode,
                                    const std::string& client_address) {
  const Error refused = makeError(ErrorCode::kUnauthenticated, "Authentication failed.");
  if (user_name == kArchiveAdmin) return refused;
  // Names no user can have: refused at once (it tells nothing about which names exist).
  if (user_name.empty() || user_name.size() > 255 || !isValidUtf8(user_name) || password.size() > 4096) return refused;
  // Per user name of this instance (the process serves one instance) and per client address.
  const std::string guard_key = ctx.instance_id + "/" + user_name;
  if (auto cached = lateLogin(ctx, guard_key, user_name, password, login_privilege, safe_mode, client_address)) {
    return std::move(*cached);
  }
  auto admission = guard().admit(guard_key, client_address);
  if (!admission.permit) {
    const std::string retry = std::to_string(admission.retry_after.count());
    return makeError(ErrorCode::kResourceExhausted,
                     admission.busy ? "Too many logins of this user at once; try again in " + retry + " s."
                                    : "Too many failed logins; try again in " + retry + " s.",
                     retry);
  }
  EndUserLogin login;
  login.generation = ctx.users.generation();
  auto user = ctx.users.find(user_name);
  if (!user) return user.error();
  const User* found = *user ? &**user : nullptr;
  // IMAP: an app password (user_mfa.h) costs one indexed lookup.
  if (found && login_privilege == "imap" && ctx.mfa) {
    auto app = ctx.mfa->matchAppPassword(found->name, password);
    if (!app) return app.error();
    if (*app) {
      admission.permit->succeeded();
      login.app_password_id = **app;
      return finishLogin(*found, login_privilege, safe_mode, login);
    }
  }
  auto checked = checkAccountPassword(ctx, found, password);
  if (!checked) {
    if (checked.error().code != ErrorCode::kUnauthenticated) return checked.error();  // busy, directory down
    admission.permit->failed();
    auditLogin(ctx, found ? found->name : user_name, "SessionLoginFailed",
               std::string(login_privilege == "imap" ? "IMAP" : "Web Access") + " from " + client_address +
                   ": wrong user name or password",
               client_address);
    return refused;
  }
  admission.permit->succeeded();
  if (login_privilege == "imap" && found->mfa_status == kMfaActive) {
    auditLogin(ctx, found->name, "SessionLoginFailed",
               "IMAP from " + client_address + ": the account password, but multi-factor login is on", client_address);
    return makeError(ErrorCode::kUnauthenticated,
                     "Multi-factor login is on for this user: log in with an app password (Web Access, Settings).",
                     kLoginAppPasswordRequired);
  }
  return finishLogin(*found, login_privilege, safe_mode, login);
}

const char* loginResult(const Result<EndUserLogin>& r) {
  if (r) return "accepted";
  switch (r.error().code) {
    case ErrorCode::kUnauthenticated: return "refused";
    case ErrorCode::kResourceExhausted: return "throttled";
    case ErrorCode::kPermissionDenied: return "notPermitted";
    default: return "unavailable";
  }
}

}  // namespace

Result<EndUserLogin> checkEndUserLogin(InstanceContext& ctx, const std::string& user_name, const std::string& password,
                                       const std::string& login_privilege, bool safe_mode,
                                       const std::string& client_address) {
  auto r = checkUncounted(ctx, user_name, password, login_privilege, safe_mode, client_address);
  metrics::counter("spe_end_user_logins_total", "End users' logins (IMAP, Web Access), by way in and result.",
                   {{"service", login_privilege == "imap" ? "imap" : "web"}, {"result", loginResult(r)}})
      .Increment();
  return r;
}

void auditLogin(InstanceContext& ctx, const std::string& user, const std::string& event, const std::string& details,
                const std::string& source) {
  audit::AuditEntry e;
  e.actor_kind = user == kArchiveAdmin ? audit::ActorKind::kArchiveAdmin : audit::ActorKind::kUser;
  e.actor = user;
  e.source = source;
  e.event = event;
  e.object = user;
  e.details = details;
  e.success = event.find("Failed") == std::string::npos;
  if (auto st = ctx.db.audit(e); !st) {
    logger("login")->error("audit record lost: user={} event={} details={}: {}", printable(user), event,
                           printable(details), st.error().message);
  }
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
  if ((*user)->mfa_epoch != login.mfa_epoch) return ended("multi-factor login was changed");
  if (login.app_password_id && ctx.mfa) {
    auto apps = ctx.mfa->appPasswords(login.name);
    if (!apps) return apps.error();
    if (std::none_of(apps->begin(), apps->end(), [&](const AppPassword& a) { return a.id == *login.app_password_id; }))
      return ended("the app password was deleted");
  }
  if (!has((*user)->login_privileges, login_privilege)) return ended("the login privilege was removed");
  if (safe_mode && !has((*user)->privileges, "admin")) return ended("the archive is in maintenance");
  login.generation = now;
  return okStatus();
}

}  // namespace spe::instance
