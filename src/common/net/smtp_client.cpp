#include "common/net/smtp_client.h"

#include <curl/curl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>
#include <mutex>

#include "common/base/host_names.h"
#include "common/base/logging.h"
#include "common/base/text.h"

namespace spe::net {
namespace {

constexpr const char* kStepNames[] = {
    "settings",      "connect",          "tls",         "certificate", "authentication",
    "senderRefused", "recipientRefused", "dataRefused", "timeout",     "cancelled"};

void globalInit() {
  static std::once_flag once;
  // curl_global_init is not thread-safe in this libcurl (7.88): once, here.
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// What the conversation showed, kept to name the failing step. Commands are
// reduced to their verb and address (AUTH keeps only its mechanism; SASL
// continuation lines, which carry credentials, are never kept); the message
// itself is never looked at.
struct Transcript {
  std::string last_command;
  std::string last_reply;
  bool any_reply = false;
  bool auth_sent = false;
  bool data_sent = false;
  bool quitting = false;
};

std::string trimLine(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
  return printable(s, 300);
}

std::string safeCommand(std::string_view line) {
  std::string upper;
  for (char c : line.substr(0, 10)) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const char* verb : {"EHLO", "HELO", "STARTTLS", "MAIL", "RCPT", "DATA", "QUIT", "RSET"}) {
    if (upper.rfind(verb, 0) == 0) return trimLine(line);
  }
  if (upper.rfind("AUTH ", 0) == 0) {
    const std::string_view rest = line.substr(5);
    return "AUTH " + trimLine(rest.substr(0, rest.find(' ')));
  }
  return "(credentials)";
}

int onDebug(CURL*, curl_infotype type, char* data, size_t size, void* user) {
  auto* t = static_cast<Transcript*>(user);
  const std::string_view text(data, size);
  if (t->quitting) return 0;  // QUIT and its "221 Bye" after a failure would hide the failure
  if (type == CURLINFO_HEADER_OUT) {
    const std::string command = safeCommand(text);
    if (command.rfind("QUIT", 0) == 0) {
      t->quitting = true;
      return 0;
    }
    t->last_command = command;
    if (command.rfind("AUTH", 0) == 0) t->auth_sent = true;
  } else if (type == CURLINFO_HEADER_IN) {
    // One or more reply lines; the last complete one is kept.
    std::size_t end = text.size();
    while (end > 0 && (text[end - 1] == '\n' || text[end - 1] == '\r')) --end;
    const std::size_t nl = text.rfind('\n', end == 0 ? 0 : end - 1);
    const std::string_view line = text.substr(nl == std::string_view::npos ? 0 : nl + 1);
    if (!trimLine(line).empty()) {
      t->last_reply = trimLine(line);
      t->any_reply = true;
    }
  } else if (type == CURLINFO_DATA_OUT) {
    t->data_sent = true;
  }
  return 0;
}

struct Upload {
  const std::string* data;
  std::size_t offset = 0;
};

size_t onRead(char* buffer, size_t size, size_t nitems, void* user) {
  auto* u = static_cast<Upload*>(user);
  const std::size_t n = std::min(size * nitems, u->data->size() - u->offset);
  std::memcpy(buffer, u->data->data() + u->offset, n);
  u->offset += n;
  return n;
}

int onProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* cancelled = static_cast<const std::function<bool()>*>(user);
  return (*cancelled && (*cancelled)()) ? 1 : 0;
}

std::string seconds(std::chrono::milliseconds ms) {
  const auto s = ms.count() / 1000;
  const auto tenths = (ms.count() % 1000) / 100;
  return std::to_string(s) + (tenths ? "." + std::to_string(tenths) : "") + " s";
}

Error stepError(SmtpStep step, ErrorCode code, const std::string& what) {
  return makeError(code, std::string("SMTP ") + smtpStepName(step) + ": " + what, smtpStepName(step));
}

std::string replySuffix(const Transcript& t) {
  return t.last_reply.empty() ? "" : " The server answered: " + t.last_reply;
}

std::string addressIn(const std::string& command) {
  const auto lt = command.find('<'), gt = command.find('>');
  return lt != std::string::npos && gt != std::string::npos && gt > lt ? command.substr(lt + 1, gt - lt - 1) : command;
}

// The refusal named by the command the server answered last.
Error refusal(const Transcript& t, const std::string& curl_text, const SmtpSettings& s) {
  const std::string& cmd = t.last_command;
  if (cmd.rfind("MAIL", 0) == 0) {
    std::string hint;
    if (s.authentication_required && !t.auth_sent) {
      hint = " (No login was made: the server did not offer authentication" +
             std::string(s.protocol == SmtpProtocol::kPlain ? "; many servers offer it only after STARTTLS)." : ").");
    }
    return stepError(SmtpStep::kSenderRefused, ErrorCode::kInvalidArgument,
                     "the server refused the sender <" + addressIn(cmd) + ">." + replySuffix(t) + hint);
  }
  if (cmd.rfind("RCPT", 0) == 0) {
    return stepError(SmtpStep::kRecipientRefused, ErrorCode::kInvalidArgument,
                     "the server refused the recipient <" + addressIn(cmd) + ">; nothing was sent." + replySuffix(t));
  }
  if (cmd.rfind("DATA", 0) == 0 || t.data_sent) {
    return stepError(SmtpStep::kDataRefused, ErrorCode::kInvalidArgument,
                     "the server refused the message." + replySuffix(t));
  }
  if (cmd.rfind("AUTH", 0) == 0 || cmd == "(credentials)") {
    return stepError(SmtpStep::kAuthentication, ErrorCode::kUnauthenticated,
                     "the server refused the login of '" + printable(s.user_name, 100) + "'." + replySuffix(t));
  }
  if (cmd.rfind("STARTTLS", 0) == 0) {
    return stepError(SmtpStep::kTls, ErrorCode::kProtocol, "the server refused STARTTLS." + replySuffix(t));
  }
  return stepError(SmtpStep::kConnect, ErrorCode::kIo,
                   "the conversation with " + s.host + ":" + std::to_string(s.port) + " broke off (" + curl_text +
                       ")." + replySuffix(t));
}

Error mapError(CURLcode rc, CURL* curl, const Transcript& t, const std::string& curl_text, const SmtpSettings& s) {
  const std::string where = s.host + ":" + std::to_string(s.port);
  switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
      return stepError(SmtpStep::kConnect, ErrorCode::kIo, "cannot resolve the host name '" + s.host + "'.");
    case CURLE_COULDNT_CONNECT:
      return stepError(SmtpStep::kConnect, ErrorCode::kIo, "cannot connect to " + where + " (" + curl_text + ").");
    case CURLE_OPERATION_TIMEDOUT: {
      curl_off_t connected = 0;
      curl_easy_getinfo(curl, CURLINFO_CONNECT_TIME_T, &connected);
      if (connected == 0 && !t.any_reply) {
        return stepError(SmtpStep::kTimeout, ErrorCode::kTimeout,
                         "could not connect to " + where + " within " + seconds(s.timeout) + ".");
      }
      if (!t.any_reply) {
        return stepError(
            SmtpStep::kTimeout, ErrorCode::kTimeout,
            where + " accepted the connection but sent no greeting within " + seconds(s.timeout) +
                (s.protocol == SmtpProtocol::kImplicitTls ? " (or did not start TLS: is it an SMTP-SSL port?)."
                                                          : " (is it an SMTP server? an SMTP-SSL port?)."));
      }
      return stepError(SmtpStep::kTimeout, ErrorCode::kTimeout,
                       "no answer from " + where + " in time" +
                           (t.last_command.empty() ? std::string() : " after " + t.last_command) + " (" + curl_text +
                           ").");
    }
    case CURLE_USE_SSL_FAILED:
      return stepError(SmtpStep::kTls, ErrorCode::kProtocol,
                       where + " does not offer STARTTLS, which SMTP-TLS requires." + replySuffix(t));
    case CURLE_SSL_CONNECT_ERROR:
      return stepError(SmtpStep::kTls, ErrorCode::kProtocol,
                       "the TLS handshake with " + where + " failed (" + curl_text + ")" +
                           (s.protocol == SmtpProtocol::kImplicitTls ? ": is it an SMTP-SSL port (465)?" : "."));
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
      return stepError(SmtpStep::kCertificate, ErrorCode::kPermissionDenied,
                       "the certificate of " + where + " is not trusted or not for this host name (" + curl_text +
                           "). Use a certificate from a trusted CA, or set ignoreSslPolicyErrors to accept it.");
    case CURLE_LOGIN_DENIED:
    case CURLE_AUTH_ERROR:
      return stepError(SmtpStep::kAuthentication, ErrorCode::kUnauthenticated,
                       "the server refused the login of '" + printable(s.user_name, 100) + "' (" + curl_text + ")." +
                           replySuffix(t));
    case CURLE_ABORTED_BY_CALLBACK:
      return stepError(SmtpStep::kCancelled, ErrorCode::kCancelled, "the send was cancelled.");
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_GOT_NOTHING:
    case CURLE_UPLOAD_FAILED:
      if (!t.any_reply) {
        return stepError(SmtpStep::kConnect, ErrorCode::kIo,
                         where + " closed the connection without a greeting (" + curl_text + ").");
      }
      return refusal(t, curl_text, s);
    default: return refusal(t, curl_text, s);
  }
}

