#include "instancehost/instance/access/web/web_account.h"

#include <algorithm>

#include "common/base/crypto.h"
#include "common/base/logging.h"
#include "common/base/password.h"
#include "common/base/text.h"
#include "common/base/utf8.h"
#include "common/net/form.h"
#include "instancehost/instance/access/web/web_failure.h"
#include "instancehost/instance/model/user_mfa.h"

namespace spe::instance {
namespace {

Json answer(Json body) { return webAnswer(200, std::move(body)); }

constexpr std::size_t kMaxTokenField = 128;
constexpr std::size_t kMaxCodeField = 32;
constexpr std::size_t kMaxPasswordField = 1024;
constexpr std::size_t kMinNewPassword = 8;
constexpr std::size_t kMaxNewPassword = 256;

Json tooMany(std::chrono::seconds wait) {
  return webFailure(429, "tooManyLogins", "Too many wrong codes; try again in " + std::to_string(wait.count()) + " s.",
                    Json{{"seconds", wait.count()}});
}

Json setupJson(const UserMfa::Setup& s) {
  return Json{{"secret", s.secret}, {"otpauthUri", s.uri}, {"qrCode", s.qr_code}};
}

Json appPasswordJson(const AppPassword& a) {
  return Json{{"id", a.id},
              {"name", a.name},
              {"created", utcText(a.created)},
              {"lastUsed", a.last_used ? Json(utcText(*a.last_used)) : Json()}};
}

}  // namespace

WebAccount::WebAccount(InstanceContext& ctx, WebSessions& sessions, Clock& clock)
    : ctx_(ctx), sessions_(sessions), clock_(clock), codes_(LoginGuard::Limits{}, clock) {}

bool WebAccount::isSettingsOperation(const std::string& op) {
  return op == "settings" || op == "changePassword" || op == "mfaBegin" || op == "mfaConfirm" ||
         op == "appPasswordCreate" || op == "appPasswordDelete";
}

Json WebAccount::startSession(const EndUserLogin& login, const std::string& client, const std::string& how) {
  const auto created = sessions_.create(login.name, login);
  auditLogin(ctx_, login.name, "SessionLogin", "Web Access from " + client + how, client);
  logger("web")->info("Web Access login of '{}' from {}{}", login.name, client, how);
  Json out = answer(Json{{"userName", login.name}, {"csrfToken", created.csrf}});
  out["setSession"] = created.token;
  return out;
}

Result<std::optional<Json>> WebAccount::secondStep(const EndUserLogin& login, const std::string& device) {
  if (login.mfa_status != kMfaPending && login.mfa_status != kMfaActive) return std::optional<Json>();
  Json body;
  if (login.mfa_status == kMfaActive) {
    if (!device.empty()) {
      auto trusted = ctx_.mfa->isTrustedDevice(login.name, login.mfa_epoch, device);
      if (!trusted) return trusted.error();
      if (*trusted) return std::optional<Json>();
    }
    body = Json{{"mfa", "code"}};
  } else {
    auto user = ctx_.users.get(login.name);
    if (!user) return user.error();
    auto setup = ctx_.mfa->pendingSetup(*user);
    if (!setup) return setup.error();
    body = setupJson(*setup);
    body["mfa"] = "setup";
  }
  const std::string token = toHex(randomBytes(32));
  {
    std::lock_guard lock(mutex_);
    const auto now = clock_.now();
    std::erase_if(tickets_, [now](const auto& t) { return t.second.expires <= now; });
    if (tickets_.size() >= kMaxTickets) {
      return makeError(ErrorCode::kUnavailable, "The server is busy; try again in a moment.");
    }
    tickets_[sha256Hex(token)] = Ticket{login, now + kTicketValidity, 0};
  }
  body["ticket"] = token;
  return std::optional<Json>(answer(std::move(body)));
}

std::optional<WebAccount::Ticket> WebAccount::ticket(const std::string& token) {
  std::lock_guard lock(mutex_);
  auto it = tickets_.find(sha256Hex(token));
  if (it == tickets_.end()) return std::nullopt;
  if (it->second.expires <= clock_.now()) {
    tickets_.erase(it);
    return std::nullopt;
  }
  return it->second;
}

void WebAccount::forgetTicket(const std::string& token) {
  std::lock_guard lock(mutex_);
  tickets_.erase(sha256Hex(token));
}

Json WebAccount::unlock(const Json& body, const std::string& client) {
  auto token = stringField(body, "ticket", {}, kMaxTokenField);
  if (!token) return webFieldFailure("ticket", token.error());
  auto code = stringField(body, "code", {}, kMaxCodeField);
  if (!code) return webFieldFailure("code", code.error());
  auto trust = boolField(body, "trustDevice", false);
  if (!trust) return webFieldFailure("trustDevice", trust.error());
  const Json expired = webFailure(401, "mfaTicketExpired", "The login took too long; enter your password again.");
  auto t = ticket(*token);
  if (!t) return expired;
  const std::string who = t->login.name;
  auto admission = codes_.admit(ctx_.instance_id + "/" + who, client);
  if (!admission.permit) return tooMany(admission.retry_after);
  if (auto st = ctx_.mfa->verify(who, *code, t->login.mfa_epoch); !st) {
    if (st.error().code == ErrorCode::kPermissionDenied) {
      forgetTicket(*token);
      return webFailure(401, "mfaTicketExpired", st.error().message);
    }
    if (st.error().code != ErrorCode::kUnauthenticated) return webFailureOf(st.error());
    admission.permit->failed();
    auditLogin(ctx_, who, "SessionLoginFailed", "Web Access from " + client + ": " + st.error().message, client);
    {
      std::lock_guard lock(mutex_);
      auto it = tickets_.find(sha256Hex(*token));
      if (it != tickets_.end() && ++it->second.wrong >= kTicketWrongCodes) {
        tickets_.erase(it);
        return expired;
      }
    }
    return webFailure(401, "wrongMfaCode", st.error().message);
  }
  admission.permit->succeeded();
  forgetTicket(*token);
  auditLogin(ctx_, who, "SessionUnlockWithMfaCode", "Web Access from " + client, client);
  // A Pending user just became Active: the session knows it.
  EndUserLogin login = t->login;
  login.mfa_status = kMfaActive;
  Json out = startSession(login, client, " (with a code)");
  if (*trust) {
    auto device = ctx_.mfa->trustDevice(who, login.mfa_epoch);
    if (!device) {
      logger("web")->error("Web Access: the device of '{}' could not be trusted: {}", who, device.error().message);
    } else {
      out["setDevice"] = *device;
      auditLogin(ctx_, who, "SessionTrustDevice", "Web Access from " + client + " (14 days)", client);
    }
  }
  return out;
}

Result<Json> WebAccount::handle(const std::string& op, const std::string& token, const std::string& user,
                                const Json& body, const std::string& client) {
  if (op == "settings") return settings(user);
  if (op == "changePassword") return changePassword(token, user, body, client);
  if (op == "mfaBegin") return mfaBegin(token, user);
  if (op == "mfaConfirm") return mfaConfirm(token, user, body, client);
  if (op == "appPasswordCreate") return appPasswordCreate(user, body);
  if (op == "appPasswordDelete") return appPasswordDelete(user, body);
  return webFailure(404, "unknownOperation", "Unknown operation.");
}

Result<Json> WebAccount::settings(const std::string& user) {
  auto u = ctx_.users.get(user);
  if (!u) return u.error();
  auto apps = ctx_.mfa->appPasswords(u->name);
  if (!apps) return apps.error();
  Json list = Json::array();
  for (const auto& a : *apps) list.push_back(appPasswordJson(a));
  return answer(Json{{"userName", u->name},
                     {"authentication", u->authentication},
                     {"canChangePassword", u->authentication != "directoryServices"},
                     {"mfaStatus", u->mfa_status},
                     {"appPasswords", list}});
}

Status WebAccount::refreshSession(const std::string& token, const std::string& user) {
  auto u = ctx_.users.get(user);
  if (!u) return u.error();
  const std::int64_t generation = ctx_.users.generation();
  sessions_.updateLogin(token, [&](EndUserLogin& login) {
    login.password_hash = u->password_hash;
    login.mfa_status = u->mfa_status;
    login.mfa_epoch = u->mfa_epoch;
    login.generation = generation;
  });
  return okStatus();
}

Result<Json> WebAccount::changePassword(const std::string& token, const std::string& user, const Json& body,
                                        const std::string& client) {
  auto current = stringField(body, "currentPassword", {}, kMaxPasswordField);
  if (!current) return webFieldFailure("currentPassword", current.error());
  auto fresh = stringField(body, "newPassword", {}, kMaxPasswordField);
  if (!fresh) return webFieldFailure("newPassword", fresh.error());
  auto u = ctx_.users.get(user);
  if (!u) return u.error();
  if (u->authentication == "directoryServices") {
    return webFailure(403, "passwordNotChangeable", "Your password is your directory's password; change it there.");
  }
  const std::size_t length = utf8Length(*fresh);
  if (length < kMinNewPassword || length > kMaxNewPassword || !isValidUtf8(*fresh)) {
    return webFailure(400, "newPasswordInvalid", "The new password must have 8 to 256 characters.",
                      Json{{"min", kMinNewPassword}, {"max", kMaxNewPassword}});
  }
  auto admission = codes_.admit(ctx_.instance_id + "/password/" + u->name, client);
  if (!admission.permit) return tooMany(admission.retry_after);
  const PasswordCheck check = u->password_hash.empty() ? checkDummyPassword(*current)
                                                       : checkPassword(*current, u->password_hash);
  if (check == PasswordCheck::kBusy) return makeError(ErrorCode::kUnavailable, "The server is busy; try again.");
  if (check != PasswordCheck::kMatch) {
    admission.permit->failed();
    return webFailure(401, "wrongPassword", "The current password is wrong.");
  }
  admission.permit->succeeded();
  auto hash = hashPassword(*fresh);
  if (!hash) return hash.error();
  User changed = *u;
  changed.password_hash = *hash;
  SPE_TRY(ctx_.users.update(u->name, changed));
  SPE_TRY(ctx_.mfa->passwordChanged(u->name));  // trusted devices are forgotten
  SPE_TRY(ctx_.db.audit(u->name, "UserSetPassword", "userName=" + u->name + " (by the user in Web Access)"));
  SPE_TRY(refreshSession(token, u->name));  // this session goes on; the user's others end
  return answer(Json::object());
}

Result<Json> WebAccount::mfaBegin(const std::string& token, const std::string& user) {
  std::string raw;
  auto setup = ctx_.mfa->newSetup(user, raw);
  if (!setup) return setup.error();
  {
    std::lock_guard lock(mutex_);
    const auto now = clock_.now();
    std::erase_if(setups_, [now](const auto& s) { return s.second.expires <= now; });
    setups_[sha256Hex(token)] = PendingSetup{raw, now + kSetupValidity};
  }
  return answer(setupJson(*setup));
}

Result<Json> WebAccount::mfaConfirm(const std::string& token, const std::string& user, const Json& body,
                                    const std::string& client) {
  auto code = stringField(body, "code", {}, kMaxCodeField);
  if (!code) return webFieldFailure("code", code.error());
  std::optional<PendingSetup> pending;
  {
    std::lock_guard lock(mutex_);
    auto it = setups_.find(sha256Hex(token));
    if (it != setups_.end() && it->second.expires > clock_.now()) pending = it->second;
  }
  if (!pending) {
    return webFailure(409, "mfaNotBegun", "Start the set-up again: scan the new code first.");
  }
  auto admission = codes_.admit(ctx_.instance_id + "/" + user, client);
  if (!admission.permit) return tooMany(admission.retry_after);
  if (auto st = ctx_.mfa->confirm(user, pending->raw, *code); !st) {
    if (st.error().code != ErrorCode::kUnauthenticated) return st.error();
    admission.permit->failed();
    return webFailure(400, "wrongMfaCode", "The code is wrong; enter the code your app shows now.");
  }
  admission.permit->succeeded();
  {
    std::lock_guard lock(mutex_);
    setups_.erase(sha256Hex(token));
  }
  SPE_TRY(ctx_.db.audit(user, "UserInitializeMFA", "userName=" + user + " (set up by the user in Web Access)"));
  SPE_TRY(refreshSession(token, user));
  return answer(Json{{"mfaStatus", kMfaActive}});
}

Result<Json> WebAccount::appPasswordCreate(const std::string& user, const Json& body) {
  auto name = stringField(body, "name", {}, 1024);
  if (!name) return webFieldFailure("name", name.error());
  auto created = ctx_.mfa->createAppPassword(user, *name);
  if (!created) {
    if (created.error().code == ErrorCode::kInvalidArgument) {
      return webFailure(400, "appPasswordName", created.error().message, Json{{"max", 64}});
    }
    if (created.error().code == ErrorCode::kResourceExhausted) {
      return webFailure(409, "tooManyAppPasswords", created.error().message, Json{{"max", 20}});
    }
    return created.error();
  }
  SPE_TRY(ctx_.db.audit(user, "UserAppPasswordAdd", "userName=" + user + " name=" + printable(*name)));
  Json out = appPasswordJson(created->first);
  out["password"] = created->second;
  return answer(std::move(out));
}

Result<Json> WebAccount::appPasswordDelete(const std::string& user, const Json& body) {
  auto id = intField(body, "id", -1, -1, INT64_MAX);
  if (!id) return webFieldFailure("id", id.error());
  auto apps = ctx_.mfa->appPasswords(user);
  if (!apps) return apps.error();
  auto it = std::find_if(apps->begin(), apps->end(), [&](const AppPassword& a) { return a.id == *id; });
  if (it == apps->end()) return webFailure(404, "noSuchAppPassword", "There is no such app password.");
  auto deleted = ctx_.mfa->deleteAppPassword(user, *id);
  if (!deleted) return deleted.error();
  SPE_TRY(ctx_.db.audit(user, "UserAppPasswordDelete", "userName=" + user + " name=" + printable(it->name)));
  return answer(Json::object());
}

}  // namespace spe::instance
