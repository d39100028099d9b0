#include "management/api/api_server.h"

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http.hpp>

#include "common/base/logging.h"
#include "common/net/accept.h"
#include "common/net/form.h"
#include "common/net/https_session.h"
#include "management/api/login_throttle.h"

namespace spe::management {
namespace http = beast::http;

namespace {

using Request = HttpRequest;
using Response = HttpResponse;

std::string collapseSlashes(std::string_view target) {
  const auto q = target.find('?');
  std::string_view path = target.substr(0, q);
  std::string out;
  for (char c : path) {
    if (c == '/' && !out.empty() && out.back() == '/') continue;
    out.push_back(c);
  }
  return out;
}

Response baseResponse(const Request& req, http::status status) {
  Response res{status, req.version()};
  res.set(http::field::server, "spe-management");
  res.set(http::field::cache_control, "no-cache,private,no-store,must-revalidate,max-stale=0,post-check=0,pre-check=0");
  res.set(http::field::pragma, "no-cache");
  res.set(http::field::expires, "-1");
  res.keep_alive(req.keep_alive());
  return res;
}

Response jsonResponse(const Request& req, http::status status, const Json& body) {
  Response res = baseResponse(req, status);
  res.set(http::field::content_type, "application/json; charset=utf-8");
  res.body() = envelopeBody(body);
  res.prepare_payload();
  return res;
}

// Whether an answer implies the request's credentials were valid: every
// request is authenticated before anything but 405 and the 401/500 of a
// failed check can be answered.
bool authenticatedAnswer(http::status status) {
  return status != http::status::unauthorized && status != http::status::method_not_allowed &&
         status != http::status::internal_server_error;
}

Response textResponse(const Request& req, http::status status, const std::string& text) {
  Response res = baseResponse(req, status);
  res.set(http::field::content_type, "text/plain; charset=utf-8");
  res.body() = text + "\n";
  res.prepare_payload();
  return res;
}

}  // namespace

struct ApiServer::Impl {
  asio::io_context& io;
  asio::thread_pool& pool;
  SslContextPtr ctx;
  FunctionRegistry& registry;
  TaskRegistry& tasks;
  Authenticator& auth;
  ApiLimits limits;
  tcp::acceptor acceptor;
  LoginThrottle throttle;

  Impl(asio::io_context& i, asio::thread_pool& p, SslContextPtr c, FunctionRegistry& r, TaskRegistry& t,
       Authenticator& a, ApiLimits l)
      : io(i), pool(p), ctx(std::move(c)), registry(r), tasks(t), auth(a), limits(l), acceptor(i) {}

  asio::awaitable<void> session(tcp::socket socket, std::shared_ptr<ConnectionSlot> slot) {
    HttpsSessionLimits session_limits;
    session_limits.max_body = limits.max_body;
    session_limits.read_timeout = limits.read_timeout;
    session_limits.post_needs_length = true;
    const HttpsHandlers handlers{[this](const Request& req, const std::string& address, ConnectionSlot* connection) {
                                   return answer(req, address, connection);
                                 },
                                 [this](HttpRefusal why, unsigned version) { return refusal(why, version); }};
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
    auto form = parseForm(req.body());
    if (!form) co_return jsonResponse(req, http::status::ok, failedEnvelope(form.error()));

    if (is_metadata) co_return jsonResponse(req, http::status::ok, registry.metadata());
    if (path == "/api/get-status") {
      Response res = co_await getStatus(req, *form, *caller);
      co_return res;
    }
    if (path == "/api/cancel-async") co_return cancelAsync(req, *form, *caller);
    constexpr std::string_view kInvoke = "/api/invoke/";
    if (path.rfind(kInvoke, 0) == 0) {
      const std::string name = path.substr(kInvoke.size());
      Response res = co_await invoke(req, name, *form, *caller);
      co_return res;
    }
    co_return textResponse(req, http::status::not_found, "Not found: " + path);
  }

