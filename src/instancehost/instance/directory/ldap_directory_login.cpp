#include "instancehost/instance/directory/ldap_directory_login.h"

#include "common/base/logging.h"
#include "common/base/text.h"

namespace spe::instance {
namespace {

constexpr const char* kTryLater = "The directory service cannot check your password right now; try again later.";

Error unavailable(const std::string& why) {
  // The user sees the first sentence; the log line (never a password) the reason.
  logger("instance")->warn("directory login: {}", why);
  return makeError(ErrorCode::kUnavailable, kTryLater, why);
}

}  // namespace

DirectoryReaderFactory ldapDirectoryFactory(const std::string& base_directory) {
  return [base_directory](const DirectoryConfig& config) -> std::unique_ptr<DirectoryReader> {
    return std::make_unique<LdapDirectory>(config, base_directory);
  };
}

LdapDirectoryLogin::LdapDirectoryLogin(InstanceMasterDb& db, const Key256& key, std::string instance_id,
                                       DirectoryReaderFactory factory)
    : db_(db), key_(key), instance_id_(std::move(instance_id)), factory_(std::move(factory)) {}

Status LdapDirectoryLogin::verify(const User& user, const std::string& password) {
  if (password.empty()) return makeError(ErrorCode::kUnauthenticated, "The password is empty.");
  auto config = loadDirectoryConfig(db_, key_, instance_id_);
  if (!config) return unavailable("the configuration cannot be read: " + config.error().message);
  if (config->type == kDirectoryNone) return unavailable("no directory service is configured (type none)");
  if (!config->isLdap()) {
    return unavailable("the directory service type '" + config->type + "' needs a cloud connection");
  }
  auto reader = factory_(*config);
  std::string dn = user.distinguished_name;
  if (dn.empty()) {
    auto found = reader->findUser(user.name);
    if (!found) return unavailable("looking up '" + printable(user.name, 100) + "': " + found.error().message);
    if (!found->has_value()) {
      return makeError(ErrorCode::kUnauthenticated, "The directory has no (single) entry for this user.");
    }
    dn = (*found)->dn;
  }
  auto bound = reader->bindAs(dn, password);
  if (!bound) {
    if (bound.error().code == ErrorCode::kUnauthenticated) return bound.error();
    return unavailable("binding as '" + printable(dn, 200) + "': " + bound.error().message);
  }
  if (config->enabled_users_only) {
    auto entry = reader->userAt(dn);
    if (!entry) return unavailable("reading '" + printable(dn, 200) + "': " + entry.error().message);
    if (entry->has_value() && (*entry)->disabled) {
      return makeError(ErrorCode::kUnauthenticated, "The user's directory entry is disabled.");
    }
  }
  return okStatus();
}

}  // namespace spe::instance
