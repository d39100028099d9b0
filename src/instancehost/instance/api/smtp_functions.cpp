// The instance's SMTP settings: GetSmtpSettings, SetSmtpSettings,
// TestSmtpSettings (docs/configuration.md "SMTP"). The settings live in
// mail/instance_mail.h; the password is never answered (null).
#include "common/base/text.h"
#include "instancehost/instance/api/instance_api.h"
#include "instancehost/instance/mail/instance_mail.h"

namespace spe::instance {
namespace {

// The audit event of SetSmtpSettings. The product's event catalogue is not
// published; its settings events are named <Area>ChangeSettings
// (ComplianceChangeSettings), so this one follows that pattern.
constexpr const char* kAuditEvent = "SmtpChangeSettings";

std::string describe(const net::SmtpAccount& a) {
  if (a.server.host.empty()) return "no SMTP server";
  return "server=" + a.server.host + ":" + std::to_string(a.server.port) +
         " protocol=" + net::smtpProtocolName(a.server.protocol) +
         (a.server.ignore_ssl_policy_errors ? " ignoreSslPolicyErrors" : "") +
         (a.server.authentication_required ? " user=" + a.server.user_name : "") + " from=" + a.from_email_address +
         " recipients=" + std::to_string(a.recipients.size());
}

net::MailMessage testMessage(const InstanceContext& ctx, const net::SmtpAccount& a) {
  net::MailMessage m;
  m.subject = "Test message from archive instance " + ctx.instance_id;
  m.text = "This is a test message sent with the SMTP settings of the archive instance '" + ctx.instance_id +
           "'.\n\nServer: " + a.server.host + ":" + std::to_string(a.server.port) + " (" +
           net::smtpProtocolName(a.server.protocol) +
           (a.server.ignore_ssl_policy_errors ? ", certificate not checked" : "") +
           ")\nSent: " + utcText(static_cast<std::int64_t>(std::time(nullptr))) +
           "\n\nIf you received it, status reports and notifications of this instance reach you too.\n";
  return m;
}

}  // namespace

void registerSmtpFunctions(InstanceApi& api) {
  InstanceContext& ctx = api.context();
  api.add(
      "GetSmtpSettings",
      [&ctx](ApiCall&) -> Result<Json> {
        auto a = loadInstanceSmtp(ctx.db, ctx.secrets_key, ctx.instance_id);
        if (!a) return a.error();
        return net::smtpAccountPublicJson(*a, instanceSmtpShape());
      },
      false);

  api.add(
      "SetSmtpSettings",
      [&api, &ctx](ApiCall& c) -> Result<Json> {
        auto it = c.args.find("settings");
        if (it == c.args.end() || !it->is_object()) {
          return makeError(ErrorCode::kInvalidArgument, "'settings' must be a JSON object.");
        }
        auto stored = loadInstanceSmtp(ctx.db, ctx.secrets_key, ctx.instance_id);
        // A stored password that no longer opens must not block setting a new one.
        const std::string previous = stored ? stored->server.password : std::string();
        auto a = net::parseSmtpAccount(*it, instanceSmtpShape(), previous);
        if (!a) return a.error();
        SPE_TRY(saveInstanceSmtp(ctx.db, ctx.secrets_key, ctx.instance_id, *a));
        std::string details = describe(*a);
        if (it->contains("password") && !(*it)["password"].is_null()) {
          details += a->server.password.empty() ? " (password cleared)" : " (password set)";
        }
        SPE_TRY(api.audit(c, kAuditEvent, details));
        return Json();
      },
      true);

  api.add(
      "TestSmtpSettings",
      [&ctx](ApiCall& c) -> Result<Json> {
        auto a = loadInstanceSmtp(ctx.db, ctx.secrets_key, ctx.instance_id);
        if (!a) return a.error();
        if (a->recipients.empty() && !a->server.host.empty()) {
          return makeError(ErrorCode::kInvalidArgument,
                           "No recipient to send the test message to ('settings.recipientEmailAddresses').",
                           "settings");
        }
        c.log("Sending a test message to " + std::to_string(a->recipients.size()) + " recipient(s) through " +
              a->server.host + ":" + std::to_string(a->server.port) + ".");
        auto sent = sendInstanceMail(ctx, testMessage(ctx, *a), c.control.cancelled);
        if (!sent) return sent.error();
        return Json{
            {"recipients", a->recipients}, {"messageId", sent->message_id}, {"serverReply", sent->server_reply}};
      },
      false);
}

}  // namespace spe::instance