std::string ehloName() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) == 0 && isSmtpHost(name)) return name;
  return "localhost";
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

}  // namespace

std::optional<SmtpProtocol> parseSmtpProtocol(std::string_view name) {
  if (name == "SMTP") return SmtpProtocol::kPlain;
  if (name == "SMTP-TLS") return SmtpProtocol::kStartTls;
  if (name == "SMTP-SSL" || name == "SMTPS") return SmtpProtocol::kImplicitTls;
  return std::nullopt;
}

const char* smtpProtocolName(SmtpProtocol protocol) {
  switch (protocol) {
    case SmtpProtocol::kPlain: return "SMTP";
    case SmtpProtocol::kStartTls: return "SMTP-TLS";
    case SmtpProtocol::kImplicitTls: return "SMTP-SSL";
  }
  return "SMTP-TLS";
}

const char* smtpStepName(SmtpStep step) { return kStepNames[static_cast<int>(step)]; }

std::optional<SmtpStep> smtpStepOf(const Error& error) {
  for (std::size_t i = 0; i < std::size(kStepNames); ++i) {
    if (error.details == kStepNames[i]) return static_cast<SmtpStep>(i);
  }
  return std::nullopt;
}

bool isSmtpHost(std::string_view h) { return isHostOrAddress(h); }

