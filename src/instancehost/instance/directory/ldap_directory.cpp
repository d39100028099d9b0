#include "instancehost/instance/directory/ldap_directory.h"

#include <fcntl.h>
#include <ldap.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <set>

#include "common/base/atomic_file.h"
#include "common/base/crypto.h"
#include "common/base/text.h"

namespace spe::instance {
namespace {

constexpr std::size_t kMaxEmailAddresses = 100;
constexpr std::size_t kMaxFullNameBytes = 255;  // USERS.FULL_NAME
constexpr const char* kSystemCaFile = "/etc/ssl/certs/ca-certificates.crt";

// libldap writes to its socket with write(): a server that went away would
// raise SIGPIPE, whose default action ends the process. Each call blocks
// SIGPIPE in its own thread and discards one that came meanwhile.
class SigpipeGuard {
 public:
  SigpipeGuard() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~SigpipeGuard() {
    if (!sigismember(&old_, SIGPIPE)) {
      sigset_t pending;
      sigpending(&pending);
      const timespec zero{0, 0};
      while (sigismember(&pending, SIGPIPE) && sigtimedwait(&pipe_, nullptr, &zero) > 0) sigpending(&pending);
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeGuard(const SigpipeGuard&) = delete;
  SigpipeGuard& operator=(const SigpipeGuard&) = delete;

 private:
  sigset_t pipe_{};
  sigset_t old_{};
};

bool isUnavailable(int rc) {
  return rc == LDAP_SERVER_DOWN || rc == LDAP_CONNECT_ERROR || rc == LDAP_TIMEOUT || rc == LDAP_UNAVAILABLE ||
         rc == LDAP_BUSY || rc == LDAP_TIMELIMIT_EXCEEDED || rc == LDAP_UNWILLING_TO_PERFORM;
}

std::string utf8Prefix(const std::string& s, std::size_t max) {
  if (s.size() <= max) return s;
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

bool isEmailAddress(const std::string& a) {
  const auto at = a.find('@');
  return at != std::string::npos && at > 0 && at + 1 < a.size() && a.size() <= 254 &&
         a.find_first_of(" <>\",;\t\r\n") == std::string::npos && a.find('@', at + 1) == std::string::npos;
}

const std::vector<std::string>* values(const LdapAttributes& attrs, const std::string& name) {
  auto it = attrs.find(asciiLower(name));
  return it == attrs.end() ? nullptr : &it->second;
}

std::string first(const LdapAttributes& attrs, const std::string& name) {
  const auto* v = values(attrs, name);
  return v && !v->empty() ? v->front() : std::string();
}

}  // namespace

std::string escapeFilterValue(std::string_view value) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '*' || c == '(' || c == ')' || c == '\\' || c == '\0') {
      const auto b = static_cast<unsigned char>(c);
      out += '\\';
      out += kHex[b >> 4];
      out += kHex[b & 15];
    } else {
      out += c;
    }
  }
  return out;
}

std::string normaliseDn(std::string_view dn) {
  std::string out;
  out.reserve(dn.size());
  bool escaped = false;
  for (std::size_t i = 0; i < dn.size(); ++i) {
    const char c = dn[i];
    if (!escaped && (c == ',' || c == '=' || c == '+')) {
      while (!out.empty() && out.back() == ' ' && !(out.size() >= 2 && out[out.size() - 2] == '\\')) out.pop_back();
      out += c;
      while (i + 1 < dn.size() && dn[i + 1] == ' ') ++i;
      continue;
    }
    escaped = !escaped && c == '\\';
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

DirectoryEntry mapDirectoryEntry(const DirectoryConfig& config, const std::string& dn, const LdapAttributes& attrs) {
  DirectoryEntry e;
  e.dn = dn;
  std::vector<std::string> candidates;
  if (config.type == kDirectoryActiveDirectory) {
    e.user_name = first(attrs, config.user_name_format == "userPrincipalName" ? "userPrincipalName" : "sAMAccountName");
    e.full_name = first(attrs, "displayName");
    if (e.full_name.empty()) e.full_name = first(attrs, "cn");
    if (const auto* mail = values(attrs, "mail")) candidates = *mail;
    // proxyAddresses: "SMTP:" marks the primary address, "smtp:" the others;
    // X500:, SIP:, X400: and the like are not e-mail addresses.
    if (const auto* proxies = values(attrs, "proxyAddresses")) {
      std::vector<std::string> primary, others;
      for (const auto& p : *proxies) {
        if (p.rfind("SMTP:", 0) == 0) primary.push_back(p.substr(5));
        else if (asciiLower(p.substr(0, 5)) == "smtp:") others.push_back(p.substr(5));
      }
      candidates.insert(candidates.end(), primary.begin(), primary.end());
      candidates.insert(candidates.end(), others.begin(), others.end());
    }
    const std::string uac = first(attrs, "userAccountControl");
    char* end = nullptr;
    const long long flags = uac.empty() ? 0 : std::strtoll(uac.c_str(), &end, 10);
    e.disabled = (flags & 2) != 0;  // ACCOUNTDISABLE
  } else {
    e.user_name = first(attrs, config.user_name_attribute);
    e.full_name = first(attrs, config.full_name_attribute);
    for (const auto& attr : config.email_attributes) {
      if (const auto* v = values(attrs, attr)) candidates.insert(candidates.end(), v->begin(), v->end());
    }
  }
  e.full_name = utf8Prefix(e.full_name, kMaxFullNameBytes);
  std::set<std::string> seen;
  for (auto& a : candidates) {
    if (e.email_addresses.size() >= kMaxEmailAddresses) break;
    if (!isEmailAddress(a) || !seen.insert(asciiLower(a)).second) continue;
    e.email_addresses.push_back(a);
  }
  if (const auto* groups = values(attrs, "memberOf")) e.member_of = *groups;
  return e;
}

std::vector<std::string> directoryAttributes(const DirectoryConfig& config) {
  if (config.type == kDirectoryActiveDirectory) {
    return {"sAMAccountName", "userPrincipalName", "displayName",        "cn",
            "mail",           "proxyAddresses",    "userAccountControl", "memberOf"};
  }
  std::vector<std::string> out = {config.user_name_attribute, config.full_name_attribute, "memberOf"};
  out.insert(out.end(), config.email_attributes.begin(), config.email_attributes.end());
  return out;
}

std::string directoryUserFilter(const DirectoryConfig& config) {
  if (config.type == kDirectoryActiveDirectory) {
    // 805306368 = SAM_USER_OBJECT: user accounts, not computers or trusts.
    const std::string users = "(sAMAccountType=805306368)";
    std::string also;
    if (config.microsoft_exchange_users_only) also += "(msExchMailboxGuid=*)";
    // Exchange hides an entry from its address lists with this attribute;
    // an entry without it is visible.
    if (config.users_visible_in_address_lists_only) also += "(!(msExchHideFromAddressLists=TRUE))";
    return also.empty() ? users : "(&" + users + also + ")";
  }
  return config.user_filter;
}

// One LDAP handle, unbound and freed with the object.
class LdapDirectory::Connection {
 public:
  explicit Connection(LDAP* handle) : ld(handle) {}
  ~Connection() { ldap_unbind_ext_s(ld, nullptr, nullptr); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  LDAP* ld;
};

namespace {

// Whether a TCP connection to the server opens within the timeout: tells a
// TLS failure (often a certificate the instance does not trust; libldap
// says only "Can't contact LDAP server") from a server that is down.
bool tcpReachable(const DirectoryConfig& config) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(config.server_name.c_str(), std::to_string(config.effectivePort()).c_str(), &hints, &found) != 0) {
    return false;
  }
  bool reachable = false;
  for (addrinfo* a = found; a && !reachable; a = a->ai_next) {
    const int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
      reachable = true;
    } else if (errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      int error = 0;
      socklen_t len = sizeof error;
      reachable = poll(&p, 1, config.timeout_seconds * 1000) == 1 &&
                  getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) == 0 && error == 0;
    }
    close(fd);
  }
  freeaddrinfo(found);
  return reachable;
}

Error ldapError(LDAP* ld, int rc, const DirectoryConfig& config, const std::string& what) {
  std::string text = ldap_err2string(rc);
  char* diagnostic = nullptr;
  if (ld && ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diagnostic) == LDAP_OPT_SUCCESS && diagnostic) {
    if (*diagnostic) text += " (" + printable(diagnostic, 300) + ")";
    ldap_memfree(diagnostic);
  }
  ErrorCode code = ErrorCode::kProtocol;
  if (isUnavailable(rc) || rc < 0) code = ErrorCode::kUnavailable;
  if (rc == LDAP_INVALID_CREDENTIALS) code = ErrorCode::kUnauthenticated;
  if (rc == LDAP_NO_SUCH_OBJECT) code = ErrorCode::kNotFound;
  if (rc == LDAP_SIZELIMIT_EXCEEDED || rc == LDAP_ADMINLIMIT_EXCEEDED) code = ErrorCode::kResourceExhausted;
  if (rc == LDAP_INSUFFICIENT_ACCESS || rc == LDAP_INAPPROPRIATE_AUTH || rc == LDAP_STRONG_AUTH_REQUIRED ||
      rc == LDAP_CONFIDENTIALITY_REQUIRED) {
    code = ErrorCode::kPermissionDenied;
  }
  std::string message = "The directory server " + config.url() + " " + what + ": " + text + ".";
  if ((rc == LDAP_CONNECT_ERROR || rc == LDAP_SERVER_DOWN) && config.protocol != "LDAP" && tcpReachable(config)) {
    message = "The directory server " + config.url() + " answers, but no TLS connection could be made with it" +
              (config.protocol == "LDAP-StartTLS" ? " (StartTLS)" : "") + ": " + text + ".";
    if (!config.ignore_ssl_policy_errors) {
      message += " Most often its certificate is not trusted or not for '" + config.server_name +
                 "': add the certificate of the CA that issued it as caCertificates (or, knowingly, set "
                 "ignoreSslPolicyErrors).";
    }
  }
  return makeError(code, message);
}

}  // namespace

