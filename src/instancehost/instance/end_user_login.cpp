#include "instancehost/instance/end_user_login.h"

#include <algorithm>

#include "common/password.h"

namespace spe::instance {

Result<std::string> checkEndUserLogin(InstanceContext& ctx, const std::string& user_name, const std::string& password,
                                      const std::string& login_privilege, bool safe_mode) {
  const Error refused = makeError(ErrorCode::kUnauthenticated, "[AUTHENTICATIONFAILED] Authentication failed.");
  if (user_name == kArchiveAdmin) return refused;
  auto user = ctx.users.find(user_name);
  if (!user) return user.error();
  if (!*user || (*user)->password_hash.empty() || !verifyPassword(password, (*user)->password_hash)) return refused;
  const auto& login = (*user)->login_privileges;
  if (std::find(login.begin(), login.end(), login_privilege) == login.end()) {
    const std::string way = login_privilege == "imap" ? "IMAP" : "Web Access";
    return makeError(ErrorCode::kPermissionDenied,
                     "[AUTHORIZATIONFAILED] The user '" + (*user)->name + "' may not log in with " + way + ".");
  }
  const auto& privileges = (*user)->privileges;
  if (safe_mode && std::find(privileges.begin(), privileges.end(), "admin") == privileges.end()) {
    return makeError(ErrorCode::kUnavailable,
                     "[UNAVAILABLE] The archive is in maintenance; only administrators can log in.");
  }
  return (*user)->name;
}

}  // namespace spe::instance
