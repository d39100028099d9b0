#include "common/net/smtp_settings_json.h"

#include <algorithm>

#include "common/base/text.h"

namespace spe::net {
namespace {

bool hasControl(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

Error invalid(const SmtpAccountShape& shape, const std::string& field, const std::string& what) {
  return makeError(ErrorCode::kInvalidArgument, "'" + shape.context + "." + field + "' " + what + ".");
}

}  // namespace

Result<SmtpAccount> parseSmtpAccount(const Json& object, const SmtpAccountShape& shape,
                                     const std::string& stored_password) {
  if (!object.is_object()) {
    return makeError(ErrorCode::kInvalidArgument, "'" + shape.context + "' must be a JSON object.");
  }
  SmtpAccount a;
  JsonReader r(object, shape.context);
  r.str("hostname", a.server.host, shape.hostname_required, 253);
  std::int64_t port = a.server.port;
  r.integer("port", port, false, 1, 65535);
  a.server.port = static_cast<int>(port);
  std::string protocol = smtpProtocolName(a.server.protocol);
  r.str("protocol", protocol, false, 16);
  r.boolean("ignoreSslPolicyErrors", a.server.ignore_ssl_policy_errors);
  r.boolean("authenticationRequired", a.server.authentication_required);
  r.str("username", a.server.user_name, false, 512);
  std::optional<std::string> password;
  r.optStr("password", password);
  r.str("fromDisplayName", a.from_display_name, false, 256);
  r.str("fromEmailAddress", a.from_email_address, false, 254);
  r.strList(shape.recipients_key, a.recipients);
  std::int64_t timeout = a.timeout_seconds;
  r.integer("timeoutSeconds", timeout, false, 1, 300);
  a.timeout_seconds = static_cast<int>(timeout);
  const auto parsed = parseSmtpProtocol(protocol);
  if (!parsed) r.fail("protocol", "must be SMTP, SMTP-TLS or SMTP-SSL (SMTPS), not '" + printable(protocol, 16) + "'");
  SPE_TRY(r.finish());
  a.server.protocol = *parsed;
  a.server.timeout = std::chrono::seconds(a.timeout_seconds);
  a.server.total_timeout = std::chrono::seconds(4 * a.timeout_seconds);

  if (!a.server.host.empty() && !isSmtpHost(a.server.host)) {
    return invalid(
        shape, "hostname",
        "must be a host name or an IP address (no scheme, port or path), not '" + printable(a.server.host, 100) + "'");
  }
  a.server.password = password ? *password : stored_password;
  if (a.server.password.size() > kMaxSmtpPasswordBytes) {
    return invalid(shape, "password", "must be at most " + std::to_string(kMaxSmtpPasswordBytes) + " bytes long");
  }
  if (a.server.password.find('\0') != std::string::npos) {
    return invalid(shape, "password", "must not contain a NUL byte");
  }
  if (hasControl(a.server.user_name)) return invalid(shape, "username", "must not contain control characters");
  if (a.server.authentication_required && a.server.user_name.empty() && !a.server.host.empty()) {
    return invalid(shape, "username", "is required when authenticationRequired is true");
  }
  if (hasControl(a.from_display_name)) {
    return invalid(shape, "fromDisplayName", "must not contain control characters");
  }
  if (!a.from_email_address.empty() && !isMailAddress(a.from_email_address)) {
    return invalid(shape, "fromEmailAddress",
                   "is not an e-mail address ('" + printable(a.from_email_address, 100) + "')");
  }
  if (a.recipients.size() > kMaxSmtpRecipients) {
    return invalid(shape, shape.recipients_key,
                   "may name at most " + std::to_string(kMaxSmtpRecipients) + " recipients");
  }
  for (std::size_t i = 0; i < a.recipients.size(); ++i) {
    const std::string field = std::string(shape.recipients_key) + "[" + std::to_string(i) + "]";
    const std::string& rcpt = a.recipients[i];
    if (shape.recipients_are_addresses ? !isMailAddress(rcpt)
                                       : (rcpt.empty() || rcpt.size() > 256 || hasControl(rcpt))) {
      return invalid(shape, field,
                     std::string(shape.recipients_are_addresses ? "is not an e-mail address" : "is not a user name") +
                         " ('" + printable(rcpt, 100) + "')");
    }
  }
  return a;
}

Json smtpAccountPublicJson(const SmtpAccount& a, const SmtpAccountShape& shape) {
  return Json{{"hostname", a.server.host},
              {"port", a.server.port},
              {"protocol", smtpProtocolName(a.server.protocol)},
              {"ignoreSslPolicyErrors", a.server.ignore_ssl_policy_errors},
              {"authenticationRequired", a.server.authentication_required},
              {"username", a.server.user_name},
              {"password", nullptr},
              {"fromDisplayName", a.from_display_name},
              {"fromEmailAddress", a.from_email_address},
              {shape.recipients_key, a.recipients},
              {"timeoutSeconds", a.timeout_seconds}};
}

Json smtpAccountStoredJson(const SmtpAccount& a, const SmtpAccountShape& shape, const Key256& key,
                           const std::string& associated) {
  Json j = smtpAccountPublicJson(a, shape);
  j.erase("password");
  if (a.server.password.empty()) {
    j["passwordSealed"] = nullptr;
  } else {
    std::string box;
    seal(key, a.server.password, associated, box);
    j["passwordSealed"] = base64Encode(box);
  }
  return j;
}

Result<SmtpAccount> smtpAccountFromStored(const Json& stored, const SmtpAccountShape& shape, const Key256& key,
                                          const std::string& associated) {
  if (!stored.is_object()) return makeError(ErrorCode::kCorrupt, "The stored SMTP settings are not a JSON object.");
  Json copy = stored;
  std::string password = copy.value("password", Json()).is_string() ? copy["password"].get<std::string>() : "";
  copy.erase("password");
  if (copy.contains("passwordSealed")) {
    const Json sealed = copy["passwordSealed"];
    copy.erase("passwordSealed");
    if (sealed.is_string()) {
      auto box = base64Decode(sealed.get<std::string>());
      if (!box) return makeError(ErrorCode::kCorrupt, "The stored SMTP password is damaged (not base64).");
      auto opened = open(key, *box, associated);
      if (!opened) {
        return makeError(ErrorCode::kCorrupt,
                         "The stored SMTP password does not open with this server's key; set the password again.");
      }
      password = *opened;
    }
  }
  SmtpAccountShape lenient = shape;
  lenient.hostname_required = false;
  auto a = parseSmtpAccount(copy, lenient, password);
  if (!a) return makeError(ErrorCode::kCorrupt, "The stored SMTP settings are not valid: " + a.error().message);
  return a;
}

Result<MailAddress> smtpSender(const SmtpAccount& a, const std::string& context) {
  if (a.server.host.empty()) {
    return makeError(ErrorCode::kInvalidArgument, "No SMTP server is set ('" + context + ".hostname').", "settings");
  }
  if (a.from_email_address.empty()) {
    return makeError(ErrorCode::kInvalidArgument, "No sender is set ('" + context + ".fromEmailAddress').", "settings");
  }
  return MailAddress{a.from_display_name, a.from_email_address};
}

}  // namespace spe::net
