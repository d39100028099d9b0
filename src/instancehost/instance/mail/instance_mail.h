// The instance's own mail: its SMTP settings (Get/SetSmtpSettings), kept in
// the SETTINGS row "SmtpSettings" of MailStoreMaster.fdb with the password
// sealed by the instance's secrets key and bound to
// "<instanceID>/smtp-password" (a box copied to another instance does not
// open), and sendInstanceMail(), the one way the instance's parts (the SMTP
// test, status reports, notifications) send a mail with those settings
// through the platform's SMTP client (common/net/smtp_client.h).
// Thread safety: free functions; the database and the client are
// thread-safe.
#pragma once

#include <functional>
#include <string>

#include "common/base/crypto.h"
#include "common/net/smtp_client.h"
#include "common/net/smtp_settings_json.h"

namespace spe::instance {

class InstanceMasterDb;
struct InstanceContext;

inline constexpr const char* kSmtpSettingName = "SmtpSettings";
// The shape of the instance's settings in the API: `settings`,
// "recipientEmailAddresses" (e-mail addresses), hostname optional.
const net::SmtpAccountShape& instanceSmtpShape();

// The stored settings with the password opened; the defaults (no host)
// when nothing is stored. kCorrupt when the password does not open.
Result<net::SmtpAccount> loadInstanceSmtp(InstanceMasterDb& db, const Key256& key, const std::string& instance_id);
Status saveInstanceSmtp(InstanceMasterDb& db, const Key256& key, const std::string& instance_id,
                        const net::SmtpAccount& account);

// Sends `message` with the instance's SMTP settings: From is the settings'
// sender (message.from is ignored); To is message.to, or the settings'
// recipients when message.to is empty. kNotFound (details "settings") when
// the instance has no SMTP server set or no recipient — nothing is sent;
// kInvalidArgument when no sender is set; otherwise SmtpClient::send's
// errors, which name the step. `client` defaults to libcurl's.
Result<net::SmtpReceipt> sendInstanceMail(InstanceMasterDb& db, const Key256& key, const std::string& instance_id,
                                          net::MailMessage message, const std::function<bool()>& cancelled = {},
                                          net::SmtpClient* client = nullptr);
Result<net::SmtpReceipt> sendInstanceMail(InstanceContext& ctx, const net::MailMessage& message,
                                          const std::function<bool()>& cancelled = {},
                                          net::SmtpClient* client = nullptr);

}  // namespace spe::instance
