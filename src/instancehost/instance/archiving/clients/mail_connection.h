// MailConnection: the transport of our mail protocol clients (IMAP, POP3):
// TCP, implicit TLS or an upgrade to TLS (STARTTLS/STLS), every step with a
// deadline (the time a step may go without progress: a large write goes in
// pieces, each with the whole deadline). Server certificates are verified against the system's CA store
// and the host name unless told to ignore errors; the errors say what to do.
// A connection a user's input names (a Web Access restore) goes only to the
// addresses its Policy allows, checked after the name is resolved and
// before connecting: the addresses connected to are the ones checked.
// Thread safety: one connection per thread; calls block.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/base/result.h"

namespace spe::instance {

class MailConnection {
 public:
  struct Policy {
    // Whether an address (text form: "203.0.113.5", "2001:db8::1") may be
    // connected to; null: every address.
    std::function<bool(const std::string&)> address_allowed;
    // Certificates (PEM) trusted besides the system's CA store.
    std::string extra_ca_file;
    // Asked every 250 ms while a network step waits: true ends the step
    // (and the connection) with a kCancelled error. Null: never.
    std::function<bool()> cancelled;
    // The server was named by an end user: errors do not name the provider's
    // files or settings (extra_ca_file, ignoreSSLPolicyErrors).
    bool for_end_user = false;
  };
  struct Options {
    std::string host;
    std::uint16_t port = 0;
    bool ignore_certificate_errors = false;
    std::chrono::seconds timeout{60};
    Policy policy;
  };
  // Connects (and with `tls` does the TLS handshake at once).
  static Result<std::unique_ptr<MailConnection>> open(const Options& options, bool tls);
  ~MailConnection();
  MailConnection(const MailConnection&) = delete;
  MailConnection& operator=(const MailConnection&) = delete;

  // The TLS handshake on the open connection (after STARTTLS/STLS); fails
  // when bytes arrived that were sent before it.
  Status startTls();
  Status write(const std::string& bytes);
  // Reads what arrives (at least one byte) and appends it to `buffer`.
  Status readMore();
  // Received and not consumed yet; callers erase what they used.
  std::string buffer;
  bool broken() const;
  void markBroken();
  // Text the server said when it closed (for errors).
  void setGoodbye(std::string text);

 private:
  struct Impl;
  explicit MailConnection(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace spe::instance
