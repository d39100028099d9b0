#include "common/net/tls.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/ssl/verify_context.hpp>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "common/base/atomic_file.h"
#include "common/metrics/metrics.h"

namespace spe {
namespace fs = std::filesystem;
namespace ssl = boost::asio::ssl;

namespace {

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string thumbprintOfX509(X509* cert) {
  unsigned char* der = nullptr;
  const int len = i2d_X509(cert, &der);
  if (len <= 0) return {};
  std::string tp = thumbprintOfDer(der, static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return tp;
}

template <typename T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

std::string bioToString(BIO* bio) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(len));
}

Result<TlsIdentity> createIdentity(const std::string& common_name) {
  PkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return makeError(ErrorCode::kInternal, "Cannot generate a TLS key.");
  X509Ptr cert(X509_new());
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 60L * 60 * 24 * 3650);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("SPE"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(common_name.c_str()), -1,
                             -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  const std::string san = "DNS:" + common_name + ",DNS:localhost,IP:127.0.0.1,IP:::1";
  if (X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, san.c_str())) {
    X509_add_ext(cert.get(), ext, -1);
    X509_EXTENSION_free(ext);
  }
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
    return makeError(ErrorCode::kInternal, "Cannot sign the TLS certificate.");
  }
  TlsIdentity id;
  BioPtr cert_bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(cert_bio.get(), cert.get());
  id.cert_pem = bioToString(cert_bio.get());
  BioPtr key_bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  id.key_pem = bioToString(key_bio.get());
  id.thumbprint = thumbprintOfX509(cert.get());
  return id;
}

Result<std::string> thumbprintOfPem(const std::string& pem, const std::string& path) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) return makeError(ErrorCode::kInvalidArgument, "'" + path + "' holds no PEM certificate.");
  return thumbprintOfX509(cert.get());
}

bool verifyPinned(const std::shared_ptr<ThumbprintPins>& pins, bool preverified, ssl::verify_context& ctx) {
  X509_STORE_CTX* store = ctx.native_handle();
  const int depth = X509_STORE_CTX_get_error_depth(store);
  if (pins->allowAny()) return true;
  if (depth > 0) return true;  // only the leaf is pinned
  (void)preverified;
  X509* cert = X509_STORE_CTX_get_current_cert(store);
  return cert != nullptr && pins->allowed(thumbprintOfX509(cert));
}

Status useIdentity(ssl::context& ctx, const TlsIdentity& identity) {
  boost::system::error_code ec;
  ctx.use_certificate_chain(boost::asio::buffer(identity.cert_pem), ec);
  if (!ec) ctx.use_private_key(boost::asio::buffer(identity.key_pem), ssl::context::pem, ec);
  if (ec) return makeError(ErrorCode::kInvalidArgument, "The TLS certificate or key is not usable.", ec.message());
  return okStatus();
}

constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

SslContextPtr baseContext(ssl::context::method method) {
  auto ctx = std::make_shared<ssl::context>(method);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                   ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  // TLS 1.2: only AEAD suites with forward secrecy (ECDHE with AES-GCM or
  // ChaCha20-Poly1305; no CBC, no SHA-1 MAC, no static RSA key exchange).
  // Every TLS 1.3 suite already is; its default list stays.
  // Contexts are made at start-up: an OpenSSL without these suites must
  // stop the daemon, never leave it offering its default (CBC) list.
  if (SSL_CTX_set_cipher_list(ctx->native_handle(), kTls12Ciphers) != 1) {
    throw std::runtime_error("This OpenSSL offers none of the TLS 1.2 cipher suites the daemons require.");
  }
  SSL_CTX_set_options(ctx->native_handle(), SSL_OP_NO_RENEGOTIATION);
  // Idle connections (IMAP sessions waiting for a command) give their
  // record buffers back: about 70 KB less per connection.
  SSL_CTX_set_mode(ctx->native_handle(), SSL_MODE_RELEASE_BUFFERS);
  return ctx;
}

}  // namespace

