// System-wide SMTP settings: Get/SetSystemSmtpConfiguration and
// TestSystemSmtpConfiguration (docs/configuration.md "SMTP"). Kept in the
// SETTINGS row "systemSmtp" with the password sealed by the Management
// Server's key (bound to kSystemSmtpPasswordBinding); the password is never
// returned. Mail goes through the platform's one SMTP client
// (common/net/smtp_client.h), to the e-mail addresses of the administrators
// the configuration names.
#include <ctime>

#include "common/base/text.h"
#include "common/net/smtp_settings_json.h"
#include "management/api/function_registry.h"
#include "management/management_context.h"

namespace spe::management {
namespace {

const net::SmtpAccountShape kShape{"config", "recipientSystemAdministrator", false, true};

Result<net::SmtpAccount> loadSystemSmtp(ManagementContext& ctx) {
  auto s = ctx.db.setting(kSystemSmtpSetting);
  if (!s) return s.error();
  if (!s->has_value()) {
    net::SmtpAccount none;
    return none;
  }
  return net::smtpAccountFromStored(**s, kShape, ctx.key, kSystemSmtpPasswordBinding);
}

// Every recipient must be a system administrator.
Status checkRecipients(ManagementDb& db, const std::vector<std::string>& recipients) {
  for (const auto& name : recipients) {
    auto a = db.admin(name);
    if (!a) return a.error();
    if (!a->has_value()) {
      return makeError(ErrorCode::kInvalidArgument, "'config.recipientSystemAdministrator' names '" + name +
                                                        "', who is not a system administrator.");
    }
  }
  return okStatus();
}

// SetSystemSmtpConfiguration: the whole configuration, checked, replaces the
// stored one; the password is kept when `config` has none (or null), cleared by "".
Result<Json> setSystemSmtpConfiguration(ManagementContext& ctx, CallContext& c) {
  const Json& in = c.args.json("config");
  auto old = loadSystemSmtp(ctx);
  // A stored password that no longer opens must not block setting a new one.
  const std::string previous = old ? old->server.password : std::string();
  auto s = net::parseSmtpAccount(in, kShape, previous);
  if (!s) return s.error();
  SPE_TRY(checkRecipients(ctx.db, s->recipients));
  const Json stored = net::smtpAccountStoredJson(*s, kShape, ctx.key, kSystemSmtpPasswordBinding);
  if (dumpJson(stored).size() > 8000) {  // only with many escaped characters
    return makeError(ErrorCode::kInvalidArgument, "'config' is too large to be kept (8000 characters).");
  }
  SPE_TRY(ctx.db.setSetting(kSystemSmtpSetting, stored));
  return Json();
}

// TestSystemSmtpConfiguration: a test mail to the named administrators'
// e-mail addresses; the error names the step that failed.
Result<Json> testSystemSmtpConfiguration(ManagementContext& ctx, CallContext& c) {
  auto s = loadSystemSmtp(ctx);
  if (!s) return s.error();
  auto from = net::smtpSender(*s, kShape.context);
  if (!from) return from.error();
  net::MailMessage m;
  m.from = *from;
  Json sent_to = Json::array();
  std::vector<std::string> without_address;
  for (const auto& name : s->recipients) {
    auto a = ctx.db.admin(name);
    if (!a) return a.error();
    if (!a->has_value()) continue;  // deleted since
    if ((*a)->email_address.empty()) {
      without_address.push_back((*a)->user_name);
      continue;
    }
    m.to.push_back({(*a)->full_name, (*a)->email_address});
    sent_to.push_back(Json{{"userName", (*a)->user_name}, {"emailAddress", (*a)->email_address}});
  }
  if (m.to.empty()) {
    std::string why = s->recipients.empty() ? "names no administrator"
                                            : "names no administrator with an e-mail address";
    return makeError(ErrorCode::kInvalidArgument,
                     "The system SMTP configuration " + why +
                         " to send the test message to ('config.recipientSystemAdministrator'; an administrator's "
                         "address is set with SetSystemAdministratorConfiguration).",
                     "settings");
  }
  m.subject = "Test message from the Management Server " + ctx.config.server_name;
  m.text = "This is a test message sent with the system SMTP settings of the Management Server '" +
           ctx.config.server_name + "'.\n\nServer: " + s->server.host + ":" + std::to_string(s->server.port) + " (" +
           net::smtpProtocolName(s->server.protocol) +
           (s->server.ignore_ssl_policy_errors ? ", certificate not checked" : "") +
           ")\nSent: " + utcText(static_cast<std::int64_t>(std::time(nullptr))) + "\n";
  net::CurlSmtpClient client;
  auto r = client.send(s->server, m, [&c] { return c.progress.cancelled(); });
  if (!r) return r.error();
  return Json{{"recipients", sent_to},
              {"skipped", without_address},
              {"messageId", r->message_id},
              {"serverReply", r->server_reply}};
}

}  // namespace

void registerSmtpFunctions(FunctionRegistry& registry, ManagementContext& ctx) {
  registry.add({"GetSystemSmtpConfiguration", {}, [&ctx](CallContext&) -> Result<Json> {
                  auto s = loadSystemSmtp(ctx);
                  if (!s) return s.error();
                  return net::smtpAccountPublicJson(*s, kShape);
                }});

  registry.add({"SetSystemSmtpConfiguration", {{"config", ArgType::kJson}}, [&ctx](CallContext& c) -> Result<Json> {
                  return setSystemSmtpConfiguration(ctx, c);
                }});

  registry.add({"TestSystemSmtpConfiguration", {}, [&ctx](CallContext& c) -> Result<Json> {
                  return testSystemSmtpConfiguration(ctx, c);
                }});
}

}  // namespace spe::management
