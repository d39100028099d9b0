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

namespace spe::management {
namespace http = beast::http;
namespace {

constexpr std::string_view kCookie = "spe_console";
constexpr std::size_t kMaxUserName = 256;
constexpr std::size_t kMaxPassword = 4096;

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

std::string sessionCookie(const std::string& token, bool clear) {
  return std::string(kCookie) + "=" + token + "; Path=/; Secure; HttpOnly; SameSite=Strict" +
         (clear ? "; Max-Age=0" : "");
}

}  // namespace

struct ConsoleServer::Impl {
  // A session's data: the password hash its administrator logged in with
  // (a new password, or a deleted administrator, ends it).
  using Sessions = SessionTable<std::string>;

  asio::io_context& io;
  asio::thread_pool& pool;
  SslContextPtr ctx;
  Authenticator& auth;
  LoginThrottle& throttle;
  ManagementDb& db;
  ConsoleOptions options;
  ApiDispatch dispatch;
  Sessions sessions;
  tcp::acceptor acceptor;

  Impl(asio::io_context& i, asio::thread_pool& p, SslContextPtr c, FunctionRegistry& r, TaskRegistry& t,
       Authenticator& a, LoginThrottle& th, ManagementDb& d, Clock& clock, ConsoleOptions o)
      : io(i),
        pool(p),
        ctx(std::move(c)),
        auth(a),
        throttle(th),
        db(d),
        options(std::move(o)),
        dispatch(p, r, t, options.dispatch),
        sessions(clock, options.idle_timeout, options.max_sessions),
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
        }};
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
    if (path == "/console/session" || path == "/console/logout" || ApiDispatch::isApiPath(path)) {
      HttpResponse res = co_await withSession(req, path, connection);
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
    auto check = [this, name, secret, address, wait]() -> Result<std::string> {
      auto caller = auth.authenticate(name, secret, address, Authenticator::Purpose::kConsole, wait.get());
      if (!caller) return caller.error();
      auto admin = db.admin(caller->user_name);
      if (!admin) return admin.error();
      if (!*admin) return makeError(ErrorCode::kUnauthenticated, "Wrong user name or password.");
      return (*admin)->password_hash;
    };
    auto hash = co_await offload<Result<std::string>>(pool, std::move(check));
    if (!hash && wait->count() > 0) co_return tooManyLogins(req, hash.error(), *wait);
    if (!hash) {
      HttpResponse res = co_await refusedLogin(req, address, hash.error());
      co_return res;
    }
    if (connection) connection->authenticated();
    const auto created = sessions.create(name, *hash);
    logger("console")->info("console login of '{}' from {}", name, address);
    HttpResponse res = consoleJson(req, http::status::ok, sessionAnswer(name, created.csrf));
    res.set(http::field::set_cookie, sessionCookie(created.token, false));
    co_return res;
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

  asio::awaitable<HttpResponse> refusedLogin(const HttpRequest& req, const std::string& address, const Error& e) {
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
    co_return consoleError(req, http::status::unauthorized, e.message);
  }

  // The cookie's live session: its administrator must still be there with
  // the password it logged in with.
  asio::awaitable<std::optional<Sessions::Session>> liveSession(const std::string& token) {
    auto s = sessions.lookup(token);
    if (!s) co_return std::nullopt;
    auto check = [this, user = s->user]() { return db.admin(user); };
    auto admin = co_await offload<Result<std::optional<AdminRecord>>>(pool, std::move(check));
    if (!admin || !*admin || (*admin)->password_hash != s->data) {
      sessions.end(token);
      co_return std::nullopt;
    }
    co_return s;
  }

  asio::awaitable<HttpResponse> withSession(const HttpRequest& req, const std::string& path,
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
    const Caller caller{s->user};  // named: GCC 12 mishandles temporaries across co_await
    HttpResponse res = co_await dispatch.handle(req, path, caller);
    consoleSecurityHeaders(res);
    co_return res;
  }
};

ConsoleServer::ConsoleServer(asio::io_context& io, asio::thread_pool& pool, SslContextPtr ctx,
                             FunctionRegistry& registry, TaskRegistry& tasks, Authenticator& auth,
                             LoginThrottle& throttle, ManagementDb& db, Clock& clock, ConsoleOptions options)
    : impl_(std::make_unique<Impl>(io, pool, std::move(ctx), registry, tasks, auth, throttle, db, clock,
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