LdapDirectory::LdapDirectory(DirectoryConfig config, std::string ca_file_directory)
    : config_(std::move(config)), ca_file_directory_(std::move(ca_file_directory)) {}

Result<std::string> LdapDirectory::caFile() {
  if (config_.ca_certificates.empty()) return std::string(kSystemCaFile);
  // Named after its content: concurrent calls write the same bytes, and a
  // changed configuration never reads an old file.
  const std::string path = (std::filesystem::path(ca_file_directory_) /
                            ("DirectoryServicesCA-" + sha256Hex(config_.ca_certificates).substr(0, 16) + ".pem"))
                               .string();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) SPE_TRY(writeFileAtomically(path, config_.ca_certificates, 0600));
  return path;
}

Result<std::unique_ptr<LdapDirectory::Connection>> LdapDirectory::connect() {
  if (!config_.isLdap()) {
    return makeError(ErrorCode::kNotSupported, "The directory service type '" + config_.type + "' is not LDAP.");
  }
  LDAP* raw = nullptr;
  const std::string url = config_.url();
  int rc = ldap_initialize(&raw, url.c_str());
  if (rc != LDAP_SUCCESS || !raw) return ldapError(nullptr, rc, config_, "cannot be used");
  auto c = std::make_unique<Connection>(raw);
  LDAP* ld = c->ld;
  const int version = LDAP_VERSION3;
  timeval timeout{config_.timeout_seconds, 0};
  bool set = ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &version) == LDAP_OPT_SUCCESS &&
             ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF) == LDAP_OPT_SUCCESS &&
             ldap_set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, &timeout) == LDAP_OPT_SUCCESS &&
             ldap_set_option(ld, LDAP_OPT_TIMEOUT, &timeout) == LDAP_OPT_SUCCESS;
  if (config_.protocol != "LDAP") {
    const int require = config_.ignore_ssl_policy_errors ? LDAP_OPT_X_TLS_NEVER : LDAP_OPT_X_TLS_DEMAND;
    auto ca = caFile();
    if (!ca) return ca.error();
    const int is_server = 0;
    set = set && ldap_set_option(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &require) == LDAP_OPT_SUCCESS &&
          ldap_set_option(ld, LDAP_OPT_X_TLS_CACERTFILE, ca->c_str()) == LDAP_OPT_SUCCESS &&
          ldap_set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &is_server) == LDAP_OPT_SUCCESS;
  }
  if (!set) {
    return makeError(ErrorCode::kInternal, "The LDAP library refused the connection options for " + url + ".");
  }
  if (config_.protocol == "LDAP-StartTLS") {
    rc = ldap_start_tls_s(ld, nullptr, nullptr);
    if (rc != LDAP_SUCCESS)
      return ldapError(ld, rc == LDAP_SERVER_DOWN ? rc : LDAP_CONNECT_ERROR, config_, "did not start TLS (StartTLS)");
  }
  return c;
}

