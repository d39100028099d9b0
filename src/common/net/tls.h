// TLS identities and pinned-thumbprint contexts.
//
// Every role has its own key pair and certificate, generated (self-signed,
// EC P-256, 10 years) at first start and replaceable by a CA-signed one by
// replacing the two PEM files. Its thumbprint is the SHA-256 of the DER
// certificate in lower-case hex. Internal connections are mutual TLS (1.2
// minimum) and each side accepts only the thumbprints in its ThumbprintPins;
// the usual CA check is replaced by the pin, since the pin is stronger.
// Thread safety: ThumbprintPins is internally locked; contexts are shared
// read-only after construction.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "common/base/result.h"

struct ssl_st;

namespace spe {

struct TlsIdentity {
  std::string cert_pem;
  std::string key_pem;
  std::string thumbprint;
  std::string cert_path;
  std::string key_path;
};

// Loads <dir>/cert.pem and <dir>/key.pem, creating both (key mode 600) when
// neither exists. `common_name` goes into the subject and SAN.
Result<TlsIdentity> loadOrCreateIdentity(const std::string& dir, const std::string& common_name);

// Loads a certificate (PEM, may hold a chain) and its key from the given files.
Result<TlsIdentity> loadIdentityFiles(const std::string& cert_path, const std::string& key_path);

// SHA-256 of DER bytes as lower-case hex.
std::string thumbprintOfDer(const unsigned char* der, std::size_t size);

// Lower-cases and removes spaces and colons; empty when not 64 hex digits.
std::string normalizeThumbprint(const std::string& text);

// The thumbprint of the certificate the peer presented, or empty.
std::string peerThumbprint(ssl_st* ssl);

// The set of peer thumbprints a side accepts. allowAny is only for clients
// started with "-t *" (spe-cli) or plain HTTPS servers that do not ask for a
// client certificate.
class ThumbprintPins {
 public:
  ThumbprintPins() = default;
  explicit ThumbprintPins(bool allow_any) : allow_any_(allow_any) {}
  void replace(std::set<std::string> pins);
  void add(const std::string& thumbprint);
  bool allowed(const std::string& thumbprint) const;
  bool allowAny() const { return allow_any_; }

 private:
  mutable std::mutex mutex_;
  std::set<std::string> pins_;
  bool allow_any_ = false;
};

using SslContextPtr = std::shared_ptr<boost::asio::ssl::context>;

// Server context presenting `identity`. With `client_pins`, a client
// certificate is required and must be pinned; without, none is asked for.
Result<SslContextPtr> makeServerContext(const TlsIdentity& identity, std::shared_ptr<ThumbprintPins> client_pins);

// Client context that accepts only servers whose thumbprint is pinned, and
// presents `identity` when given (mutual TLS).
Result<SslContextPtr> makeClientContext(const TlsIdentity* identity, std::shared_ptr<ThumbprintPins> server_pins);

// Counts a server-side TLS handshake that failed (a client without the
// pinned certificate, a scanner, a timeout) in
// spe_tls_handshake_failures_total{listener}; `listener` is one of a few
// fixed names ("role port", "imap", "https", ...).
void countTlsHandshakeFailure(const std::string& listener);

}  // namespace spe
