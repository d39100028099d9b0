// Checking an end user's login (IMAP, Web Access): the password (Argon2id),
// the login privilege of the way in ("imap", "web"), and in safe mode that
// the user is an administrator. "$archiveadmin" never logs in as an end
// user: it administers the instance and does not read mail. Unknown users
// and wrong passwords get the same error.
// Thread safety: safe from any thread; slow on purpose (password hashing).
#pragma once

#include <string>

#include "instancehost/instance/instance_api.h"

namespace spe::instance {

// The user's name as stored, or why the login is refused: kUnauthenticated
// (wrong name or password), kPermissionDenied (no such login privilege),
// kUnavailable (safe mode).
Result<std::string> checkEndUserLogin(InstanceContext& ctx, const std::string& user, const std::string& password,
                                      const std::string& login_privilege, bool safe_mode);

}  // namespace spe::instance
