// DirectoryLogin: how the password of a user whose authentication is
// "directoryServices" is checked. The archive keeps no copy of such a
// password: the instance's directory service (docs/directory-services.md)
// is asked, by an LDAP bind as the user, on every login that the login
// cache (login_cache.h) does not answer.
// checkEndUserLogin (end_user_login.h) calls it after the login guard
// admitted the attempt, for IMAP and Web Access alike.
// Thread safety: verify() may run on several threads at once.
#pragma once

#include <string>

#include "common/base/result.h"
#include "instancehost/instance/model/users.h"

namespace spe::instance {

class DirectoryLogin {
 public:
  virtual ~DirectoryLogin() = default;
  // OK: the directory accepted `password` for `user`.
  // kUnauthenticated: it refused (wrong password, unknown or disabled entry).
  // kUnavailable: no directory is configured, it cannot be reached, or it
  // did not answer in time; the message says so for the user ("try again
  // later"), never "wrong password".
  virtual Status verify(const User& user, const std::string& password) = 0;
};

}  // namespace spe::instance
