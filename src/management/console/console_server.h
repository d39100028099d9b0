// ConsoleServer: the Management Console on its own HTTPS port (8470, the
// Management Server's certificate): the single-page application's files
// (console_files.h) and, for it, the Management API behind a session
// instead of HTTP Basic.
//
// - POST /console/login {userName, password}: a system administrator's
//   password (not the API password), checked by the same Authenticator and
//   slowed by the same LoginThrottle as the API. Answers {userName,
//   csrfToken} and the cookie "spe_console" (Secure, HttpOnly,
//   SameSite=Strict, Path=/); with apiPort, the Management API's port, when
//   it listens. For an administrator with multi-factor login (admin_mfa.h)
//   the answer is instead {userName, step: "mfaRequired" | "mfaSetupRequired",
//   ticket, expiresInSeconds} (the set-up also with `setup`: {secret,
//   otpauthUri, qrCode}) and no cookie: the ticket (login_tickets.h) grants
//   nothing but the second step.
// - POST /console/login/mfa {ticket, code}: the second step. A right code
//   (one not used before) answers like a login without MFA; a wrong one is
//   401 and slowed like a wrong password (the same LoginGuard name and
//   LoginThrottle address), 429 while the name is locked; {restart: true}
//   when the ticket is gone and the password must be entered again.
// - GET /console/session: the same of the cookie's session, or
//   401. POST /console/logout ends it (with the CSRF header).
// - /api/invoke/<Function>, /api/get-status, /api/cancel-async,
//   /api/get-metadata: the API's own dispatcher (api/api_dispatch.h) as the
//   session's administrator, with the header X-AntiXsrfToken: <csrfToken>.
//   401 without a live session, 403 without the right CSRF token.
// A session ends after `idle_timeout` without a request, on logout, and at
// its next request once its administrator was deleted, got a new password,
// or a new multi-factor secret (InitializeSystemAdministratorMFA).
// Console answers are JSON without the API's BOM; /api/ answers are the
// API's envelopes as they are.
// Thread safety: listen() once; stop() from any thread.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "common/base/clock.h"
#include "common/net/asio.h"
#include "common/net/connection_limits.h"
#include "common/net/tls.h"
#include "management/admin_mfa.h"
#include "management/api/api_dispatch.h"
#include "management/api/login_throttle.h"
#include "management/authenticator.h"
#include "management/management_db.h"

namespace spe::management {

struct ConsoleOptions {
  std::string web_directory;   // the built application (index.html, assets/)
  std::uint16_t api_port = 0;  // told to the application, for the command lines it shows (0: none)
  std::chrono::seconds idle_timeout{30 * 60};
  std::size_t max_sessions = 10000;
  std::size_t max_body = 16 * 1024 * 1024;
  std::chrono::seconds read_timeout{60};
  ConnectionLimits connections;  // connections without a session yet
  ApiDispatchLimits dispatch;
};

class ConsoleServer {
 public:
  ConsoleServer(asio::io_context& io, asio::thread_pool& pool, SslContextPtr ctx, FunctionRegistry& registry,
                TaskRegistry& tasks, Authenticator& auth, LoginThrottle& throttle, ManagementDb& db, AdminMfa& mfa,
                Clock& clock, ConsoleOptions options);
  ~ConsoleServer();

  Result<std::uint16_t> listen(const std::string& address, std::uint16_t port);
  void stop();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace spe::management