namespace {

// Checks the settings both kinds of send need.
Status checkSettings(const SmtpSettings& s) {
  if (!isSmtpHost(s.host)) {
    return stepError(SmtpStep::kSettings, ErrorCode::kInvalidArgument,
                     s.host.empty() ? "no SMTP server is set (hostname)."
                                    : "'" + printable(s.host, 100) + "' is not a host name or IP address.");
  }
  if (s.port < 1 || s.port > 65535) {
    return stepError(SmtpStep::kSettings, ErrorCode::kInvalidArgument, "the port must be 1 to 65535.");
  }
  if (s.authentication_required && s.user_name.empty()) {
    return stepError(SmtpStep::kSettings, ErrorCode::kInvalidArgument,
                     "authentication is required but no user name is set.");
  }
  return okStatus();
}

// One SMTP transaction: `data` (CRLF line ends) from `sender` to `recipients`;
// the server's last reply.
Result<std::string> transfer(const SmtpSettings& s, const std::string& sender,
                             const std::vector<std::string>& recipients, const std::string& data,
                             const std::function<bool()>& cancelled) {
  globalInit();
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return makeError(ErrorCode::kInternal, "libcurl could not make a handle.");
  CURL* c = curl.get();
  const std::string host = s.host.find(':') != std::string::npos ? "[" + s.host + "]" : s.host;
  const std::string url = std::string(s.protocol == SmtpProtocol::kImplicitTls ? "smtps://" : "smtp://") + host + ":" +
                          std::to_string(s.port) + "/" + ehloName();
  const std::string from = "<" + sender + ">";
  std::unique_ptr<curl_slist, SlistDeleter> rcpt;
  for (const auto& to : recipients) {
    curl_slist* next = curl_slist_append(rcpt.get(), ("<" + to + ">").c_str());
    if (!next) return makeError(ErrorCode::kInternal, "Out of memory.");
    (void)rcpt.release();
    rcpt.reset(next);
  }
  Transcript transcript;
  Upload upload{&data};
  char errbuf[CURL_ERROR_SIZE] = {};
  const long timeout_s = static_cast<long>((s.timeout.count() + 999) / 1000);

  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(s.timeout.count()));
  curl_easy_setopt(c, CURLOPT_SERVER_RESPONSE_TIMEOUT, timeout_s);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(s.total_timeout.count()));
  curl_easy_setopt(
      c, CURLOPT_USE_SSL,
      s.protocol == SmtpProtocol::kStartTls ? static_cast<long>(CURLUSESSL_ALL) : static_cast<long>(CURLUSESSL_NONE));
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, s.ignore_ssl_policy_errors ? 0L : 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, s.ignore_ssl_policy_errors ? 0L : 2L);
  curl_blob ca{const_cast<char*>(s.ca_certificates.data()), s.ca_certificates.size(), CURL_BLOB_COPY};
  if (!s.ca_certificates.empty()) curl_easy_setopt(c, CURLOPT_CAINFO_BLOB, &ca);
  if (s.authentication_required) {
    curl_easy_setopt(c, CURLOPT_USERNAME, s.user_name.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, s.password.c_str());
  }
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(data.size()));
  curl_easy_setopt(c, CURLOPT_READFUNCTION, onRead);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, onDebug);
  curl_easy_setopt(c, CURLOPT_DEBUGDATA, &transcript);
  curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);  // feeds onDebug only: nothing is printed
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, onProgress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &cancelled);

  const CURLcode rc = curl_easy_perform(c);
  const std::string target = s.host + ":" + std::to_string(s.port) + " (" + smtpProtocolName(s.protocol) + ")";
  if (rc != CURLE_OK) {
    const std::string curl_text = errbuf[0] ? printable(errbuf, 300) : curl_easy_strerror(rc);
    Error e = mapError(rc, c, transcript, curl_text, s);
    logger("smtp")->warn("sending to {} recipient(s) through {} failed at step {}: {}", recipients.size(), target,
                         e.details, e.message);
    return e;
  }
  return transcript.last_reply;
}

}  // namespace

