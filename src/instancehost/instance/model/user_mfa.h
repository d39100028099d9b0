// UserMfa: the second factor of the instance's end users, and the
// passwords of their mail programs.
//
// mfaStatus (USERS.MFA_STATUS) is the same as the system administrators':
//   "Disabled"  the password alone;
//   "Pending"   InitializeMFA made a new secret; the next Web Access login
//               shows it (QR code and text) and a valid code makes it Active;
//               IMAP still takes the account password;
//   "Active"    Web Access asks for a code after the password (unless the
//               browser is a trusted device); IMAP takes only app passwords.
//
// The TOTP secret (common/base/totp.h) is sealed with the instance key and
// bound to the instance (a box copied from another instance does not open);
// it leaves the instance only in the set-up step of its own user. The step
// of the last accepted code is stored, so a code passes once, also across
// restarts; verify() is serialised per process.
//
// The epoch (USERS.MFA_EPOCH) moves on InitializeMFA, DisableMFA, a new
// secret and a password change: trusted devices of an older epoch are no
// longer trusted, and Web Access sessions of an older epoch end.
//
// Trusted devices: a random 256-bit token in a 14-day browser cookie; the
// instance keeps its SHA-256, the user and the epoch.
//
// App passwords: 16 random lower-case letters (75 bits; shown once as four
// groups of four, spaces ignored when typed), kept as a SHA-256 bound to the
// instance. They are random and long, so a fast hash is enough, and a login
// checks them with one indexed lookup instead of one Argon2id per password.
// At most 20 per user, named, with creation and last-use times.
// Thread safety: safe from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/base/clock.h"
#include "common/base/crypto.h"
#include "common/base/result.h"
#include "instancehost/instance/model/master_db.h"
#include "instancehost/instance/model/users.h"

namespace spe::instance {

inline constexpr const char* kMfaDisabled = "Disabled";
inline constexpr const char* kMfaPending = "Pending";
inline constexpr const char* kMfaActive = "Active";

struct AppPassword {
  std::int64_t id = 0;
  std::string name;
  std::int64_t created = 0;               // seconds since the epoch (UTC)
  std::optional<std::int64_t> last_used;  // idem
};

class UserMfa {
 public:
  static constexpr std::chrono::hours kTrustedDeviceLifetime{24 * 14};
  static constexpr std::size_t kMaxAppPasswords = 20;
  static constexpr std::size_t kMaxAppPasswordName = 64;  // characters

  // `issuer`: what authenticator apps show above the account.
  UserMfa(InstanceMasterDb& db, UserDirectory& users, const Key256& key, std::string instance_id, Clock& clock,
          std::string issuer);

  // InitializeMFA: a new secret, Pending, epoch moved on, trusted devices deleted.
  Status initialize(const std::string& user_name);
  // DisableMFA: no secret, Disabled, epoch moved on, trusted devices deleted.
  Status disable(const std::string& user_name);
  // A password change: the epoch moves on and trusted devices are deleted.
  Status passwordChanged(const std::string& user_name);

  // What a set-up step shows.
  struct Setup {
    std::string secret;   // base32, to type in
    std::string uri;      // otpauth://totp/...
    std::string qr_code;  // data:image/svg+xml;base64,...
  };
  // The stored secret of a Pending user.
  Result<Setup> pendingSetup(const User& user) const;
  // A new secret not stored yet (Web Access settings: set up or again);
  // `raw` receives its bytes for confirm().
  Result<Setup> newSetup(const std::string& user_name, std::string& raw) const;
  // Stores `raw` as the user's secret, Active, if `code` is valid for it.
  // kUnauthenticated for a wrong code.
  Status confirm(const std::string& user_name, const std::string& raw, std::string_view code);

  // Checks a code against the stored secret (Pending or Active): accepted
  // codes are recorded (and make a Pending user Active). kUnauthenticated:
  // wrong or replayed (the message says which); kPermissionDenied: the
  // user's epoch is no longer `expected_epoch` or MFA is off.
  Status verify(const std::string& user_name, std::string_view code, std::int64_t expected_epoch);

  // Trusted devices: a new token for the user's current epoch, or whether
  // `token` is one of the user's, of its current epoch, not expired.
  Result<std::string> trustDevice(const std::string& user_name, std::int64_t epoch);
  Result<bool> isTrustedDevice(const std::string& user_name, std::int64_t epoch, const std::string& token);

  // App passwords. create() answers the password (shown once) beside the row.
  Result<std::pair<AppPassword, std::string>> createAppPassword(const std::string& user_name, const std::string& name);
  Result<std::vector<AppPassword>> appPasswords(const std::string& user_name);
  // False when the user has no app password of that id.
  Result<bool> deleteAppPassword(const std::string& user_name, std::int64_t id);
  // How many were deleted.
  Result<std::int64_t> deleteAppPasswords(const std::string& user_name);
  // The id of the app password `password` is of `user_name` (its last use
  // recorded), or nullopt.
  Result<std::optional<std::int64_t>> matchAppPassword(const std::string& user_name, const std::string& password);

 private:
  Status setState(const std::string& user_name, const char* status, const std::string& box,
                  std::optional<std::int64_t> last_step);
  Result<std::string> openSecret(const User& user) const;
  Result<Setup> describe(const std::string& user_name, const std::string& raw) const;
  std::string appPasswordHash(const std::string& password) const;
  std::int64_t nowSeconds() const;

  InstanceMasterDb& db_;
  UserDirectory& users_;
  const Key256 key_;
  const std::string instance_id_;
  Clock& clock_;
  const std::string issuer_;
  std::mutex mutex_;
};

}  // namespace spe::instance
