// LdapDirectoryLogin: DirectoryLogin (access/directory_login.h) on the
// instance's configured directory: the user's own simple bind.
//
// verify() reads the configuration (SETTINGS, the bind password opened with
// the instance's key) on every call, so a changed configuration counts at
// once; then it binds as the user's stored distinguishedName or, when the
// user has none, as the DN the directory gives for the user name (found by
// the service account, the name escaped into the filter). With
// enabledUsersOnly, a bound user whose entry is disabled is refused too
// (generic LDAP directories let disabled entries bind).
// Passwords are never logged, stored or put in a message; an empty one is
// refused before any bind (it would be an anonymous bind).
// Thread safety: verify() may run on several threads at once.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "common/base/crypto.h"
#include "instancehost/instance/access/directory_login.h"
#include "instancehost/instance/directory/directory_config.h"
#include "instancehost/instance/directory/ldap_directory.h"

namespace spe::instance {

class InstanceMasterDb;

// Makes the reader for a configuration (LdapDirectory; a fake in tests).
using DirectoryReaderFactory = std::function<std::unique_ptr<DirectoryReader>(const DirectoryConfig&)>;

// The factory of LdapDirectory readers whose CA files go to `base_directory`.
DirectoryReaderFactory ldapDirectoryFactory(const std::string& base_directory);

class LdapDirectoryLogin : public DirectoryLogin {
 public:
  LdapDirectoryLogin(InstanceMasterDb& db, const Key256& key, std::string instance_id, DirectoryReaderFactory factory);
  Status verify(const User& user, const std::string& password) override;

 private:
  InstanceMasterDb& db_;
  const Key256 key_;
  const std::string instance_id_;
  DirectoryReaderFactory factory_;
};

}  // namespace spe::instance
