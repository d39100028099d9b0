#include "management/api/api_dispatch.h"

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>

#include "common/base/logging.h"
#include "common/metrics/metrics.h"
#include "common/net/form.h"
#include "management/api/http_responses.h"

namespace spe::management {
namespace http = beast::http;

namespace {

// spe_api_requests_total{function, status} and, for calls that ran,
// spe_api_request_duration_seconds{function}. `function` is a name the
// registry knows (or "unknown"), `status` "ok" or an error code's name.
void countCall(const std::string& function, const char* status) {
  metrics::counter("spe_api_requests_total", "Management API function calls, by function and result.",
                   {{"function", function}, {"status", status}})
      .Increment();
}

void countRun(const std::string& function, const Result<Json>& result, std::chrono::steady_clock::duration took) {
  countCall(function, result ? "ok" : errorCodeName(result.error().code));
  metrics::histogram("spe_api_request_duration_seconds",
                     "How long Management API functions ran (until done, for long-running ones).",
                     {{"function", function}}, metrics::latencyBuckets())
      .Observe(std::chrono::duration<double>(took).count());
}

}  // namespace

bool ApiDispatch::isApiPath(const std::string& path) { return path.rfind("/api/", 0) == 0; }

asio::awaitable<HttpResponse> ApiDispatch::handle(const HttpRequest& req, const std::string& path,
                                                  const Caller& caller) {
  auto form = parseForm(req.body());
  if (!form) co_return jsonResponse(req, http::status::ok, failedEnvelope(form.error()));
  if (path == "/api/get-metadata") co_return jsonResponse(req, http::status::ok, registry_.metadata());
  if (path == "/api/get-status") {
    HttpResponse res = co_await getStatus(req, *form, caller);
    co_return res;
  }
  if (path == "/api/cancel-async") co_return cancelAsync(req, *form, caller);
  constexpr std::string_view kInvoke = "/api/invoke/";
  if (path.rfind(kInvoke, 0) == 0) {
    const std::string name = path.substr(kInvoke.size());
    HttpResponse res = co_await invoke(req, name, *form, caller);
    co_return res;
  }
  co_return textResponse(req, http::status::not_found, "Not found: " + path);
}

asio::awaitable<HttpResponse> ApiDispatch::invoke(const HttpRequest& req, const std::string& name,
                                                  const std::map<std::string, std::string>& form,
                                                  const Caller& caller) {
  const FunctionSpec* spec = registry_.find(name);
  if (!spec) {
    if (FunctionRegistry::isKnownUnsupported(name)) {
      countCall(name, errorCodeName(ErrorCode::kNotSupported));
      co_return jsonResponse(
          req, http::status::ok,
          failedEnvelope(
              makeError(ErrorCode::kNotSupported, "The function " + name + " is not supported by this server yet.")));
    }
    countCall("unknown", errorCodeName(ErrorCode::kNotFound));
    co_return jsonResponse(req, http::status::not_found,
                           failedEnvelope(makeError(ErrorCode::kNotFound, "Unknown function '" + name + "'.")));
  }
  auto args = FunctionRegistry::validate(*spec, form);
  if (!args) {
    Error e = args.error();
    e.message = clampEchoedInput(std::move(e.message), form);
    countCall(spec->name, errorCodeName(e.code));
    co_return jsonResponse(req, http::status::ok, failedEnvelope(e));
  }
  if (spec->scope == Scope::kInstance) {
    auto check = [this, spec, a = args.value()]() { return registry_.checkAccess(*spec, a); };
    Status access = co_await offload<Status>(pool_, std::move(check));
    if (!access) {
      countCall(spec->name, errorCodeName(access.error().code));
      co_return jsonResponse(req, http::status::ok, failedEnvelope(access.error()));
    }
  }
  auto task = spec->long_running ? tasks_.create(caller.user_name)
                                 : std::make_shared<Task>(std::string(), caller.user_name);
  logger("api")->info("{} invokes {}", caller.user_name, name);
  asio::post(pool_, [task, spec, args = std::move(args.value()), caller, form] {
    CallContext call_ctx{caller, args, *task};
    const auto started = std::chrono::steady_clock::now();
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
    countRun(spec->name, r, std::chrono::steady_clock::now() - started);
    task->finish(std::move(r), std::move(call_ctx.raw_result));
  });
  // Synchronous functions are awaited to the end; long-running ones only
  // for a moment, then the caller gets a token.
  const auto wait = spec->long_running ? limits_.initial_wait : std::chrono::milliseconds(24 * 3600 * 1000);
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
    co_return envelopeResponse(req, envelopeBody(std::move(s), spec->long_running));
  }
  co_return envelopeResponse(req, envelopeBody(std::move(s), true));
}

// Suspends until the task's version differs from `known` or `timeout` passes.
asio::awaitable<void> ApiDispatch::waitForChange(const std::shared_ptr<Task>& task, std::int64_t known,
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

asio::awaitable<HttpResponse> ApiDispatch::getStatus(const HttpRequest& req,
                                                     const std::map<std::string, std::string>& form,
                                                     const Caller& caller) {
  auto it = form.find("token");
  auto task = it == form.end() ? nullptr : tasks_.find(it->second);
  if (!task || task->owner() != caller.user_name) {
    co_return textResponse(req, http::status::not_found, "Session expired or wrong token.");
  }
  std::int64_t known = -1;
  long long ms = 0;
  if (auto v = form.find("lastKnownStatusVersion"); v != form.end()) known = std::atoll(v->second.c_str());
  if (auto v = form.find("millisecondsTimeout"); v != form.end()) ms = std::atoll(v->second.c_str());
  ms = std::clamp<long long>(ms, 0, limits_.max_poll.count());
  co_await waitForChange(task, known, std::chrono::milliseconds(ms));
  co_return envelopeResponse(req, envelopeBody(task->snapshot(), true));
}

HttpResponse ApiDispatch::cancelAsync(const HttpRequest& req, const std::map<std::string, std::string>& form,
                                      const Caller& caller) {
  auto it = form.find("token");
  auto task = it == form.end() ? nullptr : tasks_.find(it->second);
  if (!task || task->owner() != caller.user_name) {
    return textResponse(req, http::status::not_found, "Session expired or wrong token.");
  }
  task->requestCancel();
  return envelopeResponse(req, envelopeBody(task->snapshot(), true));
}

}  // namespace spe::management
