// Users: CreateUser, DeleteUser, GetUsers, GetUserInfo, RenameUser and the
// SetUser* functions, folder grants.
#include "common/base/password.h"
#include "instancehost/instance/api/instance_api.h"
#include "instancehost/instance/directory/directory_config.h"
#include "instancehost/instance/model/user_mfa.h"

namespace spe::instance {
namespace {

Status checkAuthentication(const std::string& a) {
  if (a == "integrated" || a == "directoryServices") return okStatus();
  return makeError(ErrorCode::kInvalidArgument, "'authentication' must be integrated or directoryServices.");
}

Result<std::string> hashUserPassword(const std::string& password) {
  if (password.empty()) return makeError(ErrorCode::kInvalidArgument, "'password' is empty.");
  if (password.size() > 256) return makeError(ErrorCode::kInvalidArgument, "'password' is longer than 256 characters.");
  return hashPassword(password);
}

Result<std::vector<std::string>> emailList(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& a : splitList(text)) {
    const auto at = a.find('@');
    if (at == std::string::npos || at == 0 || at + 1 >= a.size() || a.find_first_of(" <>\"") != std::string::npos ||
        a.size() > 254) {
      return makeError(ErrorCode::kInvalidArgument, "'emailAddresses': '" + a + "' is not an e-mail address.");
    }
    out.push_back(a);
  }
  return out;
}

// Applies `change` to a stored user and saves it.
Result<Json> modify(InstanceApi& api, ApiCall& c, const std::function<Status(User&)>& change, const char* event) {
  auto& users = api.context().users;
  const std::string name = c.str("userName");
  SPE_TRY(UserDirectory::checkLookupName(name));
  if (name == kArchiveAdmin) {
    return makeError(ErrorCode::kPermissionDenied, "The built-in user '$archiveadmin' cannot be changed.");
  }
  auto u = users.get(name);
  if (!u) return u.error();
  SPE_TRY(change(*u));
  SPE_TRY(users.update(name, *u));
  SPE_TRY(api.audit(c, event, "userName=" + u->name));
  return Json();
}

// Who the users are.
void registerUserQueries(InstanceApi& api) {
  InstanceContext& ctx = api.context();
  api.add(
      "GetUsers",
      [&ctx](ApiCall&) -> Result<Json> {
        auto users = ctx.users.list();
        if (!users) return users.error();
        Json out = Json::array();
        auto row = [](const User& u) {
          return Json{{"userName", u.name},
                      {"fullName", u.full_name.empty() ? Json() : Json(u.full_name)},
                      {"distinguishedName", u.distinguished_name.empty() ? Json() : Json(u.distinguished_name)},
                      {"mfaStatus", u.mfa_status}};
        };
        out.push_back(row(UserDirectory::archiveAdmin()));
        for (const auto& u : *users) out.push_back(row(u));
        return out;
      },
      false);

  api.add(
      "GetUserInfo",
      [&ctx](ApiCall& c) -> Result<Json> {
        SPE_TRY(UserDirectory::checkLookupName(c.str("userName")));
        auto u = ctx.users.get(c.str("userName"));
        if (!u) return u.error();
        auto grants = ctx.users.grants(u->name);
        if (!grants) return grants.error();
        return UserDirectory::infoJson(*u, *grants);
      },
      false);
}

// Creating, deleting and renaming users.
void registerUserAccounts(InstanceApi& api) {
  InstanceContext& ctx = api.context();
  api.add(
      "CreateUser",
      [&api, &ctx](ApiCall& c) -> Result<Json> {
        User u;
        u.name = c.str("userName");
        SPE_TRY(UserDirectory::checkUserName(u.name));
        auto privileges = parsePrivilegeList(c.str("privileges"), kUserPrivileges, {"none", "admin"}, "privileges");
        if (!privileges) return privileges.error();
        u.privileges = *privileges;
        if (c.has("loginPrivileges")) {
          auto login = parsePrivilegeList(c.str("loginPrivileges"), kLoginPrivileges, {"none"}, "loginPrivileges");
          if (!login) return login.error();
          u.login_privileges = *login;
        } else {
          u.login_privileges = {"windows", "web", "outlook", "windowsCmd", "imap", "api"};
        }
        u.full_name = c.str("fullName");
        u.distinguished_name = c.str("distinguishedName");
        SPE_TRY(checkDn(u.distinguished_name, "distinguishedName", true));
        u.authentication = c.str("authentication", "integrated");
        SPE_TRY(checkAuthentication(u.authentication));
        if (c.has("password")) {
          auto hash = hashUserPassword(c.str("password"));
          if (!hash) return hash.error();
          u.password_hash = *hash;
        }
        SPE_TRY(ctx.users.create(u));
        SPE_TRY(api.audit(c, "UserAdd", "userName=" + u.name));
        return Json();
      },
      true);

  api.add(
      "DeleteUser",
      [&api, &ctx](ApiCall& c) -> Result<Json> {
        SPE_TRY(UserDirectory::checkLookupName(c.str("userName")));
        auto u = ctx.users.get(c.str("userName"));
        if (!u) return u.error();
        SPE_TRY(ctx.users.remove(u->name));
        SPE_TRY(api.audit(c, "UserDelete", "userName=" + u->name + " (the archive stays)"));
        return Json();
      },
      true);

  api.add(
      "RenameUser",
      [&api, &ctx](ApiCall& c) -> Result<Json> {
        const std::string from = c.str("oldUserName"), to = c.str("newUserName");
        SPE_TRY(UserDirectory::checkLookupName(from, "oldUserName"));
        SPE_TRY(UserDirectory::checkUserName(to, "newUserName"));
        if (from == kArchiveAdmin) {
          return makeError(ErrorCode::kPermissionDenied, "The built-in user '$archiveadmin' cannot be renamed.");
        }
        auto u = ctx.users.get(from);
        if (!u) return u.error();
        // The user's archive (top-level folder) follows the user.
        SPE_TRY(refuseIfWriteProtectedMail(ctx, u->name, "the user cannot be renamed."));
        const std::string old_name = u->name;
        u->name = to;
        SPE_TRY(ctx.users.update(old_name, *u));
        for (const auto& [id, s] : ctx.stores.loaded()) {
          if (!s->writeProtected()) SPE_TRY(s->renameFolder(old_name, to));
        }
        SPE_TRY(ctx.users.renameGrantedFolder(old_name, to));
        SPE_TRY(api.audit(c, "UserRename", "oldUserName=" + old_name + " newUserName=" + to));
        return Json();
      },
      true);
}

// A user's password and how the user authenticates.
void registerUserCredentials(InstanceApi& api) {
  api.add(
      "SetUserPassword",
      [&api](ApiCall& c) -> Result<Json> {
        auto hash = hashUserPassword(c.str("password"));
        if (!hash) return hash.error();
        auto done = modify(
            api, c,
            [&](User& u) {
              u.password_hash = *hash;
              return okStatus();
            },
            "UserSetPassword");
        if (!done) return done;
        // Trusted devices are forgotten with the old password (user_mfa.h).
        SPE_TRY(api.context().mfa->passwordChanged(c.str("userName")));
        return done;
      },
      true);

  api.add(
      "SetUserAuthentication",
      [&api](ApiCall& c) -> Result<Json> {
        const std::string a = c.str("authentication");
        SPE_TRY(checkAuthentication(a));
        return modify(
            api, c,
            [&](User& u) {
              u.authentication = a;
              return okStatus();
            },
            "UserUpdate");
      },
      true);
}

// A user's names and addresses.
void registerUserNames(InstanceApi& api) {
  api.add(
      "SetUserFullName",
      [&api](ApiCall& c) -> Result<Json> {
        const std::string v = c.str("fullName");
        if (v.size() > 255) return makeError(ErrorCode::kInvalidArgument, "'fullName' is longer than 255 bytes.");
        return modify(
            api, c,
            [&](User& u) {
              u.full_name = v;
              return okStatus();
            },
            "UserUpdate");
      },
      true);

  api.add(
      "SetUserDistinguishedName",
      [&api](ApiCall& c) -> Result<Json> {
        const std::string v = c.str("distinguishedName");
        // A DN libldap can parse: directory users bind with it (docs/directory-services.md).
        SPE_TRY(checkDn(v, "distinguishedName", true));
        return modify(
            api, c,
            [&](User& u) {
              u.distinguished_name = v;
              return okStatus();
            },
            "UserUpdate");
      },
      true);

  api.add(
      "SetUserEmailAddresses",
      [&api](ApiCall& c) -> Result<Json> {
        auto list = emailList(c.str("emailAddresses"));
        if (!list) return list.error();
        return modify(
            api, c,
            [&](User& u) {
              u.email_addresses = *list;
              return okStatus();
            },
            "UserUpdate");
      },
      true);

  api.add(
      "SetUserPop3UserNames",
      [&api](ApiCall& c) -> Result<Json> {
        const auto list = splitList(c.str("pop3UserNames"));
        return modify(
            api, c,
            [&](User& u) {
              u.pop3_user_names = list;
              return okStatus();
            },
            "UserUpdate");
      },
      true);
}

// A user's privileges in the archive and the ways the user may log in.
void registerUserPrivileges(InstanceApi& api) {
  api.add(
      "SetUserPrivileges",
      [&api](ApiCall& c) -> Result<Json> {
        auto list = parsePrivilegeList(c.str("privileges"), kUserPrivileges, {"none", "admin"}, "privileges");
        if (!list) return list.error();
        return modify(
            api, c,
            [&](User& u) {
              u.privileges = *list;
              return okStatus();
            },
            "UserUpdate");
      },
      true);

  api.add(
      "SetUserLoginPrivileges",
      [&api](ApiCall& c) -> Result<Json> {
        auto list = parsePrivilegeList(c.str("loginPrivileges"), kLoginPrivileges, {"none"}, "loginPrivileges");
        if (!list) return list.error();
        return modify(
            api, c,
            [&](User& u) {
              u.login_privileges = *list;
              return okStatus();
            },
            "UserUpdate");
      },
      true);
}

// Who may read and change which folders.
void registerFolderPrivileges(InstanceApi& api) {
  InstanceContext& ctx = api.context();
  api.add(
      "SetUserPrivilegesOnFolder",
      [&api, &ctx](ApiCall& c) -> Result<Json> {
        SPE_TRY(UserDirectory::checkLookupName(c.str("userName")));
        auto u = ctx.users.get(c.str("userName"));
        if (!u) return u.error();
        if (u->name == kArchiveAdmin) {
          return makeError(ErrorCode::kPermissionDenied, "'$archiveadmin' has no folder privileges to set.");
        }
        auto folder = store::ArchiveStore::normaliseFolder(c.str("folder"));
        if (!folder) return folder.error();
        if (folder->find('/') != std::string::npos) {
          return makeError(
              ErrorCode::kInvalidArgument,
              "'folder' must be a user archive (a top-level folder such as 'johndoe'), not '" + *folder + "'.");
        }
        auto owner = ctx.users.find(*folder);
        if (!owner) return owner.error();
        if (!owner->has_value() || (*owner)->name == kArchiveAdmin) {
          return makeError(ErrorCode::kNotFound, "There is no user archive '" + *folder + "'.");
        }
        auto privileges = parsePrivilegeList(c.str("privileges"), kFolderPrivileges, {"none"}, "privileges");
        if (!privileges) return privileges.error();
        SPE_TRY(ctx.users.setGrant(u->name, (*owner)->name, *privileges));
        SPE_TRY(api.audit(c, "UserSetFolderAccess", "userName=" + u->name + " folder=" + (*owner)->name));
        return Json();
      },
      true);

  api.add(
      "ClearUserPrivilegesOnFolders",
      [&api, &ctx](ApiCall& c) -> Result<Json> {
        SPE_TRY(UserDirectory::checkLookupName(c.str("userName")));
        auto u = ctx.users.get(c.str("userName"));
        if (!u) return u.error();
        SPE_TRY(ctx.users.clearGrants(u->name));
        SPE_TRY(api.audit(c, "UserSetFolderAccess", "userName=" + u->name + " (all cleared)"));
        return Json();
      },
      true);
}

}  // namespace

void registerUserFunctions(InstanceApi& api) {
  registerUserQueries(api);
  registerUserAccounts(api);
  registerUserCredentials(api);
  registerUserNames(api);
  registerUserPrivileges(api);
  registerFolderPrivileges(api);
}

}  // namespace spe::instance
