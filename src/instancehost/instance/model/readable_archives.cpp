#include "instancehost/instance/model/readable_archives.h"

#include <algorithm>

namespace spe::instance {

Result<std::optional<std::vector<std::string>>> readableArchives(UserDirectory& users, const std::string& user_name) {
  using Archives = std::optional<std::vector<std::string>>;
  if (user_name == UserDirectory::archiveAdmin().name) return Archives();  // every archive
  auto user = users.get(user_name);
  if (!user) return user.error();
  if (std::find(user->privileges.begin(), user->privileges.end(), "admin") != user->privileges.end()) {
    return Archives();
  }
  std::vector<std::string> out{user->name};
  auto grants = users.grants(user->name);
  if (!grants) return grants.error();
  for (const auto& g : *grants) {
    const bool read = std::find(g.privileges.begin(), g.privileges.end(), "read") != g.privileges.end();
    // A grant on an archive already listed (the user's own, given
    // explicitly) adds nothing: each archive once, or its messages would be
    // searched and listed twice.
    if (read && std::find(out.begin(), out.end(), g.folder) == out.end()) out.push_back(g.folder);
  }
  return Archives(std::move(out));
}

}  // namespace spe::instance