namespace {

Status simpleBind(LDAP* ld, const std::string& dn, const std::string& password, const DirectoryConfig& config,
                  const std::string& what) {
  berval cred{static_cast<ber_len_t>(password.size()), const_cast<char*>(password.data())};
  const int rc = ldap_sasl_bind_s(ld, dn.c_str(), LDAP_SASL_SIMPLE, &cred, nullptr, nullptr, nullptr);
  if (rc == LDAP_SUCCESS) return okStatus();
  return ldapError(ld, rc, config, what);
}

Status serviceBind(LDAP* ld, const DirectoryConfig& config) {
  if (config.authentication_type == "anonymous") return okStatus();
  if (config.password.empty()) {
    return makeError(ErrorCode::kUnavailable,
                     "The directory service has no bind password: set it (SetDirectoryServicesConfiguration), "
                     "or choose anonymous.");
  }
  auto st = simpleBind(ld, config.user_name, config.password, config,
                       "refused the bind as '" + printable(config.user_name, 100) + "'");
  if (!st && st.error().code == ErrorCode::kUnauthenticated) {
    // For the service account this is a configuration problem, not a user's.
    return makeError(ErrorCode::kPermissionDenied, st.error().message + " Check userName and password.");
  }
  return st;
}

struct MessageFree {
  void operator()(LDAPMessage* m) const { ldap_msgfree(m); }
};

}  // namespace

