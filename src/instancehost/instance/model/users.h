// UserDirectory: the instance's users (MailStoreMaster.fdb USERS and
// FOLDER_GRANTS): names, passwords (Argon2id), privileges, login
// privileges, e-mail addresses and folder grants.
//
// User names are case-insensitive and unique; they name the user's archive
// (its top-level folder). "$archiveadmin", the service provider's built-in
// user, always exists, is not stored and cannot be changed here.
// Thread safety: safe from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/base/json_reader.h"
#include "common/base/result.h"
#include "common/base/text.h"
#include "instancehost/instance/model/master_db.h"

namespace spe::instance {

inline constexpr const char* kArchiveAdmin = "$archiveadmin";

struct User {
  std::string name;
  std::string full_name;
  std::string distinguished_name;
  std::string authentication = "integrated";
  std::string password_hash;
  std::vector<std::string> privileges;
  std::vector<std::string> login_privileges;
  std::vector<std::string> email_addresses;
  std::vector<std::string> pop3_user_names;
  // Multi-factor login (user_mfa.h owns these columns: update() leaves them).
  std::string mfa_status = "Disabled";
  std::string mfa_secret_box;                 // base64 of the sealed TOTP secret; empty when Disabled
  std::optional<std::int64_t> mfa_last_step;  // the time step of the last code accepted
  std::int64_t mfa_epoch = 0;                 // moves on each MFA or password change (trusted devices, sessions)
};

struct FolderGrant {
  std::string folder;
  std::vector<std::string> privileges;
};

// Parses a comma-separated privilege list against the allowed values;
// `exclusive` values (none, admin) must stand alone. Errors name `argument`.
Result<std::vector<std::string>> parsePrivilegeList(const std::string& text, const std::vector<std::string>& allowed,
                                                    const std::vector<std::string>& exclusive,
                                                    const std::string& argument);
extern const std::vector<std::string> kUserPrivileges;
extern const std::vector<std::string> kLoginPrivileges;
extern const std::vector<std::string> kFolderPrivileges;

class UserDirectory {
 public:
  explicit UserDirectory(InstanceMasterDb& db) : db_(db) {}

  static constexpr std::size_t kMaxUserNameBytes = 255;  // USERS.USER_NAME is VARCHAR(255)
  // A name to create or rename to: 1 to 255 bytes of UTF-8, no leading or
  // trailing space, no '/', '\\' or control character, not starting with '$'.
  // Errors name `argument` and the limit.
  static Status checkUserName(const std::string& name, const std::string& argument = "userName");
  // A name to look up: at most 255 bytes of UTF-8 (no stored user has any
  // other); errors name `argument`. find() treats such names as unknown.
  static Status checkLookupName(const std::string& name, const std::string& argument = "userName");

  Result<std::vector<User>> list();
  // Not found is an error naming the user.
  Result<User> get(const std::string& name);
  Result<std::optional<User>> find(const std::string& name);
  Status create(const User& user);
  Status update(const std::string& name, const User& user);  // may rename
  Status remove(const std::string& name);

  Result<std::vector<FolderGrant>> grants(const std::string& name);
  Status setGrant(const std::string& name, const std::string& folder, const std::vector<std::string>& privileges);
  Status clearGrants(const std::string& name);
  // A user archive was renamed: grants on it follow.
  Status renameGrantedFolder(const std::string& from, const std::string& to);

  static User archiveAdmin();
  static Json infoJson(const User& user, const std::vector<FolderGrant>& grants);

  // A change made to the users' rows by another repository (user_mfa.h):
  // open sessions check themselves again.
  void noteChanged() { ++generation_; }

  // Grows after every change to any user or grant (once it is committed).
  // Open end-user sessions compare it with the value they saw last and
  // check themselves again when it moved (end_user_login.h).
  std::int64_t generation() const { return generation_.load(); }

 private:
  Status changed(Status s) {
    ++generation_;  // also after a failure: cheap, and never misses a partial change
    return s;
  }

  InstanceMasterDb& db_;
  std::atomic<std::int64_t> generation_{0};
};

}  // namespace spe::instance
