// Pop3Client: a POP3 client (RFC 1939, STLS from RFC 2595) for archiving
// from mail servers: plain, STLS or implicit TLS; USER/PASS; UIDL; RETR
// (pipelined when the server offers PIPELINING), the message exactly as
// sent with its dot-stuffing removed; DELE and QUIT (which commits them).
// Deadlines and certificate checks as MailConnection does them.
// Thread safety: one client per thread; calls block.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/base/result.h"
#include "instancehost/instance/archiving/clients/mail_connection.h"

namespace spe::instance {

struct Pop3Entry {
  int number = 0;
  std::string uid;         // UIDL
  std::int64_t size = -1;  // LIST (octets), -1 when not given
};

class Pop3Client {
 public:
  enum class Security { kNone, kStls, kTls };
  struct Options {
    std::string host;
    std::uint16_t port = 110;
    Security security = Security::kStls;
    bool ignore_certificate_errors = false;
    std::chrono::seconds timeout{60};
    std::string user, password;
    std::size_t max_message_bytes = 256u << 20;
  };

  static Result<std::unique_ptr<Pop3Client>> connect(const Options& options);
  ~Pop3Client();
  Pop3Client(const Pop3Client&) = delete;
  Pop3Client& operator=(const Pop3Client&) = delete;

  // Every message with its unique id (UIDL) and size (LIST).
  Result<std::vector<Pop3Entry>> list();
  // Retrieves messages in order; `each` may stop early by returning false.
  Status retrieve(const std::vector<Pop3Entry>& entries,
                  const std::function<bool(const Pop3Entry&, std::string&& raw)>& each);
  Status remove(int number);
  // Ends the session; deletions take effect only now.
  Status quit();

 private:
  Pop3Client(std::unique_ptr<MailConnection> net, Options options)
      : net_(std::move(net)), options_(std::move(options)) {}
  Result<std::string> line();                           // one line without CRLF
  Result<std::string> status(const std::string& what);  // +OK text, or the server's -ERR as an error
  Result<std::string> multiline();                      // up to ".", dot-unstuffed, CRLF line ends kept
  Status command(const std::string& text);
  std::unique_ptr<MailConnection> net_;
  Options options_;
  bool pipelining_ = false;
};

// Removes POP3 dot-stuffing from a multi-line body (without its final
// ".\r\n").
std::string pop3Unstuff(std::string_view body);

}  // namespace spe::instance
