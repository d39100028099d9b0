// WebAccount: what Web Access does about a user's own account: the second
// step of a login with multi-factor login on (a code, or the set-up of a
// Pending user), trusted devices, and the Settings page (password,
// multi-factor set-up, app passwords). The shapes are in
// docs/end-user-access.md; the model is user_mfa.h.
//
// A password that passed for a user with MFA gives a ticket, not a session:
// a random token valid 5 minutes and for 5 wrong codes, kept in memory.
// Wrong codes also count in a login guard per user name and client address
// (growing delays, as for passwords). A code passes once (UserMfa::verify).
// A set-up begun in Settings keeps its new secret in memory for 10 minutes,
// per session, until a code confirms it.
// Thread safety: every member may be called from any thread.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "common/base/clock.h"
#include "common/net/login_guard.h"
#include "instancehost/instance/access/end_user_login.h"
#include "instancehost/instance/access/web/web_sessions.h"
#include "instancehost/instance/api/context.h"

namespace spe::instance {

class WebAccount {
 public:
  static constexpr std::chrono::minutes kTicketValidity{5};
  static constexpr int kTicketWrongCodes = 5;
  static constexpr std::chrono::minutes kSetupValidity{10};
  static constexpr std::size_t kMaxTickets = 10000;

  WebAccount(InstanceContext& ctx, WebSessions& sessions, Clock& clock);

  // After the password: the answer of the second step ({mfa, ticket, ...}),
  // or nullopt when none is needed (MFA Disabled, or `device` is a trusted
  // device of the user).
  Result<std::optional<Json>> secondStep(const EndUserLogin& login, const std::string& device);

  // loginMfa {ticket, code, trustDevice}: the session answer, or a refusal.
  Json unlock(const Json& body, const std::string& client);

  // The Settings page's operations for the session `token` of `user`.
  Result<Json> handle(const std::string& op, const std::string& token, const std::string& user, const Json& body,
                      const std::string& client);
  static bool isSettingsOperation(const std::string& op);

  // A new session for `login` (SessionLogin audited), as the login answer.
  Json startSession(const EndUserLogin& login, const std::string& client, const std::string& how);

 private:
  struct Ticket {
    EndUserLogin login;
    Clock::TimePoint expires;
    int wrong = 0;
  };
  struct PendingSetup {
    std::string raw;
    Clock::TimePoint expires;
  };
  std::optional<Ticket> ticket(const std::string& token);
  void forgetTicket(const std::string& token);

  Result<Json> settings(const std::string& user);
  Result<Json> changePassword(const std::string& token, const std::string& user, const Json& body,
                              const std::string& client);
  Result<Json> mfaBegin(const std::string& token, const std::string& user);
  Result<Json> mfaConfirm(const std::string& token, const std::string& user, const Json& body,
                          const std::string& client);
  Result<Json> appPasswordCreate(const std::string& user, const Json& body);
  Result<Json> appPasswordDelete(const std::string& user, const Json& body);
  // The session goes on after its user changed its own password or MFA.
  Status refreshSession(const std::string& token, const std::string& user);

  InstanceContext& ctx_;
  WebSessions& sessions_;
  Clock& clock_;
  LoginGuard codes_;
  std::mutex mutex_;
  std::map<std::string, Ticket> tickets_;       // by SHA-256 of the token
  std::map<std::string, PendingSetup> setups_;  // by SHA-256 of the session token
};

}  // namespace spe::instance
