#include "management/admin_mfa.h"

#include "common/base/qr_code.h"
#include "common/base/text.h"
#include "common/base/totp.h"

namespace spe::management {
namespace {

// The sealed box names its administrator: a box copied to another row does not open.
std::string associated(const std::string& user_name) { return "spe-admin-mfa\n" + asciiLower(user_name); }

}  // namespace

AdminMfa::AdminMfa(ManagementDb& db, const Key256& key, Clock& clock, std::string issuer)
    : db_(db), key_(key), clock_(clock), issuer_(std::move(issuer)) {}

Status AdminMfa::initialize(const std::string& user_name) {
  const std::string secret = newTotpSecret();
  std::string box;
  seal(key_, secret, associated(user_name), box);
  std::lock_guard lock(mutex_);
  return db_.setAdminMfa(user_name, std::string(kPending), base64Encode(box), std::nullopt);
}

Status AdminMfa::deactivate(const std::string& user_name) {
  std::lock_guard lock(mutex_);
  return db_.setAdminMfa(user_name, std::string(kDisabled), "", std::nullopt);
}

std::string AdminMfa::binding(const AdminRecord& admin) {
  return admin.mfa_status == kDisabled ? std::string() : sha256Hex(admin.mfa_secret);
}

Result<std::string> AdminMfa::openSecret(const AdminRecord& admin) const {
  auto box = base64Decode(admin.mfa_secret);
  if (!box) {
    return makeError(ErrorCode::kCorrupt, "The multi-factor secret of '" + admin.user_name + "' is damaged.");
  }
  auto secret = open(key_, *box, associated(admin.user_name));
  if (!secret) {
    return makeError(ErrorCode::kCorrupt, "The multi-factor secret of '" + admin.user_name +
                                              "' does not open with this Management Server's key "
                                              "(keys/management.key from another machine or lost?); "
                                              "deactivate and initialize it again.");
  }
  return secret;
}

Result<AdminMfa::Setup> AdminMfa::setup(const AdminRecord& admin) const {
  if (admin.mfa_status != kPending) {
    return makeError(ErrorCode::kPermissionDenied, "Multi-factor login of '" + admin.user_name + "' is not pending.");
  }
  auto secret = openSecret(admin);
  if (!secret) return secret.error();
  Setup s;
  s.secret = base32Encode(*secret);
  s.uri = otpauthUri(issuer_, admin.user_name, *secret);
  auto svg = qrCodeSvg(s.uri);
  if (!svg) return svg.error();
  s.qr_data_url = svgDataUrl(*svg);
  return s;
}

Result<bool> AdminMfa::verify(const std::string& user_name, std::string_view code,
                              const std::string& expected_binding) {
  std::lock_guard lock(mutex_);  // read, check and record as one: a code passes once
  auto admin = db_.admin(user_name);
  if (!admin) return admin.error();
  const auto restart = makeError(ErrorCode::kPermissionDenied,
                                 "Multi-factor login of this administrator changed since the password was checked; "
                                 "log in again.");
  if (!*admin || (*admin)->mfa_status == kDisabled || binding(**admin) != expected_binding) return restart;
  const AdminRecord& a = **admin;
  auto secret = openSecret(a);
  if (!secret) return secret.error();
  const TotpCheck check = checkTotp(*secret, code, clock_.systemNow(), a.mfa_last_step);
  if (check.outcome == TotpCheck::Outcome::kReplayed) {
    return makeError(ErrorCode::kUnauthenticated,
                     "This code was used already; wait for the next one (codes change every 30 seconds).");
  }
  if (check.outcome != TotpCheck::Outcome::kAccepted) {
    return makeError(ErrorCode::kUnauthenticated, "Wrong code.");
  }
  const bool activated = a.mfa_status == kPending;
  SPE_TRY(db_.setAdminMfaStep(a.user_name, std::string(kActive), check.step));
  return activated;
}

}  // namespace spe::management
