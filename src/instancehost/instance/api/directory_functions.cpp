// Directory services: Get/SetDirectoryServicesConfiguration,
// SyncUsersWithDirectoryServices, GetCredentials
// (docs/directory-services.md).
#include "instancehost/instance/api/instance_api.h"
#include "instancehost/instance/directory/directory_sync.h"

namespace spe::instance {
namespace {

// The sync's changes on the instance's users, each one audited like the
// Management API function that makes it, "(directory sync)" in the details.
class ContextSyncTarget : public SyncTarget {
 public:
  ContextSyncTarget(InstanceApi& api, const ApiCall& call) : api_(api), ctx_(api.context()), call_(call) {}

  Status create(const User& user) override {
    SPE_TRY(ctx_.users.create(user));
    return api_.audit(call_, "UserAdd", "userName=" + user.name + " (directory sync)");
  }

  Status update(const SyncUpdate& up) override {
    // The stored user as it is now (an administrator may have changed its
    // privileges since the sync read the list): only the synced fields change.
    auto current = ctx_.users.get(up.user_name);
    if (!current) return current.error();
    const std::string old_name = current->name;
    current->name = up.after.name;
    current->full_name = up.after.full_name;
    current->email_addresses = up.after.email_addresses;
    current->distinguished_name = up.after.distinguished_name;
    if (!up.renamed()) {
      SPE_TRY(ctx_.users.update(old_name, *current));
      return api_.audit(call_, "UserUpdate", "userName=" + old_name + " (directory sync)");
    }
    // As RenameUser: the user's archive (top-level folder) and grants follow.
    SPE_TRY(refuseIfWriteProtectedMail(ctx_, old_name, "the user cannot be renamed."));
    SPE_TRY(ctx_.users.update(old_name, *current));
    for (const auto& [id, s] : ctx_.stores.loaded()) {
      if (!s->writeProtected()) SPE_TRY(s->renameFolder(old_name, current->name));
    }
    SPE_TRY(ctx_.users.renameGrantedFolder(old_name, current->name));
    return api_.audit(call_, "UserRename",
                      "oldUserName=" + old_name + " newUserName=" + current->name + " (directory sync)");
  }

  Status remove(const std::string& user_name) override {
    SPE_TRY(ctx_.users.remove(user_name));
    return api_.audit(call_, "UserDelete", "userName=" + user_name + " (the archive stays) (directory sync)");
  }

 private:
  InstanceApi& api_;
  InstanceContext& ctx_;
  const ApiCall& call_;
};

}  // namespace

void registerDirectoryFunctions(InstanceApi& api) {
  InstanceContext& ctx = api.context();
  api.add(
      "GetDirectoryServicesConfiguration",
      [&ctx](ApiCall&) -> Result<Json> {
        auto config = loadDirectoryConfig(ctx.db, ctx.secrets_key, ctx.instance_id);
        if (!config) return config.error();
        return toPublicJson(*config);
      },
      false);

  api.add(
      "SetDirectoryServicesConfiguration",
      [&api, &ctx](ApiCall& c) -> Result<Json> {
        auto it = c.args.find("config");
        if (it == c.args.end() || !it->is_object()) {
          return makeError(ErrorCode::kInvalidArgument, "'config' must be a JSON object.");
        }
        auto stored = loadDirectoryConfig(ctx.db, ctx.secrets_key, ctx.instance_id);
        // A stored password that no longer opens must not block setting a new one.
        DirectoryConfig previous = stored ? *stored : DirectoryConfig{};
        auto config = parseDirectoryConfig(*it, previous);
        if (!config) return config.error();
        SPE_TRY(saveDirectoryConfig(ctx.db, ctx.secrets_key, ctx.instance_id, *config));
        std::string details = "type=" + config->type;
        if (config->isLdap()) details += " server=" + config->url() + " baseDN=" + config->base_dn;
        if (it->contains("password") && !(*it)["password"].is_null()) {
          details += config->password.empty() ? " (bind password cleared)" : " (bind password set)";
        }
        SPE_TRY(api.audit(c, "DirectoryServicesChangeSettings", details));
        return Json();
      },
      true);

  api.add(
      "SyncUsersWithDirectoryServices",
      [&api, &ctx](ApiCall& c) -> Result<Json> {
        auto config = loadDirectoryConfig(ctx.db, ctx.secrets_key, ctx.instance_id);
        if (!config) return config.error();
        auto existing = ctx.users.list();
        if (!existing) return existing.error();
        SPE_TRY(checkSyncable(*config));
        LdapDirectory reader(*config, ctx.base_directory);
        ContextSyncTarget target(api, c);
        return syncUsersWithDirectory(*config, reader, *existing, target, c.flag("dryRun"), c.control, c.log);
      },
      true);

  api.add(
      "GetCredentials",
      [](ApiCall&) -> Result<Json> {
        // Credentials are stored by cloud connectors (Microsoft 365, Google
        // Workspace), which this platform does not have yet: none exist.
        return Json::array();
      },
      false);
}

}  // namespace spe::instance
