// System-wide SMTP settings. Stored as given; the password is never returned.
#include "management/api/function_registry.h"
#include "management/management_context.h"

namespace spe::management {

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
                  const Json& in = c.args.json("config");
                  Json stored;
                  std::string host, protocol = "SMTP-TLS", user, password, from_name, from_email;
                  std::int64_t port = 587;
                  bool ignore_ssl = false, auth = false;
                  std::vector<std::string> recipients;
                  JsonReader r(in, "config");
                  r.str("hostname", host, true);
                  r.integer("port", port, false, 1, 65535);
                  r.str("protocol", protocol);
                  r.boolean("ignoreSslPolicyErrors", ignore_ssl);
                  r.boolean("authenticationRequired", auth);
                  r.str("username", user);
                  r.str("password", password);
                  r.str("fromDisplayName", from_name);
                  r.str("fromEmailAddress", from_email);
                  r.strList("recipientSystemAdministrator", recipients);
                  if (protocol != "SMTP" && protocol != "SMTP-TLS" && protocol != "SMTPS") {
                    r.fail("protocol", "must be SMTP, SMTP-TLS or SMTPS");
                  }
                  if (!from_email.empty() && from_email.find('@') == std::string::npos) {
                    r.fail("fromEmailAddress", "is not an email address");
                  }
                  SPE_TRY(r.finish());
                  // Kept as one JSON value of at most 8000 characters.
                  for (const auto& [value, field] : {std::pair{&host, "hostname"},
                                                     {&user, "username"},
                                                     {&password, "password"},
                                                     {&from_name, "fromDisplayName"},
                                                     {&from_email, "fromEmailAddress"}}) {
                    SPE_TRY(checkLength(*value, 512, std::string("config.") + field));
                  }
                  if (recipients.size() > 20) {
                    return makeError(ErrorCode::kInvalidArgument,
                                     "'config.recipientSystemAdministrator' may name at most 20 administrators.");
                  }
                  for (const auto& name : recipients) {
                    auto a = ctx.db.admin(name);
                    if (!a) return a.error();
                    if (!a->has_value()) {
                      return makeError(ErrorCode::kInvalidArgument, "'config.recipientSystemAdministrator' names '" +
                                                                        name + "', who is not a system administrator.");
                    }
                  }
                  auto old = ctx.db.setting("systemSmtp");
                  if (!old) return old.error();
                  // An omitted password keeps the stored one (GetSystemSmtpConfiguration never returns it).
                  if (!in.contains("password") && old->has_value()) password = (*old)->value("password", "");
                  stored = {{"hostname", host},
                            {"port", port},
                            {"protocol", protocol},
                            {"ignoreSslPolicyErrors", ignore_ssl},
                            {"authenticationRequired", auth},
                            {"username", user},
                            {"password", password},
                            {"fromDisplayName", from_name},
                            {"fromEmailAddress", from_email},
                            {"recipientSystemAdministrator", recipients}};
                  if (dumpJson(stored).size() > 8000) {  // only with many escaped characters
                    return makeError(ErrorCode::kInvalidArgument,
                                     "'config' is too large to be kept (8000 characters).");
                  }
                  SPE_TRY(ctx.db.setSetting("systemSmtp", stored));
                  return Json();
                }});
}

}  // namespace spe::management
