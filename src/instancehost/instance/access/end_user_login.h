// Checking an end user's login (IMAP, Web Access): the password (Argon2id),
// the login privilege of the way in ("imap", "web"), and in safe mode that
// the user is an administrator. "$archiveadmin" never logs in as an end
// user: it administers the instance and does not read mail. Unknown users
// and wrong passwords get the same error, after the same work: an unknown
// name (or a user without a password) is checked against a fixed dummy hash.
//
// Guessing is limited before any hashing (common/login_guard.h): per user
// name of this instance and per client address; a refused attempt is
// answered "too many failed logins, try again in N s" without checking the
// password (isLoginThrottled). Names that cannot exist (empty, longer than
// 255 bytes, not UTF-8) are refused at once, like a wrong password.
//
// A right password verified lately (VerifiedLoginCache, login_cache.h: a
// keyed MAC of name, password and stored hash, in memory for 5 minutes,
// missed after a password change) skips Argon2id and nothing else: it is
// asked after the user record is read, and every other check runs as on a
// miss. Wrong passwords and unknown names always pay Argon2id.
//
// Open sessions check themselves again whenever a user or grant changed
// (recheckEndUserSession): a deleted or renamed user, a new password, or a
// withdrawn login privilege ends them.
// Thread safety: safe from any thread; slow on purpose (password hashing)
// unless the login cache knows the password.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/net/login_refusal.h"
#include "instancehost/instance/api/context.h"

namespace spe::instance {

// What a session keeps of its login.
struct EndUserLogin {
  std::string name;                             // as stored
  std::string password_hash;                    // the hash the password matched
  std::int64_t generation = 0;                  // UserDirectory::generation() before the user was read
  std::string mfa_status;                       // at the login (user_mfa.h)
  std::int64_t mfa_epoch = 0;                   // idem: a change ends the session
  std::optional<std::int64_t> app_password_id;  // IMAP with an app password: its deletion ends the session
  std::string client_address;                   // set by the edge that keeps the session (audit entries)
};

// The login, or why it is refused: kUnauthenticated (wrong name or
// password), kResourceExhausted (throttled: too many failed logins),
// kPermissionDenied (no such login privilege), kUnavailable (safe mode, or
// the server too busy checking passwords). Messages carry no protocol
// codes: each edge (IMAP, HTTP) chooses its own from the ErrorCode. The
// details say more for Web Access's translated texts: the seconds to wait
// when throttled, kLoginMaintenance in safe mode.
inline constexpr const char* kLoginMaintenance = "maintenance";
// The details of refusals the CAS passes on: common/net/login_refusal.h.
Result<EndUserLogin> checkEndUserLogin(InstanceContext& ctx, const std::string& user, const std::string& password,
                                       const std::string& login_privilege, bool safe_mode,
                                       const std::string& client_address);

// True for the refusal of a throttled attempt (kResourceExhausted; its
// message says when to try again).
bool isLoginThrottled(const Error& e);

// Cheap while nothing changed (one atomic read); otherwise reads the user
// again: kUnauthenticated "Your session has ended ..." when the user was
// deleted or renamed, its password changed, the login privilege (or in safe
// mode the admin privilege) was removed. On success `login.generation`
// moves on. "$archiveadmin" sessions always pass (they end by
// WebApi::revokeArchiveAdminPasswords).
Status recheckEndUserSession(InstanceContext& ctx, EndUserLogin& login, const std::string& login_privilege,
                             bool safe_mode);

// Writes a login event (SessionLogin, SessionLoginFailed, ...) to the
// instance's audit log; a record that cannot be written is logged as an
// error and does not stop the login.
// The actor kind is "user" ("$archiveadmin" for it); `source` the client's
// address when the caller has it.
void auditLogin(InstanceContext& ctx, const std::string& user, const std::string& event, const std::string& details,
                const std::string& source = {});

// Attempts the login guard refused in this process (statistics, tests).
std::int64_t endUserLoginsThrottled();

}  // namespace spe::instance
