// SmtpClient: sends one mail through an SMTP server (RFC 5321) — the one
// client of the platform: instances' SMTP settings (TestSmtpSettings, status
// reports, notifications) and the Management Server's system SMTP
// configuration (TestSystemSmtpConfiguration) both use it.
//
// Why libcurl (CurlSmtpClient): it is maintained, packaged by Debian
// (libcurl4-openssl-dev, the OpenSSL flavour, so TLS is the same OpenSSL
// the rest of the platform uses) and already does what a correct SMTP
// client needs: EHLO, STARTTLS with the capability re-read afterwards,
// implicit TLS, SASL (PLAIN, LOGIN and stronger ones when offered),
// certificate and host name checks with the system's CA store, dot-stuffing,
// multi-line replies, connect and total timeouts. Writing that on our own
// Asio/TLS stack would be a few hundred lines more of protocol code to get
// right and fuzz, for no gain: sending is rare and never on a hot path.
// The message itself (MIME, encodings) is ours: common/net/mail_message.h.
//
// Protocols (the product's names): "SMTP" plain (port 25/587), "SMTP-TLS"
// STARTTLS required (the send fails when the server does not offer it),
// "SMTP-SSL" implicit TLS (port 465); "SMTPS", the name older settings
// may hold, is read as "SMTP-SSL".
// ignore_ssl_policy_errors turns certificate and host name checks off: an
// explicit opt-out for servers with self-signed certificates.
//
// Errors name the step that failed (smtpStepName() in Error::details, the
// step in the message): connect, tls, certificate, authentication,
// senderRefused, recipientRefused (naming the address), dataRefused,
// timeout, cancelled, settings. The server's reply is quoted when there is
// one. Passwords and message bodies are never logged nor put in errors.
//
// Thread safety: send() may run on several threads at once (one curl
// handle per call); it blocks the calling thread for at most
// settings.total_timeout.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/base/result.h"
#include "common/net/mail_message.h"

namespace spe::net {

enum class SmtpProtocol { kPlain, kStartTls, kImplicitTls };

// "SMTP", "SMTP-TLS", "SMTP-SSL" and its synonym "SMTPS"; nullopt otherwise.
std::optional<SmtpProtocol> parseSmtpProtocol(std::string_view name);
// The canonical name: "SMTP", "SMTP-TLS" or "SMTP-SSL".
const char* smtpProtocolName(SmtpProtocol protocol);

struct SmtpSettings {
  std::string host;  // a host name or IP address
  int port = 587;
  SmtpProtocol protocol = SmtpProtocol::kStartTls;
  bool ignore_ssl_policy_errors = false;
  bool authentication_required = false;
  std::string user_name;
  std::string password;  // only in memory; never logged
  // PEM certificates to trust instead of the system's store (empty: the
  // system's store). Not part of the API's settings; tests use it.
  std::string ca_certificates;
  // Connecting, TLS, the greeting and every reply must come within
  // `timeout`; the whole send within `total_timeout`.
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
  std::chrono::milliseconds total_timeout{std::chrono::seconds(120)};
};

enum class SmtpStep {
  kSettings,          // the settings or the message cannot be used (nothing was sent)
  kConnect,           // name resolution, TCP connection, or the server closed it
  kTls,               // TLS handshake failed, or STARTTLS was not offered
  kCertificate,       // the server's certificate was not trusted or not for the host
  kAuthentication,    // the server refused the credentials (or offers no usable mechanism)
  kSenderRefused,     // MAIL FROM refused
  kRecipientRefused,  // RCPT TO refused (the message names the address)
  kDataRefused,       // DATA or the message itself refused
  kTimeout,           // no answer in time
  kCancelled,         // the caller cancelled
};
// "settings", "connect", "tls", "certificate", "authentication",
// "senderRefused", "recipientRefused", "dataRefused", "timeout", "cancelled".
const char* smtpStepName(SmtpStep step);

struct SmtpReceipt {
  std::string message_id;    // without angle brackets
  std::string server_reply;  // the server's answer to the message ("250 2.0.0 Ok: queued as ...")
};

class SmtpClient {
 public:
  virtual ~SmtpClient() = default;
  // Sends `message` to all its recipients, or to none: one refused
  // recipient fails the send (the error names it). `cancelled`, when given,
  // is asked a few times per second; true ends the send (kCancelled).
  // Errors: Error::details is smtpStepName(step); the code is
  // kInvalidArgument (settings, refusals), kIo (connect; not
  // kUnavailable, which callers read as "our own peer is down"),
  // kProtocol (tls), kPermissionDenied (certificate), kUnauthenticated
  // (authentication), kTimeout or kCancelled.
  virtual Result<SmtpReceipt> send(const SmtpSettings& settings, const MailMessage& message,
                                   const std::function<bool()>& cancelled = {}) = 0;
  // Sends a message as it is (bare LFs get their CR) with the envelope
  // `sender` -> `recipients` (export profiles). The receipt has no
  // message_id (the message has its own). The same errors as send().
  virtual Result<SmtpReceipt> sendRaw(const SmtpSettings& settings, const std::string& sender,
                                      const std::vector<std::string>& recipients, const std::string& raw,
                                      const std::function<bool()>& cancelled = {}) = 0;
};

// libcurl's SMTP.
class CurlSmtpClient : public SmtpClient {
 public:
  Result<SmtpReceipt> send(const SmtpSettings& settings, const MailMessage& message,
                           const std::function<bool()>& cancelled = {}) override;
  Result<SmtpReceipt> sendRaw(const SmtpSettings& settings, const std::string& sender,
                              const std::vector<std::string>& recipients, const std::string& raw,
                              const std::function<bool()>& cancelled = {}) override;
};

// A host name (letters, digits, '-', '_', '.') or an IPv4/IPv6 address,
// at most 253 bytes: what may stand in an smtp:// URL unchanged.
bool isSmtpHost(std::string_view host);

// The step an error of send() names, from its details (nullopt for errors
// that did not come from send()).
std::optional<SmtpStep> smtpStepOf(const Error& error);

}  // namespace spe::net
