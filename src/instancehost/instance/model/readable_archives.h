// Which archives a user may read: their own, and the folders granted to
// them with the read privilege; every archive for the archive admin and
// for users with the admin privilege. Used by search and by both end-user
// access paths (Web Access, IMAP).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/base/result.h"
#include "instancehost/instance/model/users.h"

namespace spe::instance {

// The archives `user_name` may read, each once (the user's own first);
// nullopt = every archive. kNotFound for an unknown user.
Result<std::optional<std::vector<std::string>>> readableArchives(UserDirectory& users, const std::string& user_name);

}  // namespace spe::instance
