#include "instancehost/instance/model/users.h"

#include <algorithm>

#include "common/base/crypto.h"
#include "common/base/text.h"
#include "common/net/form.h"

namespace spe::instance {
namespace {

std::string joinList(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

constexpr const char* kColumns =
    "SELECT USER_NAME, FULL_NAME, DISTINGUISHED_NAME, AUTHENTICATION, PASSWORD_HASH, PRIVILEGES, LOGIN_PRIVILEGES, "
    "EMAIL_ADDRESSES, POP3_USER_NAMES, MFA_STATUS, MFA_SECRET, MFA_LAST_STEP, MFA_EPOCH FROM USERS ";

User fromRow(const DbRow& r) {
  User u;
  u.name = dbStr(r[0]);
  u.full_name = dbStr(r[1]);
  u.distinguished_name = dbStr(r[2]);
  u.authentication = dbStr(r[3]);
  u.password_hash = dbStr(r[4]);
  u.privileges = splitList(dbStr(r[5]));
  u.login_privileges = splitList(dbStr(r[6]));
  u.email_addresses = splitList(dbStr(r[7]));
  u.pop3_user_names = splitList(dbStr(r[8]));
  u.mfa_status = dbStr(r[9]);
  u.mfa_secret_box = dbStr(r[10]);
  if (!dbIsNull(r[11])) u.mfa_last_step = dbInt(r[11]);
  u.mfa_epoch = dbIsNull(r[12]) ? 0 : dbInt(r[12]);
  return u;
}

std::vector<DbValue> params(const User& u) {
  return {u.name,
          u.full_name,
          u.distinguished_name,
          u.authentication,
          u.password_hash.empty() ? DbValue{} : DbValue{u.password_hash},
          joinList(u.privileges),
          joinList(u.login_privileges),
          joinList(u.email_addresses),
          joinList(u.pop3_user_names)};
}

}  // namespace

const std::vector<std::string> kUserPrivileges = {
    "none",  "admin", "login", "changePassword", "archive", "modifyArchiveProfiles", "export", "modifyExportProfiles",
    "delete"};
const std::vector<std::string> kLoginPrivileges = {"none", "windows", "web", "outlook", "windowsCmd", "imap", "api"};
const std::vector<std::string> kFolderPrivileges = {"none", "read", "write", "delete"};

Result<std::vector<std::string>> parsePrivilegeList(const std::string& text, const std::vector<std::string>& allowed,
                                                    const std::vector<std::string>& exclusive,
                                                    const std::string& argument) {
  std::vector<std::string> out;
  for (const auto& p : splitList(text)) {
    auto it = std::find_if(allowed.begin(), allowed.end(),
                           [&](const std::string& a) { return asciiLower(a) == asciiLower(p); });
    if (it == allowed.end()) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      return makeError(ErrorCode::kInvalidArgument,
                       "'" + argument + "' has the unknown value '" + p + "'; allowed are " + list + ".");
    }
    if (std::find(out.begin(), out.end(), *it) == out.end()) out.push_back(*it);
  }
  if (out.empty()) return makeError(ErrorCode::kInvalidArgument, "'" + argument + "' is empty.");
  for (const auto& x : exclusive) {
    if (out.size() > 1 && std::find(out.begin(), out.end(), x) != out.end()) {
      return makeError(ErrorCode::kInvalidArgument, "'" + argument + "': '" + x + "' must be the only value.");
    }
  }
  return out;
}

Status UserDirectory::checkLookupName(const std::string& name, const std::string& argument) {
  if (name.size() > kMaxUserNameBytes) {
    return makeError(ErrorCode::kInvalidArgument, "'" + argument + "' is longer than " +
                                                      std::to_string(kMaxUserNameBytes) + " bytes (" +
                                                      std::to_string(name.size()) + "); user names have at most " +
                                                      std::to_string(kMaxUserNameBytes) + ".");
  }
  if (!isValidUtf8(name)) return makeError(ErrorCode::kInvalidArgument, "'" + argument + "' is not valid UTF-8.");
  return okStatus();
}

Status UserDirectory::checkUserName(const std::string& name, const std::string& argument) {
  if (name.empty()) return makeError(ErrorCode::kInvalidArgument, "'" + argument + "' is empty.");
  SPE_TRY(checkLookupName(name, argument));
  if (name[0] == '$') {
    return makeError(ErrorCode::kInvalidArgument,
                     "'" + argument + "': user names starting with '$' are reserved ('" + name + "').");
  }
  if (name.front() == ' ' || name.back() == ' ') {
    return makeError(ErrorCode::kInvalidArgument,
                     "'" + argument + "': the user name '" + name + "' starts or ends with a space.");
  }
  for (unsigned char c : name) {
    if (c < 32 || c == 127 || c == '/' || c == '\\') {
      return makeError(ErrorCode::kInvalidArgument,
                       "'" + argument + "': the user name '" + printable(name) +
                           "' contains a character that is not allowed (/, \\ or a control character).");
    }
  }
  return okStatus();
}

User UserDirectory::archiveAdmin() {
  User u;
  u.name = kArchiveAdmin;
  u.full_name = "Service Provider Archive Access";
  u.privileges = {"admin"};
  u.login_privileges = {"windows", "web", "outlook", "windowsCmd", "imap", "api"};
  return u;
}

Json UserDirectory::infoJson(const User& u, const std::vector<FolderGrant>& grants) {
  Json folders = Json::array();
  for (const auto& g : grants) folders.push_back({{"folder", g.folder}, {"privileges", g.privileges}});
  return Json{{"userName", u.name},
              {"fullName", u.full_name.empty() ? Json() : Json(u.full_name)},
              {"distinguishedName", u.distinguished_name.empty() ? Json() : Json(u.distinguished_name)},
              {"authentication", u.authentication},
              {"mfaStatus", u.mfa_status},
              {"emailAddresses", u.email_addresses},
              {"pop3UserNames", u.pop3_user_names},
              {"privileges", u.privileges},
              {"loginPrivileges", u.login_privileges},
              {"privilegesOnFolders", folders}};
}

Result<std::vector<User>> UserDirectory::list() {
  auto rows = db_.db().query(std::string(kColumns) + "ORDER BY USER_KEY");
  if (!rows) return rows.error();
  std::vector<User> out;
  for (const auto& r : *rows) out.push_back(fromRow(r));
  return out;
}

Result<std::optional<User>> UserDirectory::find(const std::string& name) {
  if (asciiLower(name) == kArchiveAdmin) return std::optional<User>(archiveAdmin());
  if (name.empty() || !checkLookupName(name).ok()) return std::optional<User>();  // no user can have it
  auto rows = db_.db().query(std::string(kColumns) + "WHERE USER_KEY = ?", {asciiLower(name)});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<User>();
  return std::optional<User>(fromRow((*rows)[0]));
}

Result<User> UserDirectory::get(const std::string& name) {
  auto u = find(name);
  if (!u) return u.error();
  if (!u->has_value()) return makeError(ErrorCode::kNotFound, "There is no user '" + printable(name) + "'.");
  return **u;
}

Status UserDirectory::create(const User& user) {
  SPE_TRY(checkUserName(user.name));
  auto existing = find(user.name);
  if (!existing) return existing.error();
  if (existing->has_value()) {
    return makeError(ErrorCode::kAlreadyExists, "The user '" + (*existing)->name + "' already exists.");
  }
  std::vector<DbValue> p = params(user);
  p.insert(p.begin(), asciiLower(user.name));
  return changed(db_.db().exec(
      "INSERT INTO USERS (USER_KEY, USER_NAME, FULL_NAME, DISTINGUISHED_NAME, AUTHENTICATION, PASSWORD_HASH, "
      "PRIVILEGES, LOGIN_PRIVILEGES, EMAIL_ADDRESSES, POP3_USER_NAMES, MFA_STATUS) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
      "?, 'Disabled')",
      p));
}

Status UserDirectory::update(const std::string& name, const User& user) {
  if (asciiLower(name) == kArchiveAdmin || asciiLower(user.name) == kArchiveAdmin) {
    return makeError(ErrorCode::kPermissionDenied, "The built-in user '$archiveadmin' cannot be changed.");
  }
  SPE_TRY(checkUserName(user.name));
  if (asciiLower(name) != asciiLower(user.name)) {
    auto clash = find(user.name);
    if (!clash) return clash.error();
    if (clash->has_value()) {
      return makeError(ErrorCode::kAlreadyExists, "The user '" + (*clash)->name + "' already exists.");
    }
  }
  auto tx = db_.db().begin();
  if (!tx) return tx.error();
  std::vector<DbValue> p = params(user);
  p.insert(p.begin(), asciiLower(user.name));
  p.push_back(asciiLower(name));
  SPE_TRY(
      (*tx)->exec("UPDATE USERS SET USER_KEY = ?, USER_NAME = ?, FULL_NAME = ?, DISTINGUISHED_NAME = ?, "
                  "AUTHENTICATION = ?, PASSWORD_HASH = ?, PRIVILEGES = ?, LOGIN_PRIVILEGES = ?, "
                  "EMAIL_ADDRESSES = ?, POP3_USER_NAMES = ? WHERE USER_KEY = ?",
                  p));
  // What hangs on the user's key follows a rename.
  for (const char* table : {"FOLDER_GRANTS", "APP_PASSWORDS", "TRUSTED_DEVICES"}) {
    SPE_TRY((*tx)->exec(std::string("UPDATE ") + table + " SET USER_KEY = ? WHERE USER_KEY = ?",
                        {asciiLower(user.name), asciiLower(name)}));
  }
  return changed((*tx)->commit());
}

Status UserDirectory::remove(const std::string& name) {
  if (asciiLower(name) == kArchiveAdmin) {
    return makeError(ErrorCode::kPermissionDenied, "The built-in user '$archiveadmin' cannot be deleted.");
  }
  auto u = get(name);
  if (!u) return u.error();
  auto tx = db_.db().begin();
  if (!tx) return tx.error();
  for (const char* table : {"FOLDER_GRANTS", "APP_PASSWORDS", "TRUSTED_DEVICES", "USERS"}) {
    SPE_TRY((*tx)->exec(std::string("DELETE FROM ") + table + " WHERE USER_KEY = ?", {asciiLower(name)}));
  }
  return changed((*tx)->commit());
}

Result<std::vector<FolderGrant>> UserDirectory::grants(const std::string& name) {
  auto rows = db_.db().query("SELECT FOLDER, PRIVILEGES FROM FOLDER_GRANTS WHERE USER_KEY = ? ORDER BY FOLDER",
                             {asciiLower(name)});
  if (!rows) return rows.error();
  std::vector<FolderGrant> out;
  for (const auto& r : *rows) out.push_back({dbStr(r[0]), splitList(dbStr(r[1]))});
  return out;
}

Status UserDirectory::setGrant(const std::string& name, const std::string& folder,
                               const std::vector<std::string>& privileges) {
  SPE_TRY(changed(db_.db().exec("DELETE FROM FOLDER_GRANTS WHERE USER_KEY = ? AND FOLDER_HASH = ?",
                                {asciiLower(name), sha256Hex(asciiLower(folder))})));
  if (privileges.empty() || privileges[0] == "none") return okStatus();
  return changed(
      db_.db().exec("INSERT INTO FOLDER_GRANTS (USER_KEY, FOLDER, FOLDER_HASH, PRIVILEGES) VALUES (?, ?, ?, ?)",
                    {asciiLower(name), folder, sha256Hex(asciiLower(folder)), joinList(privileges)}));
}

Status UserDirectory::clearGrants(const std::string& name) {
  return changed(db_.db().exec("DELETE FROM FOLDER_GRANTS WHERE USER_KEY = ?", {asciiLower(name)}));
}

Status UserDirectory::renameGrantedFolder(const std::string& from, const std::string& to) {
  return changed(db_.db().exec("UPDATE FOLDER_GRANTS SET FOLDER = ?, FOLDER_HASH = ? WHERE FOLDER_HASH = ?",
                               {to, sha256Hex(asciiLower(to)), sha256Hex(asciiLower(from))}));
}

}  // namespace spe::instance
