#include "management/api/api_server.h"

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http.hpp>

#include "common/base/logging.h"
#include "common/net/accept.h"
#include "common/net/form.h"
#include "common/net/https_session.h"
#include "management/api/api_dispatch.h"
#include "management/api/http_responses.h"
#include "management/api/login_throttle.h"

namespace spe::management {
namespace http = beast::http;

namespace {

using Request = HttpRequest;
using Response = HttpResponse;

// Whether an answer implies the request's credentials were valid: every
// request is authenticated before anything but 405 and the 401/500 of a
// failed check can be answered.
bool authenticatedAnswer(http::status status) {
  return status != http::status::unauthorized && status != http::status::method_not_allowed &&
         status != http::status::internal_server_error;
}

}  // namespace

struct ApiServer::Impl {
  asio::io_context& io;
  asio::thread_pool& pool;
  SslContextPtr ctx;
  Authenticator& auth;
  ApiLimits limits;
  tcp::acceptor acceptor;
  LoginThrottle& throttle;
  ApiDispatch dispatch;

  Impl(asio::io_context& i, asio::thread_pool& p, SslContextPtr c, FunctionRegistry& r, TaskRegistry& t,
       Authenticator& a, LoginThrottle& th, ApiLimits l)
      : io(i),
        pool(p),
        ctx(std::move(c)),
        auth(a),
        limits(l),
        acceptor(i),
        throttle(th),
        dispatch(p, r, t, ApiDispatchLimits{l.max_poll, l.initial_wait}) {}

  asio::awaitable<void> session(tcp::socket socket, std::shared_ptr<ConnectionSlot> slot) {
    HttpsSessionLimits session_limits;
    session_limits.max_body = limits.max_body;
    session_limits.read_timeout = limits.read_timeout;
    session_limits.post_needs_length = true;
    const HttpsHandlers handlers{[this](const Request& req, const std::string& address, ConnectionSlot* connection) {
                                   return answer(req, address, connection);
                                 },
                                 [this](HttpRefusal why, unsigned version) { return refusal(why, version); }, "api"};
    co_await serveHttps(std::move(socket), *ctx, std::move(slot), session_limits, handlers);
  }

  asio::awaitable<HttpAnswer> answer(const Request& req, const std::string& address, ConnectionSlot* connection) {
    Response res = co_await handle(req, address);
    if (connection && authenticatedAnswer(res.result()))
      connection->authenticated();  // no longer counted as not logged in
    co_return res;
  }

  Response refusal(HttpRefusal why, unsigned version) const {
    Request bare;
    bare.version(version);
    bare.keep_alive(false);
    switch (why) {
      case HttpRefusal::kLengthRequired: return textResponse(bare, http::status::length_required, "Length Required");
      case HttpRefusal::kHeaderTooLarge:
        return jsonResponse(
            bare, http::status::request_header_fields_too_large,
            failedEnvelope(makeError(ErrorCode::kInvalidArgument,
                                     "The request header is larger than " +
                                         std::to_string(HttpsSessionLimits{}.max_header / 1024) + " KiB.")));
      case HttpRefusal::kBodyTooLarge: break;
    }
    return jsonResponse(bare, http::status::payload_too_large,
                        failedEnvelope(makeError(ErrorCode::kInvalidArgument,
                                                 "The request body is larger than " +
                                                     std::to_string(limits.max_body / (1024 * 1024)) + " MiB.")));
  }

  asio::awaitable<Response> handle(const Request& req, const std::string& address) {
    const std::string path = collapseSlashes(req.target());
    const bool is_metadata = path == "/api/get-metadata";
    if (req.method() != http::verb::post && !(is_metadata && req.method() == http::verb::get)) {
      Response res = textResponse(req, http::status::method_not_allowed, "Use POST.");
      res.set(http::field::allow, "POST");
      co_return res;
    }
    // Authenticate every request (Argon2id runs on the pool).
    ErrorCodeT ec_ignored;
    auto auth_header = req.find(http::field::authorization);
    Result<Caller> caller = makeError(ErrorCode::kUnauthenticated, "Authentication required.");
    if (auth_header != req.end()) {
      auto creds = parseBasicAuth(auth_header->value());
      if (creds) {
        auto check = [this, c = *creds, address] { return auth.authenticate(c.user, c.password, address); };
        caller = co_await offload<Result<Caller>>(pool, std::move(check));
      }
    }
    if (!caller) {
      if (caller.error().code != ErrorCode::kUnauthenticated) {
        logger("api")->error("authentication failed: {} {}", caller.error().message, caller.error().details);
        co_return jsonResponse(req, http::status::internal_server_error, failedEnvelope(caller.error()));
      }
      if (auth_header != req.end()) {
        const auto delay = throttle.failure(address);
        if (delay.count() > 0) {
          logger("api")->warn("repeated failed logins from {}; answering after {} ms", address, delay.count());
          asio::steady_timer timer(co_await asio::this_coro::executor, delay);
          co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec_ignored));
        }
      }
      Response res = textResponse(req, http::status::unauthorized, "401 Unauthorized: " + caller.error().message);
      res.set(http::field::www_authenticate, "Basic realm=\"SPE Management API\", charset=\"UTF-8\"");
      co_return res;
    }
    if (!ApiDispatch::isApiPath(path)) co_return textResponse(req, http::status::not_found, "Not found: " + path);
    caller->address = address;  // the cached Caller is per account: the address is this request's
    Response res = co_await dispatch.handle(req, path, *caller);
    co_return res;
  }
};

ApiServer::ApiServer(asio::io_context& io, asio::thread_pool& pool, SslContextPtr ctx, FunctionRegistry& registry,
                     TaskRegistry& tasks, Authenticator& auth, LoginThrottle& throttle, ApiLimits limits)
    : impl_(std::make_unique<Impl>(io, pool, std::move(ctx), registry, tasks, auth, throttle, limits)) {}

ApiServer::~ApiServer() = default;

Result<std::uint16_t> ApiServer::listen(const std::string& address, std::uint16_t port) {
  auto bound = bindAcceptor(impl_->acceptor, address, port, "Management API");
  if (bound) {
    auto limiter = std::make_shared<ConnectionLimiter>(impl_->limits.connections);
    acceptConnections(impl_->io, impl_->acceptor, std::move(limiter), "Management API",
                      [impl = impl_.get()](tcp::socket s, std::shared_ptr<ConnectionSlot> slot) {
                        return impl->session(std::move(s), std::move(slot));
                      });
  }
  return bound;
}

void ApiServer::stop() {
  asio::post(impl_->io, [this] {
    ErrorCodeT ec;
    impl_->acceptor.close(ec);
  });
}

}  // namespace spe::management
