// End users' multi-factor login and app passwords: InitializeMFA,
// DisableMFA, DeleteAppPasswords (model/user_mfa.h).
#include "instancehost/instance/api/instance_api.h"
#include "instancehost/instance/model/user_mfa.h"

namespace spe::instance {
namespace {

// The stored user `userName` names (not "$archiveadmin", who has no second factor).
Result<User> mfaUser(InstanceContext& ctx, const ApiCall& c) {
  const std::string name = c.str("userName");
  SPE_TRY(UserDirectory::checkLookupName(name));
  if (name == kArchiveAdmin) {
    return makeError(ErrorCode::kPermissionDenied,
                     "The built-in user '$archiveadmin' logs in with one-time links and has no multi-factor login.");
  }
  return ctx.users.get(name);
}

}  // namespace

void registerMfaFunctions(InstanceApi& api) {
  InstanceContext& ctx = api.context();
  api.add(
      "InitializeMFA",
      [&api, &ctx](ApiCall& c) -> Result<Json> {
        auto u = mfaUser(ctx, c);
        if (!u) return u.error();
        SPE_TRY(ctx.mfa->initialize(u->name));
        SPE_TRY(api.audit(c, "UserInitializeMFA", "userName=" + u->name));
        return Json();
      },
      true);
  api.add(
      "DisableMFA",
      [&api, &ctx](ApiCall& c) -> Result<Json> {
        auto u = mfaUser(ctx, c);
        if (!u) return u.error();
        SPE_TRY(ctx.mfa->disable(u->name));
        SPE_TRY(api.audit(c, "UserDisableMFA", "userName=" + u->name));
        return Json();
      },
      true);
  api.add(
      "DeleteAppPasswords",
      [&api, &ctx](ApiCall& c) -> Result<Json> {
        auto u = mfaUser(ctx, c);
        if (!u) return u.error();
        auto deleted = ctx.mfa->deleteAppPasswords(u->name);
        if (!deleted) return deleted.error();
        SPE_TRY(
            api.audit(c, "UserAppPasswordDelete", "userName=" + u->name + " (all: " + std::to_string(*deleted) + ")"));
        return Json();
      },
      true);
}

}  // namespace spe::instance
