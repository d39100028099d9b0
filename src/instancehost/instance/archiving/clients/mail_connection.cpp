#include "instancehost/instance/archiving/clients/mail_connection.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/write.hpp>
#include <optional>
#include <vector>

#include "common/base/logging.h"
#include "common/net/asio.h"

namespace spe::instance {
namespace {

Error unavailable(const std::string& message) { return makeError(ErrorCode::kUnavailable, message); }

}  // namespace

struct MailConnection::Impl {
  explicit Impl(Options o) : options(std::move(o)) {}
  Options options;
  asio::io_context io;
  asio::ssl::context ssl{asio::ssl::context::tls_client};
  std::optional<beast::tcp_stream> plain;
  std::optional<TlsStream> tls;
  bool broken = false;
  bool cancelled = false;  // the policy said stop
  std::string goodbye;

  std::string where() const { return options.host + ":" + std::to_string(options.port); }
  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }

  // Runs one asynchronous step to its end (or the deadline, or the policy's cancellation).
  template <typename Start>
  ErrorCodeT run(Start start, std::size_t* bytes = nullptr) {
    ErrorCodeT result;
    bool done = false;
    lowest().expires_after(options.timeout);
    start([&](ErrorCodeT ec, std::size_t n) {
      result = ec;
      if (bytes) *bytes = n;
      done = true;
    });
    io.restart();
    while (!done) {
      if (io.run_one_for(std::chrono::milliseconds(250)) == 0 && io.stopped()) break;
      if (!done && !cancelled && options.policy.cancelled && options.policy.cancelled()) {
        cancelled = true;
        lowest().cancel();  // the step ends with operation_aborted
      }
    }
    if (result) broken = true;
    return result;
  }

  Error networkError(const std::string& what, const ErrorCodeT& ec) {
    if (cancelled) return makeError(ErrorCode::kCancelled, "Stopped while talking to the mail server.");
    if (ec == beast::error::timeout) {
      return unavailable("The mail server did not answer within " + std::to_string(options.timeout.count()) +
                         " seconds (" + what + ").");
    }
    if (!goodbye.empty()) return unavailable("The mail server closed the connection: " + goodbye);
    return unavailable("The connection to the mail server failed (" + what + "): " + ec.message() + ".");
  }

  Status handshake() {
    tls.emplace(std::move(*plain), ssl);
    plain.reset();
    if (!options.ignore_certificate_errors) tls->set_verify_callback(asio::ssl::host_name_verification(options.host));
    // SNI (the macro SSL_set_tlsext_host_name casts in C style).
    SSL_ctrl(tls->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
             const_cast<char*>(options.host.c_str()));
    const auto ec = run([&](auto handler) {
      tls->async_handshake(asio::ssl::stream_base::client, [handler](ErrorCodeT e) mutable { handler(e, 0); });
    });
    if (!ec) return okStatus();
    const long verify = SSL_get_verify_result(tls->native_handle());
    if (verify != X509_V_OK) {
      return unavailable(
          "The mail server's certificate is not trusted: " + std::string(X509_verify_cert_error_string(verify)) +
          (options.policy.for_end_user ? "." : ". Set 'ignoreSSLPolicyErrors' to archive from this server anyway."));
    }
    return networkError("TLS handshake with " + where(), ec);
  }
};

MailConnection::MailConnection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
MailConnection::~MailConnection() = default;

Result<std::unique_ptr<MailConnection>> MailConnection::open(const Options& options, bool tls) {
  auto impl = std::make_unique<Impl>(options);
  tcp::resolver resolver(impl->io);
  ErrorCodeT ec;
  const auto resolved = resolver.resolve(options.host, std::to_string(options.port), ec);
  if (ec) return unavailable("Cannot resolve the mail server's name '" + options.host + "': " + ec.message() + ".");
  std::vector<tcp::endpoint> endpoints;
  for (const auto& entry : resolved) {
    const auto& allowed = options.policy.address_allowed;
    if (!allowed || allowed(entry.endpoint().address().to_string())) endpoints.push_back(entry.endpoint());
  }
  if (endpoints.empty()) {
    if (resolved.empty()) return unavailable("The mail server's name '" + options.host + "' has no address.");
    return makeError(ErrorCode::kPermissionDenied, "The mail server '" + options.host +
                                                       "' is in a private or reserved network, which may not be used "
                                                       "here.");
  }
  impl->plain.emplace(impl->io);
  ec = impl->run([&](auto handler) {
    impl->plain->async_connect(endpoints, [handler](ErrorCodeT e, const tcp::endpoint&) mutable { handler(e, 0); });
  });
  if (ec) return impl->networkError("connecting to " + impl->where(), ec);
  impl->ssl.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                        asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
  if (options.ignore_certificate_errors) {
    impl->ssl.set_verify_mode(asio::ssl::verify_none);
  } else {
    impl->ssl.set_default_verify_paths();
    if (!options.policy.extra_ca_file.empty()) {
      impl->ssl.load_verify_file(options.policy.extra_ca_file, ec);
      if (ec) {
        logger("mail")->error("the certificates file '{}' cannot be read: {}", options.policy.extra_ca_file,
                              ec.message());
        return makeError(ErrorCode::kIo, options.policy.for_end_user
                                             ? "The provider's certificate settings cannot be read; tell the provider."
                                             : "The certificates file '" + options.policy.extra_ca_file +
                                                   "' cannot be read: " + ec.message() + ".");
      }
    }
    impl->ssl.set_verify_mode(asio::ssl::verify_peer);
  }
  if (tls) SPE_TRY(impl->handshake());
  return std::unique_ptr<MailConnection>(new MailConnection(std::move(impl)));
}

Status MailConnection::startTls() {
  if (!buffer.empty()) return unavailable("The mail server sent data before the TLS handshake.");
  return impl_->handshake();
}

Status MailConnection::write(const std::string& bytes) {
  if (impl_->broken) return unavailable("The connection to the mail server is closed.");
  // In pieces, each with the whole deadline: the deadline bounds a stall, not
  // how long a large message takes on a slow link.
  constexpr std::size_t kPiece = 1 << 20;
  for (std::size_t at = 0; at < bytes.size(); at += kPiece) {
    const auto piece = asio::buffer(bytes.data() + at, std::min(kPiece, bytes.size() - at));
    const auto ec = impl_->run([&](auto handler) {
      if (impl_->tls) {
        asio::async_write(*impl_->tls, piece, handler);
      } else {
        asio::async_write(*impl_->plain, piece, handler);
      }
    });
    if (ec) return impl_->networkError("sending", ec);
  }
  return okStatus();
}

Status MailConnection::readMore() {
  if (impl_->broken) return unavailable("The connection to the mail server is closed.");
  char chunk[64 * 1024];
  std::size_t got = 0;
  const auto ec = impl_->run(
      [&](auto handler) {
        if (impl_->tls) {
          impl_->tls->async_read_some(asio::buffer(chunk), handler);
        } else {
          impl_->plain->async_read_some(asio::buffer(chunk), handler);
        }
      },
      &got);
  if (ec) return impl_->networkError("receiving", ec);
  buffer.append(chunk, got);
  return okStatus();
}

bool MailConnection::broken() const { return impl_->broken; }
void MailConnection::markBroken() { impl_->broken = true; }
void MailConnection::setGoodbye(std::string text) { impl_->goodbye = std::move(text); }

}  // namespace spe::instance
