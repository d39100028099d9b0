#include "instancehost/instance/mail/instance_mail.h"

#include "instancehost/instance/api/context.h"
#include "instancehost/instance/model/master_db.h"

namespace spe::instance {
namespace {

std::string sealAssociated(const std::string& instance_id) { return instance_id + "/smtp-password"; }

}  // namespace

const net::SmtpAccountShape& instanceSmtpShape() {
  static const net::SmtpAccountShape shape{"settings", "recipientEmailAddresses", true, false};
  return shape;
}

Result<net::SmtpAccount> loadInstanceSmtp(InstanceMasterDb& db, const Key256& key, const std::string& instance_id) {
  auto stored = db.setting(kSmtpSettingName, Json());
  if (!stored) return stored.error();
  if (stored->is_null()) return net::SmtpAccount{};
  return net::smtpAccountFromStored(*stored, instanceSmtpShape(), key, sealAssociated(instance_id));
}

Status saveInstanceSmtp(InstanceMasterDb& db, const Key256& key, const std::string& instance_id,
                        const net::SmtpAccount& account) {
  const Json stored = net::smtpAccountStoredJson(account, instanceSmtpShape(), key, sealAssociated(instance_id));
  // SETTINGS.SETTING_VALUE holds 8,000 bytes; the reader's limits keep the
  // JSON below that unless almost every character is escaped.
  if (dumpJson(stored).size() > 8000) {
    return makeError(ErrorCode::kInvalidArgument, "'settings' is too large to store (8,000 bytes as JSON).");
  }
  return db.setSetting(kSmtpSettingName, stored);
}

Result<net::SmtpReceipt> sendInstanceMail(InstanceMasterDb& db, const Key256& key, const std::string& instance_id,
                                          net::MailMessage message, const std::function<bool()>& cancelled,
                                          net::SmtpClient* client) {
  auto account = loadInstanceSmtp(db, key, instance_id);
  if (!account) return account.error();
  if (account->server.host.empty()) {
    return makeError(ErrorCode::kNotFound, "The instance has no SMTP settings (SetSmtpSettings).", "settings");
  }
  auto from = net::smtpSender(*account, instanceSmtpShape().context);
  if (!from) return from.error();
  message.from = *from;
  if (message.to.empty()) {
    for (const auto& r : account->recipients) message.to.push_back({"", r});
  }
  if (message.to.empty()) {
    return makeError(ErrorCode::kNotFound,
                     "The instance's SMTP settings name no recipient ('settings.recipientEmailAddresses').",
                     "settings");
  }
  net::CurlSmtpClient curl;
  return (client ? *client : curl).send(account->server, message, cancelled);
}

Result<net::SmtpReceipt> sendInstanceMail(InstanceContext& ctx, const net::MailMessage& message,
                                          const std::function<bool()>& cancelled, net::SmtpClient* client) {
  return sendInstanceMail(ctx.db, ctx.secrets_key, ctx.instance_id, message, cancelled, client);
}

}  // namespace spe::instance