std::string thumbprintOfDer(const unsigned char* der, std::size_t size) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  EVP_Digest(der, size, md, &md_len, EVP_sha256(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < md_len; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 0xf]);
  }
  return out;
}

std::string normalizeThumbprint(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == ' ' || c == ':') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c))) return {};
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out.size() == 64 ? out : std::string{};
}

std::string peerThumbprint(ssl_st* ssl_handle) {
  X509* cert = SSL_get1_peer_certificate(ssl_handle);
  if (!cert) return {};
  std::string tp = thumbprintOfX509(cert);
  X509_free(cert);
  return tp;
}

Result<TlsIdentity> loadOrCreateIdentity(const std::string& dir, const std::string& common_name) {
  const std::string cert_path = dir + "/cert.pem";
  const std::string key_path = dir + "/key.pem";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return makeError(ErrorCode::kIo, "Cannot create the directory '" + dir + "': " + ec.message());
  const bool have_cert = fs::exists(cert_path), have_key = fs::exists(key_path);
  if (have_cert != have_key) {
    return makeError(ErrorCode::kInvalidArgument, "Only one of '" + cert_path + "' and '" + key_path +
                                                      "' exists: provide both or remove both to generate a new pair.");
  }
  if (!have_cert) {
    auto created = createIdentity(common_name);
    if (!created) return created.error();
    SPE_TRY(writeFileAtomically(key_path, created->key_pem, 0600));
    SPE_TRY(writeFileAtomically(cert_path, created->cert_pem, 0644));
  }
  return loadIdentityFiles(cert_path, key_path);
}

Result<TlsIdentity> loadIdentityFiles(const std::string& cert_path, const std::string& key_path) {
  TlsIdentity id;
  id.cert_path = cert_path;
  id.key_path = key_path;
  if (!fs::exists(cert_path))
    return makeError(ErrorCode::kNotFound, "The certificate file '" + cert_path + "' does not exist.");
  if (!fs::exists(key_path)) return makeError(ErrorCode::kNotFound, "The key file '" + key_path + "' does not exist.");
  id.cert_pem = readFile(cert_path);
  id.key_pem = readFile(key_path);
  auto tp = thumbprintOfPem(id.cert_pem, cert_path);
  if (!tp) return tp.error();
  id.thumbprint = *tp;
  return id;
}

void ThumbprintPins::replace(std::set<std::string> pins) {
  std::lock_guard lock(mutex_);
  pins_ = std::move(pins);
}

void ThumbprintPins::add(const std::string& thumbprint) {
  std::lock_guard lock(mutex_);
  pins_.insert(thumbprint);
}

bool ThumbprintPins::allowed(const std::string& thumbprint) const {
  if (allow_any_) return true;
  std::lock_guard lock(mutex_);
  return !thumbprint.empty() && pins_.count(thumbprint) > 0;
}

Result<SslContextPtr> makeServerContext(const TlsIdentity& identity, std::shared_ptr<ThumbprintPins> client_pins) {
  auto ctx = baseContext(ssl::context::tls_server);
  SPE_TRY(useIdentity(*ctx, identity));
  if (client_pins) {
    ctx->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
    ctx->set_verify_callback(
        [client_pins](bool pre, ssl::verify_context& vc) { return verifyPinned(client_pins, pre, vc); });
  } else {
    ctx->set_verify_mode(ssl::verify_none);
  }
  return ctx;
}

Result<SslContextPtr> makeClientContext(const TlsIdentity* identity, std::shared_ptr<ThumbprintPins> server_pins) {
  auto ctx = baseContext(ssl::context::tls_client);
  if (identity) SPE_TRY(useIdentity(*ctx, *identity));
  ctx->set_verify_mode(ssl::verify_peer);
  ctx->set_verify_callback(
      [server_pins](bool pre, ssl::verify_context& vc) { return verifyPinned(server_pins, pre, vc); });
  return ctx;
}

void countTlsHandshakeFailure(const std::string& listener) {
  metrics::counter("spe_tls_handshake_failures_total", "Server-side TLS handshakes that failed, by listener.",
                   {{"listener", listener}})
      .Increment();
}

}  // namespace spe
