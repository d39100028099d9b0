// The SMTP target of export profiles (docs/export.md "SMTP"): each message
// goes to one recipient, either as it is (mode asIs, the default: the
// archived bytes unchanged, only the envelope names the recipient) or
// attached (mode attachment: a new message from the export with the archived
// one as its message/rfc822 part, or as a base64 .eml file when it has a line
// SMTP cannot carry). As is, a message with such a line (over 998 bytes) is
// refused by the server and named in the report. One message per SMTP transaction, so a
// refused message fails alone. Nothing at the recipient says whether a
// message arrived: a message a kill interrupted is sent again (at most the
// one under way, as a batch holds one message).
#include <ctime>
#include <random>

#include "common/base/crypto.h"
#include "common/net/mail_message.h"
#include "common/net/smtp_client.h"
#include "instancehost/instance/export/export_target.h"

namespace spe::instance {
namespace {

std::string randomToken() {
  std::random_device rd;
  std::string out;
  static const char kDigits[] = "0123456789abcdef";
  for (int i = 0; i < 24; ++i) out += kDigits[rd() % 16];
  return out;
}

// Whether `raw` can travel in SMTP unchanged: no line over 998 bytes
// (RFC 5321 4.5.3.1.6) and no NUL.
bool fitsSmtp(const std::string& raw) {
  std::size_t line = 0;
  for (char c : raw) {
    if (c == '\0') return false;
    if (c == '\n') {
      line = 0;
    } else if (++line > 998) {
      return false;
    }
  }
  return true;
}

std::string base64Lines(const std::string& bytes) {
  const std::string b64 = base64Encode(bytes);
  std::string out;
  for (std::size_t i = 0; i < b64.size(); i += 76) out += b64.substr(i, 76) + "\r\n";
  return out;
}

// A new message carrying `raw` as its attachment: message/rfc822 when it
// can travel as it is, else (an over-long line) the same bytes as a base64
// "message.eml" file, so that they arrive unchanged either way.
std::string attachedMessage(const ExportSpec& spec, const ExportItem& item) {
  const std::string boundary = "spe-export-" + randomToken();
  const std::string domain = spec.sender.substr(spec.sender.find('@') + 1);
  const std::string subject = "Exported message" + (item.subject.empty() ? std::string() : ": " + item.subject);
  std::string m;
  m += "From: " + spec.sender + "\r\n";
  m += "To: " + spec.recipient + "\r\n";
  m += "Subject: " + net::encodeHeaderText(subject, 9) + "\r\n";
  m += "Date: " + net::rfc5322Date(static_cast<std::int64_t>(std::time(nullptr))) + "\r\n";
  m += "Message-ID: <" + randomToken() + "@" + domain + ">\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n\r\n";
  m += "--" + boundary +
       "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n";
  m += net::quotedPrintable("The attached message was exported from the archive folder '" + item.folder + "'.\n");
  if (fitsSmtp(item.raw)) {
    m += "\r\n--" + boundary +
         "\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment; filename=\"message.eml\"\r\n\r\n";
    m += item.raw;
    if (!item.raw.empty() && item.raw.back() != '\n') m += "\r\n";
  } else {
    m += "\r\n--" + boundary +
         "\r\nContent-Type: application/octet-stream; name=\"message.eml\"\r\n"
         "Content-Disposition: attachment; filename=\"message.eml\"\r\nContent-Transfer-Encoding: base64\r\n\r\n";
    m += base64Lines(item.raw);
  }
  m += "--" + boundary + "--\r\n";
  return m;
}

class SmtpTarget : public ExportTarget {
 public:
  explicit SmtpTarget(const ExportSpec& spec) : spec_(spec) {
    settings_.host = spec.server.host;
    settings_.port = spec.server.port;
    settings_.protocol = spec.server.security == 0   ? net::SmtpProtocol::kPlain
                         : spec.server.security == 1 ? net::SmtpProtocol::kStartTls
                                                     : net::SmtpProtocol::kImplicitTls;
    settings_.ignore_ssl_policy_errors = spec.server.ignore_certificate_errors;
    settings_.authentication_required = !spec.server.user.empty();
    settings_.user_name = spec.server.user;
    settings_.password = spec.server.password;
    settings_.timeout = spec.server.timeout;
    settings_.total_timeout = spec.server.timeout * 10;
  }

  Status open(const std::vector<ExportRecord>&, bool) override { return okStatus(); }

  Status place(ExportItem& item) override {
    item.record.place = spec_.recipient;
    item.record.sha256 = sha256Hex(item.raw);
    item.record.message_key = messageIdOf(item.raw);
    return okStatus();
  }

  Result<bool> arrived(const ExportRecord&) override { return false; }

  Result<std::vector<Status>> put(std::vector<ExportItem>& batch) override {
    std::vector<Status> out;
    for (const auto& item : batch) {
      const std::string data = spec_.as_attachment ? attachedMessage(spec_, item) : item.raw;
      auto sent = client_.sendRaw(settings_, spec_.sender, {spec_.recipient}, data);
      if (sent) {
        out.push_back(okStatus());
        continue;
      }
      // The server or the way to it fails: every further message would too.
      const auto step = net::smtpStepOf(sent.error());
      if (!step || *step == net::SmtpStep::kConnect || *step == net::SmtpStep::kTls ||
          *step == net::SmtpStep::kCertificate || *step == net::SmtpStep::kAuthentication ||
          *step == net::SmtpStep::kSenderRefused || *step == net::SmtpStep::kRecipientRefused ||
          *step == net::SmtpStep::kTimeout || *step == net::SmtpStep::kSettings) {
        return sent.error();
      }
      out.push_back(sent.error());  // this message refused (DATA)
    }
    return out;
  }

  Status close() override { return okStatus(); }
  std::size_t batchSize() const override { return 1; }

 private:
  ExportSpec spec_;
  net::SmtpSettings settings_;
  net::CurlSmtpClient client_;
};

}  // namespace

std::unique_ptr<ExportTarget> makeSmtpTarget(const ExportSpec& spec) { return std::make_unique<SmtpTarget>(spec); }

}  // namespace spe::instance
