// DirectoryConfig: how an instance reaches its customer's directory service
// (docs/directory-services.md): the typed configuration behind
// Get/SetDirectoryServicesConfiguration, its strict reader, and its place at
// rest (the SETTINGS row "DirectoryServices" of MailStoreMaster.fdb).
//
// The bind password is the one secret here. At rest it is sealed with the
// instance's secrets key (AES-256-GCM, associated data
// "<instanceID>/directory-bind-password", so a box copied to another
// instance or setting does not open); toPublicJson() never contains it.
// Every value that later goes into an LDAP URL, DN, filter or attribute list
// is checked here, once, with an error naming the field.
// Thread safety: plain values and free functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/base/crypto.h"
#include "common/base/json_reader.h"
#include "common/base/result.h"

namespace spe::instance {

class InstanceMasterDb;

// Type strings: activeDirectory and office365OpenIDConnect are the
// product's; genericLdap, office365 and googleWorkspace are this platform's
// guesses (docs/directory-services.md, "Types"). The two LDAP types are
// served here; the cloud types are kept so a configuration round-trips, and
// a sync or login with them answers kNotSupported (they need a cloud
// connection).
inline constexpr const char* kDirectoryNone = "none";
inline constexpr const char* kDirectoryActiveDirectory = "activeDirectory";
inline constexpr const char* kDirectoryGenericLdap = "genericLdap";

struct DirectoryConfig {
  std::string type = kDirectoryNone;
  std::string server_name;                                     // a host name or IP address, nothing else
  int port = 0;                                                // 0: the protocol's default (389, or 636 for LDAPS)
  std::string protocol = "LDAP";                               // "LDAP" | "LDAP-StartTLS" | "LDAPS"
  bool ignore_ssl_policy_errors = false;                       // explicit opt-out of certificate checks
  std::string authentication_type = "standardAuthentication";  // | "anonymous"
  std::string user_name;                                       // the bind DN (or a UPN for Active Directory)
  std::string password;                                        // plain only in memory
  std::string base_dn;
  std::vector<std::string> groups;  // group DNs; empty: every user the filter selects
  bool enabled_users_only = true;
  bool delete_users = false;
  int timeout_seconds = 15;  // connect and each operation
  // PEM certificates to trust for LDAPS/StartTLS instead of the system's
  // store (most Active Directory servers have a certificate from the
  // company's own CA); empty: the system's store.
  std::string ca_certificates;
  // activeDirectory
  std::string user_name_format = "samAccountName";  // | "userPrincipalName"
  bool microsoft_exchange_users_only = false;
  // Only users Exchange shows in address lists: the user filter leaves out
  // entries with msExchHideFromAddressLists=TRUE.
  bool users_visible_in_address_lists_only = false;
  // The product's fields for Web Access logins through AD FS (OpenID
  // Connect): stored and returned as given, not used here (a directory
  // user's login is always an LDAP bind). The product names only the value
  // "networkAuthentication" for authenticationProtocol; any short value is
  // kept as it is.
  std::string authentication_protocol = "networkAuthentication";
  std::string open_id_discovery_url;
  std::string open_id_client_id;
  std::string open_id_redirect_url;
  bool open_id_force_adfs_login = false;
  // Cloud types (office365OpenIDConnect, office365, googleWorkspace): the
  // product's fields, stored and returned only (no cloud connection here).
  // For these types `groups` holds group names as the cloud spells them,
  // not DNs.
  std::string credential_id;
  bool licensed_exchange_online_users_only = false;
  std::string redirect_url;
  // genericLdap
  std::string user_filter = "(objectClass=inetOrgPerson)";
  std::string user_name_attribute = "uid";
  std::string full_name_attribute = "cn";
  std::vector<std::string> email_attributes = {"mail"};
  std::string group_member_attribute = "member";
  std::string disabled_filter;  // "" = no entry counts as disabled

  bool isLdap() const { return type == kDirectoryActiveDirectory || type == kDirectoryGenericLdap; }
  bool isCloud() const { return type != kDirectoryNone && !isLdap(); }
  int effectivePort() const { return port != 0 ? port : (protocol == "LDAPS" ? 636 : 389); }
  // "ldap://host:389" or "ldaps://host:636" (IPv6 addresses in brackets).
  std::string url() const;
};

// Limits, each the size of what real directories hold with room to spare.
inline constexpr std::size_t kMaxDnBytes = 1000;  // USERS.DISTINGUISHED_NAME is VARCHAR(1000)
inline constexpr std::size_t kMaxFilterBytes = 2000;
inline constexpr std::size_t kMaxGroups = 100;
inline constexpr std::size_t kMaxEmailAttributes = 10;
inline constexpr std::size_t kMaxUrlBytes = 1000;         // redirect and discovery URLs
inline constexpr std::size_t kMaxIdentifierBytes = 256;   // credentialId, openIdClientID
inline constexpr std::size_t kMaxProtocolNameBytes = 64;  // authenticationProtocol
// SETTINGS.SETTING_VALUE holds 8,000 bytes: the CA certificates have a row
// of their own (room for three or four PEM certificates), and the rest of
// the configuration must fit in one row (saveDirectoryConfig says so).
inline constexpr std::size_t kMaxCaCertificatesBytes = 7000;
inline constexpr std::size_t kMaxStoredBytes = 8000;

// Reads a SetDirectoryServicesConfiguration object. Absent keys take their
// defaults, except "password": absent or null keeps `stored`'s, "" clears
// it, a string sets it. Unknown keys, wrong types and bad values are
// kInvalidArgument errors naming the field ("'config.port' must be ...").
Result<DirectoryConfig> parseDirectoryConfig(const Json& object, const DirectoryConfig& stored);

// The configuration as GetDirectoryServicesConfiguration answers it:
// every field, "password" always null.
Json toPublicJson(const DirectoryConfig& config);

// Checks of single values, used by the reader above and by the tests.
// An LDAP filter: parenthesised, balanced, at most kMaxFilterBytes, no NUL.
Status checkLdapFilter(const std::string& filter, const std::string& field);
// A DN libldap can parse (RFC 4514), at most kMaxDnBytes; "" only when `may_be_empty`.
Status checkDn(const std::string& dn, const std::string& field, bool may_be_empty);
// An attribute description: a name (letter, then letters, digits, '-') or
// a numeric OID, at most 64 bytes.
Status checkAttributeName(const std::string& name, const std::string& field);
// "" or an absolute http:// or https:// URL with a host, at most
// kMaxUrlBytes, without spaces or control characters.
Status checkUrl(const std::string& url, const std::string& field);

// SETTINGS row names.
inline constexpr const char* kDirectorySettingName = "DirectoryServices";
inline constexpr const char* kDirectoryCaSettingName = "DirectoryServicesCA";

// The stored configuration with its password opened; the defaults (type
// "none") when nothing is stored. kCorrupt when the stored password does not
// open with `key` (the row was copied from elsewhere or damaged).
Result<DirectoryConfig> loadDirectoryConfig(InstanceMasterDb& db, const Key256& key, const std::string& instance_id);
// kInvalidArgument when the configuration is too large for its row.
Status saveDirectoryConfig(InstanceMasterDb& db, const Key256& key, const std::string& instance_id,
                           const DirectoryConfig& config);

// The stored form (password sealed, base64) and back; exposed for tests.
Json toStoredJson(const DirectoryConfig& config, const Key256& key, const std::string& instance_id);
Result<DirectoryConfig> fromStoredJson(const Json& stored, const Key256& key, const std::string& instance_id);

}  // namespace spe::instance