Result<std::vector<DirectoryEntry>> LdapDirectory::search(Connection& c, const std::string& base, int scope,
                                                          const std::string& filter,
                                                          const store::OperationControl* control) {
  std::vector<std::string> names = directoryAttributes(config_);
  std::vector<char*> attrs;
  for (auto& n : names) attrs.push_back(n.data());
  attrs.push_back(nullptr);
  std::vector<DirectoryEntry> out;
  std::string cookie;
  for (;;) {
    LDAPControl* page = nullptr;
    berval cookie_value{static_cast<ber_len_t>(cookie.size()), cookie.data()};
    int rc = ldap_create_page_control(c.ld, kPageSize, cookie.empty() ? nullptr : &cookie_value, 0, &page);
    if (rc != LDAP_SUCCESS) return ldapError(c.ld, rc, config_, "could not be asked (paged results)");
    LDAPControl* server_controls[] = {page, nullptr};
    timeval timeout{config_.timeout_seconds, 0};
    LDAPMessage* raw = nullptr;
    rc = ldap_search_ext_s(c.ld, base.c_str(), scope, filter.c_str(), attrs.data(), 0, server_controls, nullptr,
                           &timeout, 0, &raw);
    ldap_control_free(page);
    std::unique_ptr<LDAPMessage, MessageFree> result(raw);
    if (rc == LDAP_NO_SUCH_OBJECT && scope == LDAP_SCOPE_BASE) return out;
    if (rc != LDAP_SUCCESS) {
      return ldapError(c.ld, rc, config_,
                       "did not answer the search under '" + printable(base, 100) + "' after " +
                           std::to_string(out.size()) + " entries");
    }
    for (LDAPMessage* e = ldap_first_entry(c.ld, result.get()); e; e = ldap_next_entry(c.ld, e)) {
      if (out.size() >= kMaxEntries) {
        return makeError(ErrorCode::kResourceExhausted,
                         "The directory has more than " + std::to_string(kMaxEntries) +
                             " user entries under the base DN; choose a narrower base DN or filter.");
      }
      char* dn = ldap_get_dn(c.ld, e);
      const std::string entry_dn = dn ? dn : "";
      if (dn) ldap_memfree(dn);
      LdapAttributes attributes;
      BerElement* ber = nullptr;
      for (char* a = ldap_first_attribute(c.ld, e, &ber); a; a = ldap_next_attribute(c.ld, e, ber)) {
        berval** vals = ldap_get_values_len(c.ld, e, a);
        auto& list = attributes[asciiLower(a)];
        for (std::size_t i = 0; vals && vals[i] && list.size() < kMaxValues; ++i) {
          if (vals[i]->bv_len <= kMaxValueBytes) list.emplace_back(vals[i]->bv_val, vals[i]->bv_len);
        }
        if (vals) ldap_value_free_len(vals);
        ldap_memfree(a);
      }
      if (ber) ber_free(ber, 0);
      if (entry_dn.size() <= kMaxDnBytes) out.push_back(mapDirectoryEntry(config_, entry_dn, attributes));
    }
    // The next page, if the server pages at all.
    LDAPControl** returned = nullptr;
    int err = LDAP_SUCCESS;
    rc = ldap_parse_result(c.ld, result.get(), &err, nullptr, nullptr, nullptr, &returned, 0);
    cookie.clear();
    if (rc == LDAP_SUCCESS && returned) {
      if (LDAPControl* pr = ldap_control_find(LDAP_CONTROL_PAGEDRESULTS, returned, nullptr)) {
        berval next{0, nullptr};
        ber_int_t estimate = 0;
        if (ldap_parse_pageresponse_control(c.ld, pr, &estimate, &next) == LDAP_SUCCESS && next.bv_val) {
          cookie.assign(next.bv_val, next.bv_len);
          ber_memfree(next.bv_val);
        }
      }
      ldap_controls_free(returned);
    }
    if (control) {
      control->report(0, "Read " + std::to_string(out.size()) + " entries from the directory");
      if (control->stop()) {
        return makeError(ErrorCode::kCancelled, "Cancelled while reading the directory; nothing was changed.");
      }
    }
    if (cookie.empty()) break;
  }
  return out;
}

