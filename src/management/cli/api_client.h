// ApiClient: a Management API client over HTTPS (used by spe-cli, the
// benchmarks and the tests).
//
// Keeps one keep-alive connection and reconnects when the server closed it.
// The server's certificate is pinned by thumbprint, or any is accepted with
// "*" (as MailStoreManagementCmd's "-t *"). invoke() follows long-running
// calls through /api/get-status until they finish.
// Thread safety: one client per thread; calls block.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "common/base/json_reader.h"
#include "common/base/result.h"

namespace spe {

struct ApiClientOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8474;
  std::string user;
  std::string password;
  std::string thumbprint = "*";
  std::chrono::milliseconds timeout{120000};
  bool parse_json = true;  // false leaves ApiResponse::json null (benchmarks)
};

struct ApiResponse {
  int status = 0;
  std::string body;  // raw, with the BOM when the server sent one
  Json json;         // parsed body (BOM stripped); null when not JSON
};

class ApiClient {
 public:
  explicit ApiClient(ApiClientOptions options);
  ~ApiClient();

  // One POST of form fields to `path` (e.g. "/api/invoke/Ping").
  Result<ApiResponse> post(const std::string& path, const std::map<std::string, std::string>& form);

  using ProgressFn = std::function<void(const Json& envelope)>;
  // Invokes a function and, if it goes long-running, polls get-status until
  // it ends. Returns the final envelope (succeeded or failed).
  Result<Json> invoke(const std::string& function, const std::map<std::string, std::string>& args,
                      const ProgressFn& progress = {});

  // The server's functions (POST /api/get-metadata): a JSON array; an error
  // when the server refuses or answers something else.
  Result<Json> metadata();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace spe
