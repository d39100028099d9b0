// SmtpAccount: SMTP settings as the Management API carries them — an
// instance's (Get/SetSmtpSettings, `settings`, recipients in
// "recipientEmailAddresses") and the Management Server's
// (Get/SetSystemSmtpConfiguration, `config`, recipients in
// "recipientSystemAdministrator") — their one strict reader, the public
// form (password always null) and the stored form (password sealed).
//
// Fields: hostname, port (default 587), protocol ("SMTP", "SMTP-TLS"
// (default), "SMTP-SSL"; "SMTPS", the name older settings may hold, is read
// as "SMTP-SSL" and answered as "SMTP-SSL"), ignoreSslPolicyErrors, authenticationRequired, username,
// password, fromDisplayName, fromEmailAddress, the recipients, and
// timeoutSeconds (an extension: 1-300, default 30; each wait for the
// server; the whole send is bounded by four times that).
// Password on Set: a string sets it, null or absent keeps the stored one,
// "" clears it.
//
// At rest the password is sealed (common/base/crypto.h) with the owner's
// key and bound to `associated` (e.g. "<instanceID>/smtp-password"), so a
// box copied to another instance or setting does not open.
// Thread safety: plain values and free functions.
#pragma once

#include <string>
#include <vector>

#include "common/base/crypto.h"
#include "common/base/json_reader.h"
#include "common/base/result.h"
#include "common/net/smtp_client.h"

namespace spe::net {

struct SmtpAccount {
  SmtpSettings server;
  std::string from_display_name;
  std::string from_email_address;
  std::vector<std::string> recipients;  // e-mail addresses, or administrators' names
  int timeout_seconds = 30;
};

// How the two APIs differ.
struct SmtpAccountShape {
  std::string context;         // "settings" or "config": names fields in errors
  const char* recipients_key;  // "recipientEmailAddresses" or "recipientSystemAdministrator"
  bool recipients_are_addresses;
  bool hostname_required;
};

inline constexpr std::size_t kMaxSmtpRecipients = 20;
inline constexpr std::size_t kMaxSmtpPasswordBytes = 1024;

// Reads a Set...'s object strictly: unknown keys, wrong types and bad
// values are kInvalidArgument errors naming the field
// ("'settings.port' must be ..."). `stored_password` is kept when the
// object's password is absent or null.
Result<SmtpAccount> parseSmtpAccount(const Json& object, const SmtpAccountShape& shape,
                                     const std::string& stored_password);

// Every field, "password": null.
Json smtpAccountPublicJson(const SmtpAccount& account, const SmtpAccountShape& shape);

// The stored form: the public fields with "passwordSealed" (base64 of the
// sealed box, or null without a password) instead of "password".
Json smtpAccountStoredJson(const SmtpAccount& account, const SmtpAccountShape& shape, const Key256& key,
                           const std::string& associated);
// Back from the stored form. A stored "password" in clear (written before
// passwords were sealed) is read as it is; kCorrupt when the sealed
// password does not open with `key` and `associated`, or the object is not
// valid.
Result<SmtpAccount> smtpAccountFromStored(const Json& stored, const SmtpAccountShape& shape, const Key256& key,
                                          const std::string& associated);

// What send() needs beyond the settings: the sender, and an error naming
// what is missing when the account cannot send at all (no host, no sender).
Result<MailAddress> smtpSender(const SmtpAccount& account, const std::string& context);

}  // namespace spe::net