Result<SmtpReceipt> CurlSmtpClient::send(const SmtpSettings& s, const MailMessage& message,
                                         const std::function<bool()>& cancelled) {
  SPE_TRY(checkSettings(s));
  const MimeEnvelope envelope = mimeEnvelopeNow(message.from);
  auto mime = buildMime(message, envelope);
  if (!mime) return stepError(SmtpStep::kSettings, ErrorCode::kInvalidArgument, mime.error().message);
  std::vector<std::string> recipients;
  for (const auto& to : message.to) recipients.push_back(to.address);
  auto reply = transfer(s, message.from.address, recipients, *mime, cancelled);
  if (!reply) return reply.error();
  logger("smtp")->info("mail {} sent to {} recipient(s) through {}:{}", envelope.message_id, message.to.size(), s.host,
                       s.port);
  return SmtpReceipt{envelope.message_id, *reply};
}

Result<SmtpReceipt> CurlSmtpClient::sendRaw(const SmtpSettings& s, const std::string& sender,
                                            const std::vector<std::string>& recipients, const std::string& raw,
                                            const std::function<bool()>& cancelled) {
  SPE_TRY(checkSettings(s));
  if (!isMailAddress(sender)) {
    return stepError(SmtpStep::kSettings, ErrorCode::kInvalidArgument, "the sender is not an e-mail address.");
  }
  if (recipients.empty()) return stepError(SmtpStep::kSettings, ErrorCode::kInvalidArgument, "there is no recipient.");
  for (const auto& r : recipients) {
    if (!isMailAddress(r)) {
      return stepError(SmtpStep::kSettings, ErrorCode::kInvalidArgument, "a recipient is not an e-mail address.");
    }
  }
  // SMTP carries CRLF lines (RFC 5321 2.3.8): a bare LF gets its CR.
  std::string data;
  data.reserve(raw.size() + raw.size() / 32 + 2);
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\n' && (i == 0 || raw[i - 1] != '\r')) data += '\r';
    data += raw[i];
  }
  if (data.size() < 2 || data.compare(data.size() - 2, 2, "\r\n") != 0) data += "\r\n";
  auto reply = transfer(s, sender, recipients, data, cancelled);
  if (!reply) return reply.error();
  return SmtpReceipt{{}, *reply};
}

}  // namespace spe::net
