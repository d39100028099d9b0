// System-wide SMTP settings. Stored as given; the password is never returned.
#include "management/api/function_registry.h"
#include "management/management_context.h"

namespace spe::management {
namespace {

// The settings as SetSystemSmtpConfiguration takes them, with its defaults.
struct SmtpConfig {
  std::string host, protocol = "SMTP-TLS", user, password, from_name, from_email;
  std::int64_t port = 587;
  bool ignore_ssl = false, auth = false;
  std::vector<std::string> recipients;
};

// Reads `config` and checks each value on its own (the recipients are not
// looked up here).
Result<SmtpConfig> readSmtpConfig(const Json& in) {
  SmtpConfig s;
  JsonReader r(in, "config");
  r.str("hostname", s.host, true);
  r.integer("port", s.port, false, 1, 65535);
  r.str("protocol", s.protocol);
  r.boolean("ignoreSslPolicyErrors", s.ignore_ssl);
  r.boolean("authenticationRequired", s.auth);
  r.str("username", s.user);
  r.str("password", s.password);
  r.str("fromDisplayName", s.from_name);
  r.str("fromEmailAddress", s.from_email);
  r.strList("recipientSystemAdministrator", s.recipients);
  if (s.protocol != "SMTP" && s.protocol != "SMTP-TLS" && s.protocol != "SMTPS") {
    r.fail("protocol", "must be SMTP, SMTP-TLS or SMTPS");
  }
  if (!s.from_email.empty() && s.from_email.find('@') == std::string::npos) {
    r.fail("fromEmailAddress", "is not an email address");
  }
  SPE_TRY(r.finish());
  // Kept as one JSON value of at most 8000 characters.
  for (const auto& [value, field] : {std::pair{&s.host, "hostname"},
                                     {&s.user, "username"},
                                     {&s.password, "password"},
                                     {&s.from_name, "fromDisplayName"},
                                     {&s.from_email, "fromEmailAddress"}}) {
    SPE_TRY(checkLength(*value, 512, std::string("config.") + field));
  }
  if (s.recipients.size() > 20) {
    return makeError(ErrorCode::kInvalidArgument,
                     "'config.recipientSystemAdministrator' may name at most 20 administrators.");
  }
  return s;
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

// SetSystemSmtpConfiguration: the whole configuration, checked, replaces the stored one.
Result<Json> setSystemSmtpConfiguration(ManagementContext& ctx, CallContext& c) {
  const Json& in = c.args.json("config");
  auto s = readSmtpConfig(in);
  if (!s) return s.error();
  SPE_TRY(checkRecipients(ctx.db, s->recipients));
  auto old = ctx.db.setting("systemSmtp");
  if (!old) return old.error();
  // An omitted password keeps the stored one (GetSystemSmtpConfiguration never returns it).
  if (!in.contains("password") && old->has_value()) s->password = (*old)->value("password", "");
  const Json stored = {{"hostname", s->host},
                       {"port", s->port},
                       {"protocol", s->protocol},
                       {"ignoreSslPolicyErrors", s->ignore_ssl},
                       {"authenticationRequired", s->auth},
                       {"username", s->user},
                       {"password", s->password},
                       {"fromDisplayName", s->from_name},
                       {"fromEmailAddress", s->from_email},
                       {"recipientSystemAdministrator", s->recipients}};
  if (dumpJson(stored).size() > 8000) {  // only with many escaped characters
    return makeError(ErrorCode::kInvalidArgument, "'config' is too large to be kept (8000 characters).");
  }
  SPE_TRY(ctx.db.setSetting("systemSmtp", stored));
  return Json();
}

}  // namespace

void registerSmtpFunctions(FunctionRegistry& registry, ManagementContext& ctx) {
  registry.add({"GetSystemSmtpConfiguration", {}, [&ctx](CallContext&) -> Result<Json> {
                  auto s = ctx.db.setting("systemSmtp");
                  if (!s) return s.error();
                  Json out = s->value_or(Json{{"hostname", ""},
                                              {"port", 587},
                                              {"protocol", "SMTP-TLS"},
                                              {"ignoreSslPolicyErrors", false},
                                              {"authenticationRequired", false},
                                              {"username", ""},
                                              {"fromDisplayName", ""},
                                              {"fromEmailAddress", ""},
                                              {"recipientSystemAdministrator", Json::array()}});
                  out["password"] = nullptr;
                  return out;
                }});

  registry.add({"SetSystemSmtpConfiguration", {{"config", ArgType::kJson}}, [&ctx](CallContext& c) -> Result<Json> {
                  return setSystemSmtpConfiguration(ctx, c);
                }});
}

}  // namespace spe::management