Status LdapDirectory::markDisabled(Connection& c, std::vector<DirectoryEntry>& entries, const std::string& base,
                                   int scope) {
  if (config_.type != kDirectoryGenericLdap || config_.disabled_filter.empty() || entries.empty()) return okStatus();
  const std::string filter = "(&" + config_.user_filter + config_.disabled_filter + ")";
  auto disabled = search(c, base, scope, filter, nullptr);
  if (!disabled) return disabled.error();
  std::set<std::string> dns;
  for (const auto& d : *disabled) dns.insert(normaliseDn(d.dn));
  for (auto& e : entries) e.disabled = dns.count(normaliseDn(e.dn)) > 0;
  return okStatus();
}

Result<std::vector<DirectoryEntry>> LdapDirectory::users(const store::OperationControl& control) {
  SigpipeGuard guard;
  auto c = connect();
  if (!c) return c.error();
  SPE_TRY(serviceBind((*c)->ld, config_));
  auto entries = search(**c, config_.base_dn, LDAP_SCOPE_SUBTREE, directoryUserFilter(config_), &control);
  if (!entries) return entries.error();
  SPE_TRY(markDisabled(**c, *entries, config_.base_dn, LDAP_SCOPE_SUBTREE));
  return entries;
}

Result<std::vector<std::string>> LdapDirectory::groupMembers(const std::string& group_dn) {
  SigpipeGuard guard;
  auto c = connect();
  if (!c) return c.error();
  LDAP* ld = (*c)->ld;
  SPE_TRY(serviceBind(ld, config_));
  const std::string attr = config_.type == kDirectoryActiveDirectory ? "member" : config_.group_member_attribute;
  std::string wanted = attr;
  char* attrs[] = {wanted.data(), nullptr};
  timeval timeout{config_.timeout_seconds, 0};
  LDAPMessage* raw = nullptr;
  const int rc = ldap_search_ext_s(ld, group_dn.c_str(), LDAP_SCOPE_BASE, "(objectClass=*)", attrs, 0, nullptr, nullptr,
                                   &timeout, 0, &raw);
  std::unique_ptr<LDAPMessage, MessageFree> result(raw);
  if (rc == LDAP_NO_SUCH_OBJECT) {
    return makeError(ErrorCode::kNotFound,
                     "The directory has no group '" + printable(group_dn, 200) + "' (config.groups).");
  }
  if (rc != LDAP_SUCCESS)
    return ldapError(ld, rc, config_, "did not answer for the group '" + printable(group_dn, 100) + "'");
  std::vector<std::string> out;
  LDAPMessage* e = ldap_first_entry(ld, result.get());
  if (!e) return out;
  BerElement* ber = nullptr;
  const std::string lower = asciiLower(attr);
  for (char* a = ldap_first_attribute(ld, e, &ber); a; a = ldap_next_attribute(ld, e, ber)) {
    // Active Directory answers big groups in ranges ("member;range=0-1499");
    // the first range is taken and users' memberOf covers the rest.
    const std::string name = asciiLower(a);
    if (name == lower || name.rfind(lower + ";range=", 0) == 0) {
      berval** vals = ldap_get_values_len(ld, e, a);
      for (std::size_t i = 0; vals && vals[i] && out.size() < kMaxEntries; ++i) {
        if (vals[i]->bv_len <= kMaxDnBytes) out.emplace_back(vals[i]->bv_val, vals[i]->bv_len);
      }
      if (vals) ldap_value_free_len(vals);
    }
    ldap_memfree(a);
  }
  if (ber) ber_free(ber, 0);
  return out;
}

