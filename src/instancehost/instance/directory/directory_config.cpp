#include "instancehost/instance/directory/directory_config.h"

#include <arpa/inet.h>
#include <ldap.h>

#include <algorithm>

#include "common/base/text.h"
#include "instancehost/instance/model/master_db.h"

namespace spe::instance {
namespace {

const std::vector<std::string> kTypes = {kDirectoryNone,        kDirectoryActiveDirectory,
                                         kDirectoryGenericLdap, "office365OpenIDConnect",
                                         "office365",           "googleWorkspace"};
const std::vector<std::string> kProtocols = {"LDAP", "LDAP-StartTLS", "LDAPS"};
const std::vector<std::string> kAuthenticationTypes = {"standardAuthentication", "anonymous"};
const std::vector<std::string> kUserNameFormats = {"samAccountName", "userPrincipalName"};

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

bool hasControl(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

// A DNS name (letters, digits, '-', '_', '.') or an IPv4/IPv6 address: what
// may stand between "ldap://" and ":port" without changing the URL's meaning.
bool isHostName(const std::string& h) {
  if (h.empty() || h.size() > 253) return false;
  if (h.find(':') != std::string::npos) {  // only an IPv6 address has colons
    in6_addr address{};
    return inet_pton(AF_INET6, h.c_str(), &address) == 1;
  }
  return std::all_of(
             h.begin(), h.end(),
             [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'; }) &&
         h.front() != '-' && h.front() != '.';
}

void oneOf(JsonReader& r, const char* key, std::string& out, const std::vector<std::string>& allowed) {
  r.str(key, out, false, 64);
  if (std::find(allowed.begin(), allowed.end(), out) == allowed.end()) {
    r.fail(key, "must be one of " + joined(allowed) + ", not '" + printable(out, 64) + "'");
  }
}

Status noControl(const std::string& value, const std::string& field) {
  if (hasControl(value)) {
    return makeError(ErrorCode::kInvalidArgument, "'" + field + "' must not contain control characters.");
  }
  return okStatus();
}

}  // namespace

std::string DirectoryConfig::url() const {
  const std::string host = server_name.find(':') != std::string::npos ? "[" + server_name + "]" : server_name;
  return std::string(protocol == "LDAPS" ? "ldaps://" : "ldap://") + host + ":" + std::to_string(effectivePort());
}

Status checkLdapFilter(const std::string& filter, const std::string& field) {
  auto bad = [&](const std::string& what) {
    return makeError(ErrorCode::kInvalidArgument, "'" + field + "' " + what + ".");
  };
  if (filter.size() > kMaxFilterBytes) {
    return bad("must be at most " + std::to_string(kMaxFilterBytes) + " bytes long");
  }
  if (filter.empty() || filter.front() != '(' || filter.back() != ')') {
    return bad("must be an LDAP filter in parentheses, such as (objectClass=inetOrgPerson)");
  }
  int depth = 0;
  for (std::size_t i = 0; i < filter.size(); ++i) {
    const char c = filter[i];
    if (c == '\0') return bad("must not contain a NUL byte");
    if (c == '(') ++depth;
    if (c == ')' && --depth < 0) return bad("has a ')' without its '('");
    if (depth == 0 && i + 1 < filter.size()) return bad("must be one filter: wrap several in (&...) or (|...)");
    if (depth > 32) return bad("nests more than 32 levels deep");
  }
  if (depth != 0) return bad("has a '(' without its ')'");
  return okStatus();
}

Status checkDn(const std::string& dn, const std::string& field, bool may_be_empty) {
  if (dn.empty()) {
    if (may_be_empty) return okStatus();
    return makeError(ErrorCode::kInvalidArgument, "'" + field + "' is required.");
  }
  if (dn.size() > kMaxDnBytes) {
    return makeError(ErrorCode::kInvalidArgument,
                     "'" + field + "' must be at most " + std::to_string(kMaxDnBytes) + " bytes long.");
  }
  LDAPDN parsed = nullptr;
  const int rc = ldap_str2dn(dn.c_str(), &parsed, LDAP_DN_FORMAT_LDAPV3);
  if (parsed) ldap_dnfree(parsed);
  if (rc != LDAP_SUCCESS || dn.find('\0') != std::string::npos) {
    return makeError(ErrorCode::kInvalidArgument, "'" + field + "' is not a distinguished name (such as " +
                                                      "OU=Staff,DC=example,DC=com): '" + printable(dn, 100) + "'.");
  }
  return okStatus();
}

Status checkAttributeName(const std::string& name, const std::string& field) {
  const bool descr = !name.empty() && std::isalpha(static_cast<unsigned char>(name[0])) &&
                     std::all_of(name.begin(), name.end(),
                                 [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; });
  const bool oid = !name.empty() && std::isdigit(static_cast<unsigned char>(name[0])) && name.back() != '.' &&
                   std::all_of(name.begin(), name.end(),
                               [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == '.'; });
  if (name.size() > 64 || !(descr || oid)) {
    return makeError(ErrorCode::kInvalidArgument,
                     "'" + field +
                         "' must be an attribute name such as 'mail' (letters, digits, '-'; at most 64), not '" +
                         printable(name, 64) + "'.");
  }
  return okStatus();
}

Status checkUrl(const std::string& url, const std::string& field) {
  if (url.empty()) return okStatus();
  if (url.size() > kMaxUrlBytes) {
    return makeError(ErrorCode::kInvalidArgument,
                     "'" + field + "' must be at most " + std::to_string(kMaxUrlBytes) + " bytes long.");
  }
  const std::string lower = asciiLower(url);
  const std::size_t scheme = lower.rfind("https://", 0) == 0 ? 8 : lower.rfind("http://", 0) == 0 ? 7 : 0;
  const bool spaced = std::any_of(url.begin(), url.end(), [](char c) { return c == ' '; });
  if (scheme == 0 || url.size() == scheme || url[scheme] == '/' || spaced || hasControl(url)) {
    return makeError(ErrorCode::kInvalidArgument, "'" + field +
                                                      "' must be an http:// or https:// URL with a host name "
                                                      "(no spaces), such as https://archive.example.com/, not '" +
                                                      printable(url, 100) + "'.");
  }
  return okStatus();
}

Result<DirectoryConfig> parseDirectoryConfig(const Json& object, const DirectoryConfig& stored) {
  DirectoryConfig c;
  JsonReader r(object, "config");
  oneOf(r, "type", c.type, kTypes);
  r.str("serverName", c.server_name, false, 253);
  std::int64_t port = 0;
  r.integer("port", port, false, 0, 65535);
  c.port = static_cast<int>(port);
  oneOf(r, "protocol", c.protocol, kProtocols);
  r.boolean("ignoreSslPolicyErrors", c.ignore_ssl_policy_errors);
  oneOf(r, "authenticationType", c.authentication_type, kAuthenticationTypes);
  r.str("userName", c.user_name, false, kMaxDnBytes);
  std::optional<std::string> password;
  r.optStr("password", password);
  r.str("baseDN", c.base_dn, false, kMaxDnBytes);
  r.strList("groups", c.groups);
  r.boolean("enabledUsersOnly", c.enabled_users_only);
  r.boolean("deleteUsers", c.delete_users);
  std::int64_t timeout = c.timeout_seconds;
  r.integer("timeoutSeconds", timeout, false, 1, 300);
  c.timeout_seconds = static_cast<int>(timeout);
  r.str("caCertificates", c.ca_certificates, false, kMaxCaCertificatesBytes);
  oneOf(r, "userNameFormat", c.user_name_format, kUserNameFormats);
  r.boolean("microsoftExchangeUsersOnly", c.microsoft_exchange_users_only);
  r.boolean("usersVisibleInAddressListsOnly", c.users_visible_in_address_lists_only);
  r.str("authenticationProtocol", c.authentication_protocol, false, kMaxProtocolNameBytes);
  r.str("openIdDiscoveryUrl", c.open_id_discovery_url, false, kMaxUrlBytes);
  r.str("openIdClientID", c.open_id_client_id, false, kMaxIdentifierBytes);
  r.str("openIdRedirectUrl", c.open_id_redirect_url, false, kMaxUrlBytes);
  r.boolean("openIdForceAdfsLogin", c.open_id_force_adfs_login);
  r.str("credentialId", c.credential_id, false, kMaxIdentifierBytes);
  r.boolean("licensedExchangeOnlineUsersOnly", c.licensed_exchange_online_users_only);
  r.str("redirectUrl", c.redirect_url, false, kMaxUrlBytes);
  r.str("userFilter", c.user_filter, false, kMaxFilterBytes);
  r.str("userNameAttribute", c.user_name_attribute, false, 64);
  r.str("fullNameAttribute", c.full_name_attribute, false, 64);
  r.strList("emailAttributes", c.email_attributes);
  r.str("groupMemberAttribute", c.group_member_attribute, false, 64);
  r.str("disabledFilter", c.disabled_filter, false, kMaxFilterBytes);
  SPE_TRY(r.finish());

  c.password = password ? *password : stored.password;
  if (c.password.size() > 1024) {
    return makeError(ErrorCode::kInvalidArgument, "'config.password' must be at most 1024 bytes long.");
  }
  if (c.password.find('\0') != std::string::npos) {
    return makeError(ErrorCode::kInvalidArgument, "'config.password' must not contain a NUL byte.");
  }
  if (!c.server_name.empty() && !isHostName(c.server_name)) {
    return makeError(ErrorCode::kInvalidArgument,
                     "'config.serverName' must be a host name or an IP address (no scheme, port or path), not '" +
                         printable(c.server_name, 100) + "'.");
  }
  if (hasControl(c.user_name)) {
    return makeError(ErrorCode::kInvalidArgument, "'config.userName' must not contain control characters.");
  }
  SPE_TRY(checkDn(c.base_dn, "config.baseDN", true));
  if (c.groups.size() > kMaxGroups) {
    return makeError(ErrorCode::kInvalidArgument,
                     "'config.groups' may name at most " + std::to_string(kMaxGroups) + " groups.");
  }
  for (std::size_t i = 0; i < c.groups.size(); ++i) {
    const std::string field = "config.groups[" + std::to_string(i) + "]";
    if (!c.isCloud()) {
      SPE_TRY(checkDn(c.groups[i], field, false));
      continue;
    }
    // A cloud directory names its groups (a name, an e-mail address or an
    // object ID), not DNs: any short text.
    if (c.groups[i].empty() || c.groups[i].size() > kMaxDnBytes) {
      return makeError(ErrorCode::kInvalidArgument,
                       "'" + field + "' must be a group name of 1 to " + std::to_string(kMaxDnBytes) + " bytes.");
    }
    SPE_TRY(noControl(c.groups[i], field));
  }
  SPE_TRY(noControl(c.authentication_protocol, "config.authenticationProtocol"));
  SPE_TRY(noControl(c.open_id_client_id, "config.openIdClientID"));
  SPE_TRY(noControl(c.credential_id, "config.credentialId"));
  SPE_TRY(checkUrl(c.open_id_discovery_url, "config.openIdDiscoveryUrl"));
  SPE_TRY(checkUrl(c.open_id_redirect_url, "config.openIdRedirectUrl"));
  SPE_TRY(checkUrl(c.redirect_url, "config.redirectUrl"));
  if (!c.ca_certificates.empty() && c.ca_certificates.find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
    return makeError(ErrorCode::kInvalidArgument,
                     "'config.caCertificates' must hold PEM certificates (-----BEGIN CERTIFICATE-----).");
  }
  SPE_TRY(checkLdapFilter(c.user_filter, "config.userFilter"));
  if (!c.disabled_filter.empty()) SPE_TRY(checkLdapFilter(c.disabled_filter, "config.disabledFilter"));
  SPE_TRY(checkAttributeName(c.user_name_attribute, "config.userNameAttribute"));
  SPE_TRY(checkAttributeName(c.full_name_attribute, "config.fullNameAttribute"));
  SPE_TRY(checkAttributeName(c.group_member_attribute, "config.groupMemberAttribute"));
  if (c.email_attributes.size() > kMaxEmailAttributes) {
    return makeError(ErrorCode::kInvalidArgument, "'config.emailAttributes' may name at most " +
                                                      std::to_string(kMaxEmailAttributes) + " attributes.");
  }
  for (std::size_t i = 0; i < c.email_attributes.size(); ++i) {
    SPE_TRY(checkAttributeName(c.email_attributes[i], "config.emailAttributes[" + std::to_string(i) + "]"));
  }
  // What an LDAP type needs before it can be used at all.
  if (c.isLdap()) {
    if (c.server_name.empty()) return makeError(ErrorCode::kInvalidArgument, "'config.serverName' is required.");
    if (c.base_dn.empty()) return makeError(ErrorCode::kInvalidArgument, "'config.baseDN' is required.");
    if (c.authentication_type == "standardAuthentication" && c.user_name.empty()) {
      return makeError(ErrorCode::kInvalidArgument,
                       "'config.userName' is required with standardAuthentication (or choose anonymous).");
    }
  }
  return c;
}

Json toPublicJson(const DirectoryConfig& c) {
  return Json{{"type", c.type},
              {"serverName", c.server_name},
              {"port", c.port},
              {"protocol", c.protocol},
              {"ignoreSslPolicyErrors", c.ignore_ssl_policy_errors},
              {"authenticationType", c.authentication_type},
              {"userName", c.user_name},
              {"password", nullptr},
              {"baseDN", c.base_dn},
              {"groups", c.groups},
              {"enabledUsersOnly", c.enabled_users_only},
              {"deleteUsers", c.delete_users},
              {"timeoutSeconds", c.timeout_seconds},
              {"caCertificates", c.ca_certificates},
              {"userNameFormat", c.user_name_format},
              {"microsoftExchangeUsersOnly", c.microsoft_exchange_users_only},
              {"usersVisibleInAddressListsOnly", c.users_visible_in_address_lists_only},
              {"authenticationProtocol", c.authentication_protocol},
              {"openIdDiscoveryUrl", c.open_id_discovery_url},
              {"openIdClientID", c.open_id_client_id},
              {"openIdRedirectUrl", c.open_id_redirect_url},
              {"openIdForceAdfsLogin", c.open_id_force_adfs_login},
              {"userFilter", c.user_filter},
              {"userNameAttribute", c.user_name_attribute},
              {"fullNameAttribute", c.full_name_attribute},
              {"emailAttributes", c.email_attributes},
              {"groupMemberAttribute", c.group_member_attribute},
              {"disabledFilter", c.disabled_filter},
              {"credentialId", c.credential_id},
              {"licensedExchangeOnlineUsersOnly", c.licensed_exchange_online_users_only},
              {"redirectUrl", c.redirect_url}};
}

namespace {
std::string sealAssociated(const std::string& instance_id) { return instance_id + "/directory-bind-password"; }
}  // namespace

Json toStoredJson(const DirectoryConfig& config, const Key256& key, const std::string& instance_id) {
  Json j = toPublicJson(config);
  j.erase("password");
  if (config.password.empty()) {
    j["passwordSealed"] = nullptr;
  } else {
    std::string box;
    seal(key, config.password, sealAssociated(instance_id), box);
    j["passwordSealed"] = base64Encode(box);
  }
  return j;
}

Result<DirectoryConfig> fromStoredJson(const Json& stored, const Key256& key, const std::string& instance_id) {
  Json copy = stored;
  std::string password;
  if (copy.is_object() && copy.contains("passwordSealed")) {
    const Json sealed = copy["passwordSealed"];
    copy.erase("passwordSealed");
    if (sealed.is_string()) {
      auto box = base64Decode(sealed.get<std::string>());
      if (!box) return makeError(ErrorCode::kCorrupt, "The stored directory bind password is damaged (not base64).");
      auto opened = open(key, *box, sealAssociated(instance_id));
      if (!opened) {
        return makeError(ErrorCode::kCorrupt,
                         "The stored directory bind password does not open with this instance's key; set it again "
                         "(SetDirectoryServicesConfiguration).");
      }
      password = *opened;
    }
  }
  copy.erase("password");
  DirectoryConfig none;
  auto c = parseDirectoryConfig(copy, none);
  if (!c) {
    return makeError(ErrorCode::kCorrupt,
                     "The stored directory service configuration is not valid: " + c.error().message);
  }
  c->password = password;
  return c;
}

Result<DirectoryConfig> loadDirectoryConfig(InstanceMasterDb& db, const Key256& key, const std::string& instance_id) {
  auto stored = db.setting(kDirectorySettingName, Json());
  if (!stored) return stored.error();
  if (stored->is_null()) return DirectoryConfig{};
  auto ca = db.setting(kDirectoryCaSettingName, Json(""));
  if (!ca) return ca.error();
  Json whole = *stored;
  if (whole.is_object() && ca->is_string()) whole["caCertificates"] = *ca;
  return fromStoredJson(whole, key, instance_id);
}

Status saveDirectoryConfig(InstanceMasterDb& db, const Key256& key, const std::string& instance_id,
                           const DirectoryConfig& config) {
  Json stored = toStoredJson(config, key, instance_id);
  stored.erase("caCertificates");
  const std::size_t size = dumpJson(stored).size();
  if (size > kMaxStoredBytes) {
    return makeError(ErrorCode::kInvalidArgument, "'config' is too large to store: " + std::to_string(size) +
                                                      " bytes as JSON, at most " + std::to_string(kMaxStoredBytes) +
                                                      " (name fewer groups, or shorter filters).");
  }
  // The CA row first: a failure between the two writes leaves the old
  // configuration with new certificates, never a configuration without them.
  SPE_TRY(db.setSetting(kDirectoryCaSettingName, Json(config.ca_certificates)));
  return db.setSetting(kDirectorySettingName, stored);
}

}  // namespace spe::instance
