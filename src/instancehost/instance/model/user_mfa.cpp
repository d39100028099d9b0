#include "instancehost/instance/model/user_mfa.h"

#include <algorithm>

#include "common/base/qr_code.h"
#include "common/base/text.h"
#include "common/base/totp.h"
#include "common/base/utf8.h"
#include "common/net/form.h"

namespace spe::instance {
namespace {

constexpr std::string_view kLetters = "abcdefghijklmnopqrstuvwxyz";
constexpr std::size_t kAppPasswordLetters = 16;

// 16 letters from the 26 without bias (bytes of 234 and above are drawn again).
std::string newAppPassword() {
  std::string out;
  while (out.size() < kAppPasswordLetters) {
    for (unsigned char b : randomBytes(32)) {
      if (b >= 234 || out.size() == kAppPasswordLetters) continue;
      out += kLetters[b % 26];
    }
  }
  return out;
}

// What a typed app password is compared as: spaces dropped, lower case.
std::string normalizedAppPassword(const std::string& typed) {
  std::string out;
  for (char c : typed) {
    if (c != ' ') out += c;
  }
  return asciiLower(out);
}

std::string grouped(const std::string& letters) {
  std::string out;
  for (std::size_t i = 0; i < letters.size(); i += 4) out += (out.empty() ? "" : " ") + letters.substr(i, 4);
  return out;
}

AppPassword appPasswordOf(const DbRow& r) {
  AppPassword a;
  a.id = dbInt(r[0]);
  a.name = dbStr(r[1]);
  a.created = dbInt(r[2]);
  if (!dbIsNull(r[3])) a.last_used = dbInt(r[3]);
  return a;
}

}  // namespace

UserMfa::UserMfa(InstanceMasterDb& db, UserDirectory& users, const Key256& key, std::string instance_id, Clock& clock,
                 std::string issuer)
    : db_(db),
      users_(users),
      key_(key),
      instance_id_(std::move(instance_id)),
      clock_(clock),
      issuer_(std::move(issuer)) {}

std::int64_t UserMfa::nowSeconds() const {
  return std::chrono::duration_cast<std::chrono::seconds>(clock_.systemNow().time_since_epoch()).count();
}

Status UserMfa::setState(const std::string& user_name, const char* status, const std::string& box,
                         std::optional<std::int64_t> last_step) {
  const std::string key = asciiLower(user_name);
  auto tx = db_.db().begin();
  if (!tx) return tx.error();
  SPE_TRY((*tx)->exec(
      "UPDATE USERS SET MFA_STATUS = ?, MFA_SECRET = ?, MFA_LAST_STEP = ?, MFA_EPOCH = COALESCE(MFA_EPOCH, 0) + 1 "
      "WHERE USER_KEY = ?",
      {std::string(status), box.empty() ? DbValue{} : DbValue{box}, last_step ? DbValue{*last_step} : DbValue{}, key}));
  SPE_TRY((*tx)->exec("DELETE FROM TRUSTED_DEVICES WHERE USER_KEY = ?", {key}));
  auto committed = (*tx)->commit();
  users_.noteChanged();
  return committed;
}

Status UserMfa::initialize(const std::string& user_name) {
  std::string box;
  seal(key_, newTotpSecret(), instance_id_ + "/user-mfa", box);
  std::lock_guard lock(mutex_);
  return setState(user_name, kMfaPending, base64Encode(box), std::nullopt);
}

Status UserMfa::disable(const std::string& user_name) {
  std::lock_guard lock(mutex_);
  return setState(user_name, kMfaDisabled, "", std::nullopt);
}

Status UserMfa::passwordChanged(const std::string& user_name) {
  std::lock_guard lock(mutex_);
  auto u = users_.get(user_name);
  if (!u) return u.error();
  return setState(user_name, u->mfa_status.c_str(), u->mfa_secret_box, u->mfa_last_step);
}

Result<std::string> UserMfa::openSecret(const User& user) const {
  auto box = base64Decode(user.mfa_secret_box);
  if (!box) return makeError(ErrorCode::kCorrupt, "The multi-factor secret of '" + user.name + "' is damaged.");
  auto secret = open(key_, *box, instance_id_ + "/user-mfa");
  if (!secret) {
    return makeError(ErrorCode::kCorrupt, "The multi-factor secret of '" + user.name +
                                              "' does not open with this instance's key; initialize MFA again.");
  }
  return secret;
}

Result<UserMfa::Setup> UserMfa::describe(const std::string& user_name, const std::string& raw) const {
  Setup s;
  s.secret = base32Encode(raw);
  s.uri = otpauthUri(issuer_, user_name, raw);
  auto svg = qrCodeSvg(s.uri);
  if (!svg) return svg.error();
  s.qr_code = svgDataUrl(*svg);
  return s;
}

Result<UserMfa::Setup> UserMfa::pendingSetup(const User& user) const {
  if (user.mfa_status != kMfaPending) {
    return makeError(ErrorCode::kPermissionDenied, "Multi-factor login of '" + user.name + "' is not pending.");
  }
  auto secret = openSecret(user);
  if (!secret) return secret.error();
  return describe(user.name, *secret);
}

Result<UserMfa::Setup> UserMfa::newSetup(const std::string& user_name, std::string& raw) const {
  raw = newTotpSecret();
  return describe(user_name, raw);
}

Status UserMfa::confirm(const std::string& user_name, const std::string& raw, std::string_view code) {
  const TotpCheck check = checkTotp(raw, code, clock_.systemNow(), std::nullopt);
  if (check.outcome != TotpCheck::Outcome::kAccepted) return makeError(ErrorCode::kUnauthenticated, "Wrong code.");
  std::string box;
  seal(key_, raw, instance_id_ + "/user-mfa", box);
  std::lock_guard lock(mutex_);
  return setState(user_name, kMfaActive, base64Encode(box), check.step);
}

Status UserMfa::verify(const std::string& user_name, std::string_view code, std::int64_t expected_epoch) {
  std::lock_guard lock(mutex_);  // read, check and record as one: a code passes once
  auto found = users_.find(user_name);
  if (!found) return found.error();
  const auto restart = makeError(ErrorCode::kPermissionDenied,
                                 "Multi-factor login of this user changed since the password was checked; "
                                 "log in again.");
  if (!*found || (*found)->mfa_status == kMfaDisabled || (*found)->mfa_epoch != expected_epoch) return restart;
  const User& u = **found;
  auto secret = openSecret(u);
  if (!secret) return secret.error();
  const TotpCheck check = checkTotp(*secret, code, clock_.systemNow(), u.mfa_last_step);
  if (check.outcome == TotpCheck::Outcome::kReplayed) {
    return makeError(ErrorCode::kUnauthenticated,
                     "This code was used already; wait for the next one (codes change every 30 seconds).");
  }
  if (check.outcome != TotpCheck::Outcome::kAccepted) return makeError(ErrorCode::kUnauthenticated, "Wrong code.");
  // The epoch stays: becoming Active does not end the session being made.
  auto st = db_.db().exec("UPDATE USERS SET MFA_STATUS = ?, MFA_LAST_STEP = ? WHERE USER_KEY = ?",
                          {std::string(kMfaActive), check.step, asciiLower(u.name)});
  users_.noteChanged();
  return st;
}

Result<std::string> UserMfa::trustDevice(const std::string& user_name, std::int64_t epoch) {
  const std::string token = toHex(randomBytes(32));
  const std::int64_t expires = nowSeconds() + std::chrono::seconds(kTrustedDeviceLifetime).count();
  auto tx = db_.db().begin();
  if (!tx) return tx.error();
  // Expired tokens of the user go when a new one comes.
  SPE_TRY((*tx)->exec("DELETE FROM TRUSTED_DEVICES WHERE USER_KEY = ? AND EXPIRES_AT < ?",
                      {asciiLower(user_name), nowSeconds()}));
  SPE_TRY((*tx)->exec("INSERT INTO TRUSTED_DEVICES (TOKEN_HASH, USER_KEY, EPOCH, EXPIRES_AT) VALUES (?, ?, ?, ?)",
                      {sha256Hex(token), asciiLower(user_name), epoch, expires}));
  SPE_TRY((*tx)->commit());
  return token;
}

Result<bool> UserMfa::isTrustedDevice(const std::string& user_name, std::int64_t epoch, const std::string& token) {
  if (token.size() != 64) return false;
  auto rows = db_.db().query("SELECT USER_KEY, EPOCH, EXPIRES_AT FROM TRUSTED_DEVICES WHERE TOKEN_HASH = ?",
                             {sha256Hex(token)});
  if (!rows) return rows.error();
  if (rows->empty()) return false;
  const auto& r = rows->front();
  return dbStr(r[0]) == asciiLower(user_name) && dbInt(r[1]) == epoch && dbInt(r[2]) > nowSeconds();
}

std::string UserMfa::appPasswordHash(const std::string& password) const {
  return sha256Hex("spe-app-password\n" + instance_id_ + "\n" + normalizedAppPassword(password));
}

Result<std::pair<AppPassword, std::string>> UserMfa::createAppPassword(const std::string& user_name,
                                                                       const std::string& name) {
  const bool control = std::any_of(name.begin(), name.end(),
                                   [](char c) { return static_cast<unsigned char>(c) < 0x20; });
  if (name.empty() || utf8Length(name) > kMaxAppPasswordName || !isValidUtf8(name) || control || name.front() == ' ' ||
      name.back() == ' ') {
    return makeError(ErrorCode::kInvalidArgument,
                     "'name' must be 1 to 64 characters, without control characters or spaces around it.");
  }
  std::lock_guard lock(mutex_);
  auto existing = appPasswords(user_name);
  if (!existing) return existing.error();
  if (existing->size() >= kMaxAppPasswords) {
    return makeError(ErrorCode::kResourceExhausted,
                     "A user has at most 20 app passwords; delete one you no longer use first.");
  }
  const std::string password = newAppPassword();
  AppPassword a;
  a.name = name;
  a.created = nowSeconds();
  const std::string hash = appPasswordHash(password);
  SPE_TRY(db_.db().exec("INSERT INTO APP_PASSWORDS (USER_KEY, NAME, PASSWORD_HASH, CREATED_AT) VALUES (?, ?, ?, ?)",
                        {asciiLower(user_name), name, hash, a.created}));
  auto rows = db_.db().query("SELECT ID FROM APP_PASSWORDS WHERE USER_KEY = ? AND PASSWORD_HASH = ?",
                             {asciiLower(user_name), hash});
  if (!rows) return rows.error();
  if (rows->empty()) return makeError(ErrorCode::kDatabase, "The new app password was not stored.");
  a.id = dbInt(rows->front()[0]);
  return std::make_pair(a, grouped(password));
}

Result<std::vector<AppPassword>> UserMfa::appPasswords(const std::string& user_name) {
  auto rows = db_.db().query(
      "SELECT ID, NAME, CREATED_AT, LAST_USED_AT FROM APP_PASSWORDS WHERE USER_KEY = ? ORDER BY ID",
      {asciiLower(user_name)});
  if (!rows) return rows.error();
  std::vector<AppPassword> out;
  for (const auto& r : *rows) out.push_back(appPasswordOf(r));
  return out;
}

Result<bool> UserMfa::deleteAppPassword(const std::string& user_name, std::int64_t id) {
  auto rows = db_.db().query("SELECT ID FROM APP_PASSWORDS WHERE USER_KEY = ? AND ID = ?", {asciiLower(user_name), id});
  if (!rows) return rows.error();
  if (rows->empty()) return false;
  SPE_TRY(db_.db().exec("DELETE FROM APP_PASSWORDS WHERE USER_KEY = ? AND ID = ?", {asciiLower(user_name), id}));
  users_.noteChanged();  // an IMAP session that logged in with it ends (end_user_login.h)
  return true;
}

Result<std::int64_t> UserMfa::deleteAppPasswords(const std::string& user_name) {
  auto before = appPasswords(user_name);
  if (!before) return before.error();
  SPE_TRY(db_.db().exec("DELETE FROM APP_PASSWORDS WHERE USER_KEY = ?", {asciiLower(user_name)}));
  users_.noteChanged();
  return static_cast<std::int64_t>(before->size());
}

Result<std::optional<std::int64_t>> UserMfa::matchAppPassword(const std::string& user_name,
                                                              const std::string& password) {
  if (password.size() > 64) return std::optional<std::int64_t>();
  auto rows = db_.db().query("SELECT ID FROM APP_PASSWORDS WHERE USER_KEY = ? AND PASSWORD_HASH = ?",
                             {asciiLower(user_name), appPasswordHash(password)});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<std::int64_t>();
  const std::int64_t id = dbInt(rows->front()[0]);
  SPE_TRY(db_.db().exec("UPDATE APP_PASSWORDS SET LAST_USED_AT = ? WHERE ID = ?", {nowSeconds(), id}));
  return std::optional<std::int64_t>(id);
}

}  // namespace spe::instance
