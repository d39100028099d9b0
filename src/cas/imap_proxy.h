// ImapProxy: the CAS's IMAP listeners (143 with STARTTLS, 993 with TLS)
// and their pre-authentication dialogue, as Dovecot's login processes do:
// CAPABILITY, NOOP, ID, LOGOUT, STARTTLS, LOGIN and AUTHENTICATE PLAIN.
// Before TLS, LOGINDISABLED is announced and logins are refused. The user
// name is "<instance ID or alias>/<user>": the CAS opens a stream to that
// instance through its host (stream.open, service "imap"), the instance
// checks the password and the "imap" login privilege, and on success the
// CAS answers OK and splices bytes both ways. An unknown instance and a
// wrong password get the same answer, after a growing delay (login_delays.h).
// Limits: 60 s per command before login and 3 minutes in all, 3 failed
// logins per connection; connections not logged in count against
// `limiter` (over it: "* BYE Too many connections" on 143, closed on 993);
// logins waiting on one instance are capped and timed by `calls`.
// Thread safety: each connection runs on its own strand.
#pragma once

#include <memory>

#include "cas/cas_routes.h"
#include "cas/instance_calls.h"
#include "cas/login_delays.h"
#include "common/net/asio.h"
#include "common/net/tls.h"

namespace spe::cas {

class ImapProxy {
 public:
  // `delays` is shared with Web Access: failures on either count for both.
  ImapProxy(asio::io_context& io, CasRoutes& routes, LoginDelays& delays, SslContextPtr public_tls,
            InstanceCalls& calls, std::shared_ptr<ConnectionLimiter> limiter);
  // Listens; returns the bound port. `implicit_tls`: 993 style.
  Result<std::uint16_t> listen(const std::string& address, std::uint16_t port, bool implicit_tls);
  void stop();

 private:
  asio::io_context& io_;
  CasRoutes& routes_;
  SslContextPtr tls_;
  LoginDelays& delays_;
  InstanceCalls& calls_;
  std::shared_ptr<ConnectionLimiter> limiter_;
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors_;
};

}  // namespace spe::cas
