// ApiDispatch: what the Management API does for a request once its caller
// is known, the same for every way in: HTTP Basic on the API port (8474,
// api_server.h) and a session cookie on the console port (8470,
// console/console_server.h). One implementation of every function, its
// checks and its privileges.
//
// Paths: /api/invoke/<Function>, /api/get-status (long polling),
// /api/cancel-async, /api/get-metadata; arguments form-encoded in the body
// (PRODUCT-SPEC §1). Functions run on the pool; the caller's coroutine only
// waits. Long-running calls answer with a status token after
// `initial_wait`; a token is its caller's own.
// Thread safety: handle() may run on any number of coroutines at once.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "common/net/asio.h"
#include "common/net/https_session.h"
#include "management/api/function_registry.h"
#include "management/api/task_registry.h"

namespace spe::management {

struct ApiDispatchLimits {
  std::chrono::milliseconds max_poll{60000};
  std::chrono::milliseconds initial_wait{300};  // long-running calls finishing sooner answer at once
};

class ApiDispatch {
 public:
  ApiDispatch(asio::thread_pool& pool, FunctionRegistry& registry, TaskRegistry& tasks, ApiDispatchLimits limits = {})
      : pool_(pool), registry_(registry), tasks_(tasks), limits_(limits) {}

  // True for the paths handle() answers (after the caller's check).
  static bool isApiPath(const std::string& path);
  // Answers `req` for `path` (collapsed, see http_responses.h) as `caller`.
  asio::awaitable<HttpResponse> handle(const HttpRequest& req, const std::string& path, const Caller& caller);

 private:
  asio::awaitable<HttpResponse> invoke(const HttpRequest& req, const std::string& name,
                                       const std::map<std::string, std::string>& form, const Caller& caller);
  asio::awaitable<HttpResponse> getStatus(const HttpRequest& req, const std::map<std::string, std::string>& form,
                                          const Caller& caller);
  HttpResponse cancelAsync(const HttpRequest& req, const std::map<std::string, std::string>& form,
                           const Caller& caller);
  asio::awaitable<void> waitForChange(const std::shared_ptr<Task>& task, std::int64_t known,
                                      std::chrono::milliseconds timeout);

  asio::thread_pool& pool_;
  FunctionRegistry& registry_;
  TaskRegistry& tasks_;
  ApiDispatchLimits limits_;
};

}  // namespace spe::management
