#include "management/console/console_server.h"

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http.hpp>

#include "common/base/logging.h"
#include "common/net/accept.h"
#include "common/net/form.h"
#include "common/net/https_session.h"
#include "common/net/session_table.h"
#include "management/api/http_responses.h"
#include "management/console/console_files.h"
#include "management/console/login_tickets.h"

namespace spe::management {
namespace http = beast::http;
namespace {

constexpr std::string_view kCookie = "spe_console";
constexpr std::size_t kMaxUserName = 256;
constexpr std::size_t kMaxPassword = 4096;
constexpr std::size_t kMaxTicket = 128;
constexpr std::size_t kMaxCode = 32;

// A console answer: JSON without the API's BOM, the security headers.
HttpResponse consoleJson(const HttpRequest& req, http::status status, const Json& body) {
  HttpResponse res = baseResponse(req, status);
  consoleSecurityHeaders(res);
  res.set(http::field::content_type, "application/json; charset=utf-8");
  res.body() = body.dump();
  res.prepare_payload();
  return res;
}

HttpResponse consoleError(const HttpRequest& req, http::status status, const std::string& message) {
  return consoleJson(req, status, Json{{"error", message}});
}

bool jsonContent(const HttpRequest& req) {
  const std::string_view type = req[http::field::content_type];
  return type.substr(0, type.find(';')) == "application/json";
}

// No Origin (not a browser's cross-site request) or the console's own.
bool sameOrigin(const HttpRequest& req) {
  const auto origin = req.find(http::field::origin);
  if (origin == req.end()) return true;
  return origin->value() == "https://" + std::string(req[http::field::host]);
}

// What a console session is bound to: the password hash its administrator
// logged in with and the second factor's binding then (AdminMfa::binding).
struct SessionBinding {
  std::string password_hash;
  std::string mfa;
};

SessionBinding bindingOf(const AdminRecord& a) { return {a.password_hash, AdminMfa::binding(a)}; }

// A session stays while its administrator has the same password and no new
// secret was made since: a new password or Initialize...MFA ends it (a lost
// phone, a stolen password); Deactivate...MFA does not (taking a factor away
// gives a session nothing it did not have).
bool stillBound(const SessionBinding& b, const AdminRecord& a) {
  if (a.password_hash != b.password_hash) return false;
  const std::string mfa = AdminMfa::binding(a);
  return mfa == b.mfa || mfa.empty();
}

// The string field `name` of a JSON object, or nullopt.
std::optional<std::string> stringField(const Json& body, const char* name) {
  const auto it = body.is_object() ? body.find(name) : body.end();
  if (it == body.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::string sessionCookie(const std::string& token, bool clear) {
  return std::string(kCookie) + "=" + token + "; Path=/; Secure; HttpOnly; SameSite=Strict" +
         (clear ? "; Max-Age=0" : "");
}

}  // namespace

struct ConsoleServer::Impl {
  // A session's data: what it is bound to (a new password or secret, or a
  // deleted administrator, ends it).
  using Sessions = SessionTable<SessionBinding>;

  asio::io_context& io;
  asio::thread_pool& pool;
  SslContextPtr ctx;
  Authenticator& auth;
  LoginThrottle& throttle;
  ManagementDb& db;
  AdminMfa& mfa;
  ConsoleOptions options;
  ApiDispatch dispatch;
  Sessions sessions;
  LoginTickets tickets;
  tcp::acceptor acceptor;

  Impl(asio::io_context& i, asio::thread_pool& p, SslContextPtr c, FunctionRegistry& r, TaskRegistry& t,
       Authenticator& a, LoginThrottle& th, ManagementDb& d, AdminMfa& m, Clock& clock, ConsoleOptions o)
      : io(i),
        pool(p),
        ctx(std::move(c)),
        auth(a),
        throttle(th),
        db(d),
        mfa(m),
        options(std::move(o)),
        dispatch(p, r, t, options.dispatch),
        sessions(clock, options.idle_timeout, options.max_sessions),
        tickets(clock, options.max_sessions),
        acceptor(i) {}

  asio::awaitable<void> session(tcp::socket socket, std::shared_ptr<ConnectionSlot> slot) {
    HttpsSessionLimits limits;
    limits.max_body = options.max_body;
    limits.read_timeout = options.read_timeout;
    const HttpsHandlers handlers{
        [this](const HttpRequest& req, const std::string& address, ConnectionSlot* connection) {
          return answer(req, address, connection);
        },
        [](HttpRefusal why, unsigned version) {
          HttpRequest bare;
          bare.version(version);
          bare.keep_alive(false);
          return consoleError(bare,
                              why == HttpRefusal::kLengthRequired   ? http::status::length_required
                              : why == HttpRefusal::kHeaderTooLarge ? http::status::request_header_fields_too_large
                                                                    : http::status::payload_too_large,
                              "The request is too large or lacks its length.");
        },
        "console"};
    co_await serveHttps(std::move(socket), *ctx, std::move(slot), limits, handlers);
  }

  asio::awaitable<HttpAnswer> answer(const HttpRequest& req, const std::string& address, ConnectionSlot* connection) {
    HttpResponse res = co_await handle(req, address, connection);
    co_return res;
  }

  asio::awaitable<HttpResponse> handle(const HttpRequest& req, const std::string& address, ConnectionSlot* connection) {
    const std::string path = collapseSlashes(req.target());
    const bool post = req.method() == http::verb::post;
    if (path == "/console/login") {
      if (!post) co_return consoleError(req, http::status::method_not_allowed, "Use POST.");
      HttpResponse res = co_await login(req, address, connection);
      co_return res;
    }
    if (path == "/console/login/mfa") {
      if (!post) co_return consoleError(req, http::status::method_not_allowed, "Use POST.");
      HttpResponse res = co_await secondStep(req, address, connection);
      co_return res;
    }
    if (path == "/console/session" || path == "/console/logout" || ApiDispatch::isApiPath(path)) {
      HttpResponse res = co_await withSession(req, path, address, connection);
      co_return res;
    }
    if (req.method() != http::verb::get && req.method() != http::verb::head) {
      co_return consoleError(req, http::status::method_not_allowed, "Use GET.");
    }
    co_return staticFile(req, path);
  }

  // What login and /console/session answer.
  Json sessionAnswer(const std::string& user, const std::string& csrf) const {
    Json answer = Json::object();
    answer["userName"] = user;
    answer["csrfToken"] = csrf;
    if (options.api_port) answer["apiPort"] = options.api_port;
    return answer;
  }

  HttpResponse staticFile(const HttpRequest& req, const std::string& path) {
    auto file = consoleFile(options.web_directory, path);
    if (!file && path == "/") {
      return consoleError(req, http::status::service_unavailable,
                          "The console's files are not there: build them with ./spe setup.");
    }
    if (!file) return consoleError(req, http::status::not_found, "Not found: " + path);
    HttpResponse res = baseResponse(req, http::status::ok);
    consoleSecurityHeaders(res);
    res.set(http::field::content_type, file->content_type);
    res.body() = std::move(file->bytes);
    res.prepare_payload();
    return res;
  }

  asio::awaitable<HttpResponse> login(const HttpRequest& req, const std::string& address, ConnectionSlot* connection) {
    // Only the console's own script logs in: a form of another site can send
    // neither this content type nor this origin (no login CSRF).
    if (!jsonContent(req) || !sameOrigin(req)) {
      co_return consoleError(req, http::status::forbidden, "Log in from the console's own page.");
    }
    const Json body = Json::parse(req.body(), nullptr, false);
    const auto user = body.is_object() ? body.find("userName") : body.end();
    const auto password = body.is_object() ? body.find("password") : body.end();
    if (!body.is_object() || user == body.end() || !user->is_string() || password == body.end() ||
        !password->is_string()) {
      co_return consoleError(req, http::status::bad_request, "Send {\"userName\": ..., \"password\": ...} as JSON.");
    }
    const std::string name = *user, secret = *password;
    if (name.size() > kMaxUserName) co_return consoleError(req, http::status::bad_request, "'userName' is too long.");
    if (secret.size() > kMaxPassword) co_return consoleError(req, http::status::bad_request, "'password' is too long.");
    auto wait = std::make_shared<std::chrono::seconds>(0);  // set when refused unchecked
    auto check = [this, name, secret, address, wait]() -> Result<AdminRecord> {
      auto caller = auth.authenticate(name, secret, address, Authenticator::Purpose::kConsole, wait.get());
      if (!caller) return caller.error();
      auto admin = db.admin(caller->user_name);
      if (!admin) return admin.error();
      if (!*admin) return makeError(ErrorCode::kUnauthenticated, "Wrong user name or password.");
      return **admin;
    };
    auto admin = co_await offload<Result<AdminRecord>>(pool, std::move(check));
    if (!admin && wait->count() > 0) co_return tooManyLogins(req, admin.error(), *wait);
    if (!admin) {
      HttpResponse res = co_await refusedLogin(req, address, admin.error());
      co_return res;
    }
    if (admin->mfa_status != AdminMfa::kDisabled) co_return passwordStep(req, address, *admin);
    co_return startSession(req, address, connection, name, bindingOf(*admin), "");
  }

  // A session for `user`: the answer with its CSRF token and the cookie.
  HttpResponse startSession(const HttpRequest& req, const std::string& address, ConnectionSlot* connection,
                            const std::string& user, SessionBinding binding, std::string_view how) {
    if (connection) connection->authenticated();
    const auto created = sessions.create(user, std::move(binding));
    logger("console")->info("console login of '{}' from {}{}", user, address, how);
    HttpResponse res = consoleJson(req, http::status::ok, sessionAnswer(user, created.csrf));
    res.set(http::field::set_cookie, sessionCookie(created.token, false));
    return res;
  }

  // The password of an administrator with multi-factor login was right: a
  // ticket for the second step (and, while the set-up is pending, what to
  // scan), no session yet.
  HttpResponse passwordStep(const HttpRequest& req, const std::string& address, const AdminRecord& admin) {
    Json answer = Json::object();
    answer["userName"] = admin.user_name;
    const bool pending = admin.mfa_status == AdminMfa::kPending;
    if (pending) {
      auto setup = mfa.setup(admin);
      if (!setup) {
        logger("console")->error("multi-factor set-up of '{}' cannot be shown: {}", admin.user_name,
                                 setup.error().message);
        return consoleError(req, http::status::internal_server_error, setup.error().message);
      }
      answer["setup"] = {{"secret", setup->secret}, {"otpauthUri", setup->uri}, {"qrCode", setup->qr_data_url}};
    }
    answer["step"] = pending ? "mfaSetupRequired" : "mfaRequired";
    answer["ticket"] = tickets.issue(admin.user_name, admin.password_hash, AdminMfa::binding(admin));
    answer["expiresInSeconds"] = std::chrono::seconds(LoginTickets::kLifetime).count();
    logger("console")->info("console password of '{}' from {} right; waiting for the {}", admin.user_name, address,
                            pending ? "multi-factor set-up" : "one-time code");
    return consoleJson(req, http::status::ok, answer);
  }

  // POST /console/login/mfa {ticket, code}.
  asio::awaitable<HttpResponse> secondStep(const HttpRequest& req, const std::string& address,
                                           ConnectionSlot* connection) {
    if (!jsonContent(req) || !sameOrigin(req)) {
      co_return consoleError(req, http::status::forbidden, "Log in from the console's own page.");
    }
    const Json body = Json::parse(req.body(), nullptr, false);
    const auto token = stringField(body, "ticket");
    const auto code = stringField(body, "code");
    if (!token || !code || token->size() > kMaxTicket || code->size() > kMaxCode) {
      co_return consoleError(req, http::status::bad_request, "Send {\"ticket\": ..., \"code\": ...} as JSON.");
    }
    const Json restart = {{"restart", true}};
    auto ticket = tickets.find(*token);
    if (!ticket) {
      co_return consoleJson(
          req, http::status::unauthorized,
          {{"error", "This login has expired or was used; enter your password again."}, {"restart", true}});
    }
    struct Passed {
      SessionBinding binding;
      bool activated = false;
    };
    auto wait = std::make_shared<std::chrono::seconds>(0);
    auto check = [this, t = *ticket, c = *code, address, wait]() -> Result<Passed> {
      auto verified = auth.checkSecondStep(
          t.user, address, [&] { return mfa.verify(t.user, c, t.mfa_binding); }, wait.get());
      if (!verified) return verified.error();
      if (*verified) auth.invalidate();  // now Active: the API takes only the API password
      auto admin = db.admin(t.user);
      if (!admin) return admin.error();
      if (!*admin || (*admin)->password_hash != t.password_hash) {
        return makeError(ErrorCode::kPermissionDenied,
                         "The administrator changed since the password was checked; "
                         "log in again.");
      }
      return Passed{bindingOf(**admin), *verified};
    };
    auto passed = co_await offload<Result<Passed>>(pool, std::move(check));
    if (!passed && wait->count() > 0) co_return tooManyLogins(req, passed.error(), *wait);
    if (!passed && passed.error().code == ErrorCode::kPermissionDenied) {
      tickets.take(*token);
      co_return consoleJson(req, http::status::unauthorized, {{"error", passed.error().message}, {"restart", true}});
    }
    if (!passed && passed.error().code == ErrorCode::kUnauthenticated) {
      logger("console")->warn("wrong one-time code for '{}' from {}", ticket->user, address);
      const bool again = tickets.failed(*token);
      Json extra = Json::object();
      std::string message = passed.error().message;
      if (!again) {
        message += " Too many wrong codes for this login: enter your password again.";
        extra = restart;
      }
      HttpResponse res = co_await refusedLogin(req, address, makeError(ErrorCode::kUnauthenticated, message), extra);
      co_return res;
    }
    if (!passed) {
      HttpResponse res = co_await refusedLogin(req, address, passed.error());
      co_return res;
    }
    if (!tickets.take(*token)) {  // a parallel request with another code used it
      co_return consoleJson(
          req, http::status::unauthorized,
          {{"error", "This login has expired or was used; enter your password again."}, {"restart", true}});
    }
    if (passed->activated) logger("console")->info("multi-factor login of '{}' is active now", ticket->user);
    co_return startSession(req, address, connection, ticket->user, std::move(passed->binding), " with a one-time code");
  }

  // The LoginGuard turned the attempt away unchecked: 429 with the wait.
  static HttpResponse tooManyLogins(const HttpRequest& req, const Error& e, std::chrono::seconds wait) {
    Json body = Json::object();
    body["error"] = e.message;
    body["retryAfterSeconds"] = wait.count();
    HttpResponse res = consoleJson(req, http::status::too_many_requests, body);
    res.set(http::field::retry_after, std::to_string(wait.count()));
    return res;
  }

  // `extra`: more fields of the 401 answer.
  asio::awaitable<HttpResponse> refusedLogin(const HttpRequest& req, const std::string& address, const Error& e,
                                             Json extra = Json::object()) {
    if (e.code == ErrorCode::kPermissionDenied) co_return consoleError(req, http::status::forbidden, e.message);
    if (e.code != ErrorCode::kUnauthenticated) {
      logger("console")->error("console login check failed: {} {}", e.message, e.details);
      co_return consoleError(req, http::status::internal_server_error, "The login could not be checked.");
    }
    const auto delay = throttle.failure(address);
    if (delay.count() > 0) {
      logger("console")->warn("repeated failed console logins from {}; answering after {} ms", address, delay.count());
      asio::steady_timer timer(co_await asio::this_coro::executor, delay);
      ErrorCodeT ignored;
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    }
    extra["error"] = e.message;
    co_return consoleJson(req, http::status::unauthorized, extra);
  }

  // The cookie's live session: its administrator must still be there with
  // the password it logged in with.
  asio::awaitable<std::optional<Sessions::Session>> liveSession(const std::string& token) {
    auto s = sessions.lookup(token);
    if (!s) co_return std::nullopt;
    auto check = [this, user = s->user]() { return db.admin(user); };
    auto admin = co_await offload<Result<std::optional<AdminRecord>>>(pool, std::move(check));
    if (!admin || !*admin || !stillBound(s->data, **admin)) {
      sessions.end(token);
      co_return std::nullopt;
    }
    co_return s;
  }

  asio::awaitable<HttpResponse> withSession(const HttpRequest& req, const std::string& path, const std::string& address,
                                            ConnectionSlot* connection) {
    const std::string token = cookieValue(req[http::field::cookie], kCookie);
    auto s = co_await liveSession(token);
    if (!s) co_return consoleError(req, http::status::unauthorized, "Not logged in, or the session has ended.");
    if (connection) connection->authenticated();
    if (path == "/console/session") {
      co_return consoleJson(req, http::status::ok, sessionAnswer(s->user, s->csrf));
    }
    const auto presented = req.find("X-AntiXsrfToken");
    if (presented == req.end() || !Sessions::csrfMatches(*s, std::string(presented->value()))) {
      co_return consoleError(req, http::status::forbidden, "The request lacks the session's X-AntiXsrfToken.");
    }
    const bool metadata = path == "/api/get-metadata";
    if (req.method() != http::verb::post && !(metadata && req.method() == http::verb::get)) {
      co_return consoleError(req, http::status::method_not_allowed, "Use POST.");
    }
    if (path == "/console/logout") {
      sessions.end(token);
      logger("console")->info("console logout of '{}'", s->user);
      HttpResponse res = consoleJson(req, http::status::ok, Json::object());
      res.set(http::field::set_cookie, sessionCookie("", true));
      co_return res;
    }
    const Caller caller{s->user, address};  // named: GCC 12 mishandles temporaries across co_await
    HttpResponse res = co_await dispatch.handle(req, path, caller);
    consoleSecurityHeaders(res);
    co_return res;
  }
};

ConsoleServer::ConsoleServer(asio::io_context& io, asio::thread_pool& pool, SslContextPtr ctx,
                             FunctionRegistry& registry, TaskRegistry& tasks, Authenticator& auth,
                             LoginThrottle& throttle, ManagementDb& db, AdminMfa& mfa, Clock& clock,
                             ConsoleOptions options)
    : impl_(std::make_unique<Impl>(io, pool, std::move(ctx), registry, tasks, auth, throttle, db, mfa, clock,
                                   std::move(options))) {}

ConsoleServer::~ConsoleServer() = default;

Result<std::uint16_t> ConsoleServer::listen(const std::string& address, std::uint16_t port) {
  auto bound = bindAcceptor(impl_->acceptor, address, port, "Management Console");
  if (bound) {
    auto limiter = std::make_shared<ConnectionLimiter>(impl_->options.connections);
    acceptConnections(impl_->io, impl_->acceptor, std::move(limiter), "Management Console",
                      [impl = impl_.get()](tcp::socket s, std::shared_ptr<ConnectionSlot> slot) {
                        return impl->session(std::move(s), std::move(slot));
                      });
  }
  return bound;
}

void ConsoleServer::stop() {
  asio::post(impl_->io, [this] {
    ErrorCodeT ec;
    impl_->acceptor.close(ec);
  });
}

}  // namespace spe::management