  asio::awaitable<Response> invoke(const Request& req, const std::string& name,
                                   const std::map<std::string, std::string>& form, const Caller& caller) {
    const FunctionSpec* spec = registry.find(name);
    if (!spec) {
      if (FunctionRegistry::isKnownUnsupported(name)) {
        co_return jsonResponse(
            req, http::status::ok,
            failedEnvelope(
                makeError(ErrorCode::kNotSupported, "The function " + name + " is not supported by this server yet.")));
      }
      co_return jsonResponse(req, http::status::not_found,
                             failedEnvelope(makeError(ErrorCode::kNotFound, "Unknown function '" + name + "'.")));
    }
    auto args = FunctionRegistry::validate(*spec, form);
    if (!args) {
      Error e = args.error();
      e.message = clampEchoedInput(std::move(e.message), form);
      co_return jsonResponse(req, http::status::ok, failedEnvelope(e));
    }
    if (spec->scope == Scope::kInstance) {
      auto check = [this, spec, a = args.value()]() { return registry.checkAccess(*spec, a); };
      Status access = co_await offload<Status>(pool, std::move(check));
      if (!access) co_return jsonResponse(req, http::status::ok, failedEnvelope(access.error()));
    }
    auto task = spec->long_running ? tasks.create(caller.user_name)
                                   : std::make_shared<Task>(std::string(), caller.user_name);
    logger("api")->info("{} invokes {}", caller.user_name, name);
    asio::post(pool, [task, spec, args = std::move(args.value()), caller, form] {
      CallContext call_ctx{caller, args, *task};
      Result<Json> r = makeError(ErrorCode::kInternal, "The function failed unexpectedly.");
      try {
        r = spec->handler(call_ctx);
      } catch (const std::exception& e) {
        logger("api")->error("{} threw: {}", spec->name, e.what());
      }
      if (!r) {
        // An error never quotes more than 200 characters of what was sent.
        Error e = r.error();
        e.message = clampEchoedInput(std::move(e.message), form);
        r = std::move(e);
        logger("api")->info("{} failed: {}", spec->name, r.error().message);
      }
      task->finish(std::move(r));
    });
    // Synchronous functions are awaited to the end; long-running ones only
    // for a moment, then the caller gets a token.
    const auto wait = spec->long_running ? limits.initial_wait : std::chrono::milliseconds(24 * 3600 * 1000);
    const auto deadline = std::chrono::steady_clock::now() + wait;
    for (;;) {
      const TaskStatus now = task->snapshot();
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                              std::chrono::steady_clock::now());
      if (now.state != TaskState::kRunning || left.count() <= 0) break;
      co_await waitForChange(task, now.status_version, left);
    }
    TaskStatus s = spec->long_running ? task->snapshot() : task->release();
    if (s.state != TaskState::kRunning) {
      if (!spec->long_running) s.status_version = 2;
      co_return jsonResponse(req, http::status::ok, envelopeFor(std::move(s), spec->long_running));
    }
    co_return jsonResponse(req, http::status::ok, envelopeFor(std::move(s), true));
  }

  // Suspends until the task's version differs from `known` or `timeout` passes.
  asio::awaitable<void> waitForChange(const std::shared_ptr<Task>& task, std::int64_t known,
                                      std::chrono::milliseconds timeout) {
    auto ex = co_await asio::this_coro::executor;
    auto timer = std::make_shared<asio::steady_timer>(ex, timeout);
    std::weak_ptr<asio::steady_timer> weak = timer;
    const auto id = task->addWaiter(known, [weak, ex] {
      asio::post(ex, [weak] {
        if (auto t = weak.lock()) t->cancel();
      });
    });
    ErrorCodeT ec;
    if (task->snapshot().status_version == known) {
      co_await timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    task->removeWaiter(id);
  }

  asio::awaitable<Response> getStatus(const Request& req, const std::map<std::string, std::string>& form,
                                      const Caller& caller) {
    auto it = form.find("token");
    auto task = it == form.end() ? nullptr : tasks.find(it->second);
    if (!task || task->owner() != caller.user_name) {
      co_return textResponse(req, http::status::not_found, "Session expired or wrong token.");
    }
    std::int64_t known = -1;
    long long ms = 0;
    if (auto v = form.find("lastKnownStatusVersion"); v != form.end()) known = std::atoll(v->second.c_str());
    if (auto v = form.find("millisecondsTimeout"); v != form.end()) ms = std::atoll(v->second.c_str());
    ms = std::clamp<long long>(ms, 0, limits.max_poll.count());
    co_await waitForChange(task, known, std::chrono::milliseconds(ms));
    co_return jsonResponse(req, http::status::ok, envelopeFor(task->snapshot(), true));
  }

  Response cancelAsync(const Request& req, const std::map<std::string, std::string>& form, const Caller& caller) {
    auto it = form.find("token");
    auto task = it == form.end() ? nullptr : tasks.find(it->second);
    if (!task || task->owner() != caller.user_name) {
      return textResponse(req, http::status::not_found, "Session expired or wrong token.");
    }
    task->requestCancel();
    return jsonResponse(req, http::status::ok, envelopeFor(task->snapshot(), true));
  }
};

ApiServer::ApiServer(asio::io_context& io, asio::thread_pool& pool, SslContextPtr ctx, FunctionRegistry& registry,
                     TaskRegistry& tasks, Authenticator& auth, ApiLimits limits)
    : impl_(std::make_unique<Impl>(io, pool, std::move(ctx), registry, tasks, auth, limits)) {}

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
