// AdminMfa: multi-factor login of system administrators with time-based
// one-time codes (common/base/totp.h). An administrator's `mfaStatus` is
//
//   "Disabled"  password alone (the API takes either password);
//   "Pending"   InitializeSystemAdministratorMFA made a new secret; the next
//               console login shows it (QR code and text) and finishes the
//               set-up with a valid code, which makes the account "Active";
//               until then the API takes either password;
//   "Active"    the console asks for a code after the password; the API takes
//               only the API password.
//
// The secret is sealed with the Management Server's key (management_key.h)
// and bound to the administrator's name (a box copied to another row does
// not open); it leaves the server only in the set-up answer of a Pending
// account, never in logs or in any answer once Active. The step of the last
// accepted code is kept in the database, so a code is accepted once, also
// across a restart. verify() is serialised per process, so two requests
// with the same code cannot both pass.
// Thread safety: internally locked.
#pragma once

#include <mutex>
#include <string>
#include <string_view>

#include "common/base/clock.h"
#include "common/base/crypto.h"
#include "common/base/result.h"
#include "management/management_db.h"

namespace spe::management {

class AdminMfa {
 public:
  static constexpr std::string_view kDisabled = "Disabled";
  static constexpr std::string_view kPending = "Pending";
  static constexpr std::string_view kActive = "Active";

  // `issuer`: the name authenticator apps show above the account.
  // `db` and `clock` must outlive this.
  AdminMfa(ManagementDb& db, const Key256& key, Clock& clock, std::string issuer);

  // InitializeSystemAdministratorMFA: a new secret (replacing any earlier one,
  // so a lost phone's codes stop working), status Pending.
  Status initialize(const std::string& user_name);
  // DeactivateSystemAdministratorMFA: the secret is deleted, status Disabled.
  Status deactivate(const std::string& user_name);

  // What the set-up step of a Pending administrator shows.
  struct Setup {
    std::string secret;       // base32, to type in
    std::string uri;          // otpauth://totp/...
    std::string qr_data_url;  // the URI's QR code, data:image/svg+xml;base64,...
  };
  // An error unless `admin` is Pending with a secret that opens.
  Result<Setup> setup(const AdminRecord& admin) const;

  // What ties a login to the second factor it began with: it changes
  // whenever a secret is made or deleted, so a console session or a login
  // ticket from before an Initialize... or Deactivate...MFA call ends.
  static std::string binding(const AdminRecord& admin);

  // Checks `code` for `user_name` (Pending or Active) at the clock's time.
  // Accepted: the step is recorded, a Pending account becomes Active, and the
  // answer says whether it just did. Errors: kUnauthenticated for a wrong or
  // an already used code (the message says which); kPermissionDenied when the
  // account's binding() is no longer `expected_binding` or its MFA is off
  // (the login must start again); others from the database or a secret that
  // does not open (kCorrupt: wrong key file).
  Result<bool> verify(const std::string& user_name, std::string_view code, const std::string& expected_binding);

 private:
  Result<std::string> openSecret(const AdminRecord& admin) const;

  ManagementDb& db_;
  const Key256 key_;
  Clock& clock_;
  const std::string issuer_;
  std::mutex mutex_;
};

}  // namespace spe::management
