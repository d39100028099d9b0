// DirectoryReader: what the instance asks of its customer's directory (the
// users a sync sees, group members, one user's entry, a bind as a user), and
// LdapDirectory, its implementation on OpenLDAP's libldap.
//
// LdapDirectory opens a connection per call (ldap_initialize; StartTLS or
// LDAPS as configured; LDAPv3; referrals off), binds as the configured
// service account (or anonymously), and closes it again: syncs are rare and
// logins are answered by the login cache most of the time, so a pool would
// buy little and hold a connection a firewall may cut.
//
// TLS: certificates are checked (LDAP_OPT_X_TLS_REQUIRE_CERT = DEMAND: the
// chain and the host name) unless the configuration opts out with
// ignoreSslPolicyErrors. The CA certificates are the configuration's
// caCertificates when given, else the system's store
// (/etc/ssl/certs/ca-certificates.crt). Each handle gets its own TLS context
// (LDAP_OPT_X_TLS_NEWCTX), so two instances' settings never mix.
//
// Limits against a hostile or huge directory: pages of kPageSize entries
// (RFC 2696 paged results), at most kMaxEntries users per sync, at most
// kMaxValues values per attribute and kMaxValueBytes per value are read; the
// configured timeout bounds the connect and every operation.
// Thread safety: LdapDirectory is immutable after construction; its calls
// may run on several threads at once (each uses its own LDAP handle).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/result.h"
#include "instancehost/instance/directory/directory_config.h"
#include "store/archive_store.h"

namespace spe::instance {

// One user as the directory describes it, already mapped to the archive's
// fields (mapDirectoryEntry).
struct DirectoryEntry {
  std::string dn;
  std::string user_name;
  std::string full_name;
  std::vector<std::string> email_addresses;  // primary first, no duplicates (case-insensitive)
  bool disabled = false;
  std::vector<std::string> member_of;  // group DNs from memberOf, as the directory spells them
};

class DirectoryReader {
 public:
  virtual ~DirectoryReader() = default;
  // Every user entry the configuration selects (base DN, user filter),
  // disabled ones included (flagged). `control` reports the count after
  // each page and can cancel (kCancelled).
  // kUnavailable when the server cannot be reached, stops answering or goes
  // away part way; kResourceExhausted beyond kMaxEntries.
  virtual Result<std::vector<DirectoryEntry>> users(const store::OperationControl& control) = 0;
  // The values of the group's member attribute ("member" for Active
  // Directory, groupMemberAttribute for generic LDAP): DNs, or user names
  // for attributes such as memberUid. kNotFound when there is no such group.
  virtual Result<std::vector<std::string>> groupMembers(const std::string& group_dn) = 0;
  // The user entry whose user-name attribute is `user_name` (the value
  // escaped into the filter); nullopt when there is none, or more than one.
  virtual Result<std::optional<DirectoryEntry>> findUser(const std::string& user_name) = 0;
  // The user entry at `dn` if the user filter selects it; nullopt if not.
  virtual Result<std::optional<DirectoryEntry>> userAt(const std::string& dn) = 0;
  // A simple bind as `dn` with `password` on a connection of its own.
  // OK; kUnauthenticated when the directory refuses the credentials;
  // kUnavailable when it cannot be asked. An empty password is refused
  // (kUnauthenticated) without asking: LDAP treats it as an anonymous bind,
  // which "succeeds" (RFC 4513 5.1.2).
  virtual Status bindAs(const std::string& dn, const std::string& password) = 0;
};

// Attribute values of one entry by lower-case attribute name.
using LdapAttributes = std::map<std::string, std::vector<std::string>>;

// RFC 4515 3: a value made safe inside a filter ("(uid=" + escaped + ")"):
// '*', '(', ')', '\' and NUL become \2a, \28, \29, \5c, \00.
std::string escapeFilterValue(std::string_view value);

// Maps an entry's attributes to the archive's fields as the configuration's
// type says (docs/directory-services.md):
//   activeDirectory: user name sAMAccountName or userPrincipalName
//     (userNameFormat); full name displayName, else cn; e-mail addresses
//     mail, then proxyAddresses with an "SMTP:" (primary) or "smtp:" prefix
//     (other address types such as X500: are left out); disabled when
//     userAccountControl has bit 2 (ACCOUNTDISABLE).
//   genericLdap: the configured attributes; `disabled` stays false (the
//     reader applies disabledFilter).
// Values that are too long or not e-mail addresses are left out.
DirectoryEntry mapDirectoryEntry(const DirectoryConfig& config, const std::string& dn, const LdapAttributes& attrs);

// The attributes mapDirectoryEntry reads, for the search request.
std::vector<std::string> directoryAttributes(const DirectoryConfig& config);

// The search filter of users: for activeDirectory user accounts
// (sAMAccountType=805306368), with microsoftExchangeUsersOnly also
// (msExchMailboxGuid=*), with usersVisibleInAddressListsOnly also
// (!(msExchHideFromAddressLists=TRUE)); for genericLdap the configured
// userFilter.
std::string directoryUserFilter(const DirectoryConfig& config);

// A DN compared as directories compare them (case-insensitive, no spaces
// around ',' '=' and '+'): the key of DN matches in sync and group filters.
std::string normaliseDn(std::string_view dn);

class LdapDirectory : public DirectoryReader {
 public:
  static constexpr int kPageSize = 500;
  static constexpr std::size_t kMaxEntries = 200000;
  static constexpr std::size_t kMaxValues = 1000;
  static constexpr std::size_t kMaxValueBytes = 4096;

  // `ca_file_directory`: where the configured CA certificates are written
  // for libldap, which reads them from a file (the instance's base
  // directory).
  LdapDirectory(DirectoryConfig config, std::string ca_file_directory);

  Result<std::vector<DirectoryEntry>> users(const store::OperationControl& control) override;
  Result<std::vector<std::string>> groupMembers(const std::string& group_dn) override;
  Result<std::optional<DirectoryEntry>> findUser(const std::string& user_name) override;
  Result<std::optional<DirectoryEntry>> userAt(const std::string& dn) override;
  Status bindAs(const std::string& dn, const std::string& password) override;

 private:
  class Connection;
  Result<std::unique_ptr<Connection>> connect();
  Result<std::string> caFile();
  Result<std::vector<DirectoryEntry>> search(Connection& c, const std::string& base, int scope,
                                             const std::string& filter, const store::OperationControl* control);
  Status markDisabled(Connection& c, std::vector<DirectoryEntry>& entries, const std::string& base, int scope);

  DirectoryConfig config_;
  std::string ca_file_directory_;
};

}  // namespace spe::instance