Result<std::optional<DirectoryEntry>> LdapDirectory::findUser(const std::string& user_name) {
  SigpipeGuard guard;
  auto c = connect();
  if (!c) return c.error();
  SPE_TRY(serviceBind((*c)->ld, config_));
  std::string attr = config_.user_name_attribute;
  if (config_.type == kDirectoryActiveDirectory) {
    attr = config_.user_name_format == "userPrincipalName" ? "userPrincipalName" : "sAMAccountName";
  }
  const std::string filter = "(&" + directoryUserFilter(config_) + "(" + attr + "=" + escapeFilterValue(user_name) +
                             "))";
  auto found = search(**c, config_.base_dn, LDAP_SCOPE_SUBTREE, filter, nullptr);
  if (!found) return found.error();
  if (found->size() != 1) return std::optional<DirectoryEntry>();
  SPE_TRY(markDisabled(**c, *found, found->front().dn, LDAP_SCOPE_BASE));
  return std::optional<DirectoryEntry>(found->front());
}

Result<std::optional<DirectoryEntry>> LdapDirectory::userAt(const std::string& dn) {
  SigpipeGuard guard;
  auto c = connect();
  if (!c) return c.error();
  SPE_TRY(serviceBind((*c)->ld, config_));
  auto found = search(**c, dn, LDAP_SCOPE_BASE, directoryUserFilter(config_), nullptr);
  if (!found) return found.error();
  if (found->size() != 1) return std::optional<DirectoryEntry>();
  SPE_TRY(markDisabled(**c, *found, dn, LDAP_SCOPE_BASE));
  return std::optional<DirectoryEntry>(found->front());
}

Status LdapDirectory::bindAs(const std::string& dn, const std::string& password) {
  if (password.empty()) {
    return makeError(ErrorCode::kUnauthenticated, "An empty password is never sent to the directory.");
  }
  SigpipeGuard guard;
  auto c = connect();
  if (!c) return c.error();
  auto st = simpleBind((*c)->ld, dn, password, config_, "refused the user's bind");
  if (!st && st.error().code == ErrorCode::kUnauthenticated) {
    return makeError(ErrorCode::kUnauthenticated, "The directory refused the user name or password.");
  }
  return st;
}

}  // namespace spe::instance
