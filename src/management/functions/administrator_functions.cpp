// System administrators: Create/Delete/Get, configuration, passwords, the
// per-administrator API password and multi-factor login (admin_mfa.h).
#include <ctime>

#include "common/base/password.h"
#include "common/base/text.h"
#include "management/api/function_registry.h"
#include "management/management_context.h"

namespace spe::management {
namespace {

// Administrator names: 1 to 128 of A-Z a-z 0-9 . - _ @ (so no leading or
// trailing space, and always valid UTF-8). Errors name `argument`.
Status checkUserName(const std::string& name, const std::string& argument = "config.userName") {
  if (name.empty() || name.size() > 128) {
    return makeError(ErrorCode::kInvalidArgument,
                     "'" + argument + "' must have 1 to 128 characters (it has " + std::to_string(name.size()) + ").");
  }
  for (unsigned char c : name) {
    if (!(std::isalnum(c) || c == '.' || c == '-' || c == '_' || c == '@')) {
      const std::string found = c > 32 && c < 127 ? "'" + std::string(1, static_cast<char>(c)) + "'"
                                                  : "byte " + std::to_string(c);  // never echo broken UTF-8
      return makeError(ErrorCode::kInvalidArgument,
                       "'" + argument + "' may contain only letters, digits and . - _ @ (found " + found + ").");
    }
  }
  return okStatus();
}

struct AdminConfig {
  std::string user_name, full_name, email;
};

Result<AdminConfig> readAdminConfig(const Json& json) {
  AdminConfig c;
  JsonReader r(json, "config");
  r.str("userName", c.user_name, true);
  r.str("fullName", c.full_name);
  r.str("emailAddress", c.email);
  SPE_TRY(r.finish());
  SPE_TRY(checkUserName(c.user_name));
  SPE_TRY(checkLength(c.full_name, 256, "config.fullName"));  // VARCHAR(256) columns
  SPE_TRY(checkLength(c.email, 256, "config.emailAddress"));
  if (!c.email.empty() && c.email.find('@') == std::string::npos) {
    return makeError(ErrorCode::kInvalidArgument, "'config.emailAddress' is not an email address.");
  }
  return c;
}

// `argument` names where `user` came from: a name no administrator can have
// is an error naming it, before any database lookup.
Result<AdminRecord> requireAdmin(ManagementDb& db, const std::string& user, const std::string& argument = "userName") {
  SPE_TRY(checkUserName(user, argument));
  auto a = db.admin(user);
  if (!a) return a.error();
  if (!a->has_value()) return makeError(ErrorCode::kNotFound, "There is no system administrator '" + user + "'.");
  return **a;
}

// Listing, creating and deleting administrators.
void registerAdministratorAccounts(FunctionRegistry& registry, ManagementContext& ctx) {
  registry.add({"GetSystemAdministrators", {}, [&ctx](CallContext&) -> Result<Json> {
                  auto admins = ctx.db.admins();
                  if (!admins) return admins.error();
                  Json out = Json::array();
                  for (const auto& a : *admins) {
                    out.push_back({{"userName", a.user_name},
                                   {"fullName", a.full_name},
                                   {"emailAddress", a.email_address},
                                   {"mfaStatus", a.mfa_status}});
                  }
                  return out;
                }});

  registry.add({"CreateSystemAdministrator",
                {{"config", ArgType::kJson}, ArgSpec{"password", ArgType::kString}.maxLength(1024)},
                [&ctx](CallContext& c) -> Result<Json> {
                  auto cfg = readAdminConfig(c.args.json("config"));
                  if (!cfg) return cfg.error();
                  SPE_TRY(checkPasswordStrength(c.args.str("password"), cfg->user_name));
                  auto existing = ctx.db.admin(cfg->user_name);
                  if (!existing) return existing.error();
                  if (existing->has_value()) {
                    return makeError(ErrorCode::kAlreadyExists,
                                     "A system administrator '" + cfg->user_name + "' exists already.");
                  }
                  auto hash = hashPassword(c.args.str("password"));
                  if (!hash) return hash.error();
                  AdminRecord admin;
                  admin.user_name = cfg->user_name;
                  admin.full_name = cfg->full_name;
                  admin.email_address = cfg->email;
                  admin.password_hash = *hash;
                  SPE_TRY(ctx.db.insertAdmin(admin));
                  return Json();
                }});

  registry.add({"DeleteSystemAdministrator", {{"userName", ArgType::kString}}, [&ctx](CallContext& c) -> Result<Json> {
                  const std::string user = c.args.str("userName");
                  auto a = requireAdmin(ctx.db, user);
                  if (!a) return a.error();
                  if (a->user_name == c.caller.user_name) {
                    return makeError(ErrorCode::kInvalidArgument, "You cannot delete your own administrator account.");
                  }
                  auto all = ctx.db.admins();
                  if (!all) return all.error();
                  if (all->size() <= 1) {
                    return makeError(ErrorCode::kInvalidArgument, "The last system administrator cannot be deleted.");
                  }
                  SPE_TRY(ctx.db.deleteAdmin(user));
                  ctx.auth.invalidate();
                  return Json();
                }});
}

// An administrator's name, address and passwords (the sign-in password and
// the caller's own API password).
void registerAdministratorSettings(FunctionRegistry& registry, ManagementContext& ctx) {
  registry.add(
      {"SetSystemAdministratorConfiguration", {{"config", ArgType::kJson}}, [&ctx](CallContext& c) -> Result<Json> {
         auto cfg = readAdminConfig(c.args.json("config"));
         if (!cfg) return cfg.error();
         auto a = requireAdmin(ctx.db, cfg->user_name, "config.userName");
         if (!a) return a.error();
         SPE_TRY(ctx.db.updateAdminProfile(cfg->user_name, cfg->full_name, cfg->email));
         return Json();
       }});

  registry.add({"SetSystemAdministratorPassword",
                {{"userName", ArgType::kString}, ArgSpec{"password", ArgType::kString}.maxLength(1024)},
                [&ctx](CallContext& c) -> Result<Json> {
                  auto a = requireAdmin(ctx.db, c.args.str("userName"));
                  if (!a) return a.error();
                  SPE_TRY(checkPasswordStrength(c.args.str("password"), a->user_name));
                  auto hash = hashPassword(c.args.str("password"));
                  if (!hash) return hash.error();
                  SPE_TRY(ctx.db.setAdminPassword(a->user_name, *hash));
                  ctx.auth.invalidate();
                  return Json();
                }});

  registry.add(
      {"CreateSystemAdministratorAPIPassword", {}, [&ctx](CallContext& c) -> Result<Json> {
         const std::string api_password = generatePassword(32);
         auto hash = hashPassword(api_password);
         if (!hash) return hash.error();
         const auto now =
             std::chrono::duration_cast<std::chrono::seconds>(ctx.clock.systemNow().time_since_epoch()).count();
         SPE_TRY(ctx.db.setAdminApiPassword(c.caller.user_name, *hash, now));
         ctx.auth.invalidate();
         return Json(api_password);
       }});
}

// Multi-factor login: Initialize (a new secret, set up at the next console
// login), Deactivate, and what the console shows of each administrator's
// way in (an extension).
void registerAdministratorMfa(FunctionRegistry& registry, ManagementContext& ctx) {
  registry.add(
      {"InitializeSystemAdministratorMFA", {{"userName", ArgType::kString}}, [&ctx](CallContext& c) -> Result<Json> {
         auto a = requireAdmin(ctx.db, c.args.str("userName"));
         if (!a) return a.error();
         SPE_TRY(ctx.mfa.initialize(a->user_name));
         ctx.auth.invalidate();
         return Json();
       }});

  registry.add(
      {"DeactivateSystemAdministratorMFA", {{"userName", ArgType::kString}}, [&ctx](CallContext& c) -> Result<Json> {
         auto a = requireAdmin(ctx.db, c.args.str("userName"));
         if (!a) return a.error();
         SPE_TRY(ctx.mfa.deactivate(a->user_name));
         ctx.auth.invalidate();
         return Json();
       }});

  registry.add({"GetSystemAdministratorLoginInfo", {}, [&ctx](CallContext&) -> Result<Json> {
                  auto admins = ctx.db.admins();
                  if (!admins) return admins.error();
                  Json out = Json::array();
                  for (const auto& a : *admins) {
                    const bool has_api_password = !a.api_password_hash.empty();
                    out.push_back({{"userName", a.user_name},
                                   {"mfaStatus", a.mfa_status},
                                   {"hasApiPassword", has_api_password},
                                   {"apiPasswordCreated", has_api_password && a.api_password_created
                                                              ? Json(utcText(*a.api_password_created))
                                                              : Json()}});
                  }
                  return out;
                }});
}

}  // namespace

void registerAdministratorFunctions(FunctionRegistry& registry, ManagementContext& ctx) {
  registerAdministratorAccounts(registry, ctx);
  registerAdministratorSettings(registry, ctx);
  registerAdministratorMfa(registry, ctx);
}

}  // namespace spe::management
