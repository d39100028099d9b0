#include "management/cli/api_client.h"

#include <boost/asio/connect.hpp>
#include <boost/beast/http.hpp>
#include <cstdint>
#include <optional>

#include "common/base/system_info.h"
#include "common/net/asio.h"
#include "common/net/form.h"
#include "common/net/tls.h"

namespace spe {
namespace http = beast::http;

constexpr std::size_t kReadBuffer = 64 * 1024;

struct ApiClient::Impl {
  ApiClientOptions opt;
  asio::io_context io;
  SslContextPtr ctx;
  std::unique_ptr<TlsStream> stream;
  beast::flat_buffer buffer;

  asio::awaitable<Status> connect() {
    ErrorCodeT ec;
    tcp::resolver resolver(io);
    auto eps = co_await resolver.async_resolve(opt.host, std::to_string(opt.port),
                                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return makeError(ErrorCode::kUnavailable, "Cannot resolve '" + opt.host + "': " + ec.message());
    stream = std::make_unique<TlsStream>(io, *ctx);
    buffer.clear();
    // Reads of up to 64 KB: with the 512 bytes a new buffer reads at first,
    // a 2 MB answer (GetInstances over 10,000) took 4,000 reads and more
    // of the client's time than of the server's.
    buffer.reserve(kReadBuffer);
    SSL_ctrl(stream->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
             const_cast<char*>(opt.host.c_str()));
    beast::get_lowest_layer(*stream).expires_after(opt.timeout);
    co_await beast::get_lowest_layer(*stream).async_connect(eps, asio::redirect_error(asio::use_awaitable, ec));
    if (!ec) beast::get_lowest_layer(*stream).socket().set_option(tcp::no_delay(true), ec);
    if (ec) {
      co_return makeError(ErrorCode::kUnavailable,
                          "Cannot connect to " + opt.host + ":" + std::to_string(opt.port) + ": " + ec.message());
    }
    co_await stream->async_handshake(asio::ssl::stream_base::client, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      stream.reset();
      co_return makeError(ErrorCode::kUnavailable,
                          "TLS handshake failed (does the server certificate match the thumbprint?)", ec.message());
    }
    co_return okStatus();
  }

  asio::awaitable<Result<ApiResponse>> postOnce(std::string path, std::string body, bool* retryable) {
    *retryable = false;
    const bool fresh = !stream;
    if (fresh) {
      Status st = co_await connect();
      if (!st) co_return st.error();
    }
    http::request<http::string_body> req{http::verb::post, path, 11};
    req.set(http::field::host, opt.host + ":" + std::to_string(opt.port));
    req.set(http::field::user_agent, std::string("spe-cli/") + kProductVersion);
    req.set(http::field::content_type, "application/x-www-form-urlencoded");
    if (!opt.user.empty()) req.set(http::field::authorization, makeBasicAuth(opt.user, opt.password));
    req.keep_alive(true);
    req.body() = std::move(body);
    req.prepare_payload();
    ErrorCodeT ec;
    beast::get_lowest_layer(*stream).expires_after(opt.timeout);
    co_await http::async_write(*stream, req, asio::redirect_error(asio::use_awaitable, ec));
    http::response<http::string_body> res;
    if (!ec) co_await http::async_read(*stream, buffer, res, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      stream.reset();
      *retryable = !fresh;  // a kept-alive connection may have been closed by the server
      co_return makeError(ErrorCode::kUnavailable, "The request to " + path + " failed: " + ec.message());
    }
    if (!res.keep_alive()) stream.reset();
    ApiResponse out;
    out.status = static_cast<int>(res.result_int());
    out.body = std::move(res.body());
    std::string_view text = out.body;
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    if (opt.parse_json) {
      out.json = tryParseJson(text).value_or(Json());
    }
    co_return out;
  }
};

ApiClient::ApiClient(ApiClientOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->opt = std::move(options);
  auto pins = std::make_shared<ThumbprintPins>(impl_->opt.thumbprint == "*");
  if (impl_->opt.thumbprint != "*") pins->add(normalizeThumbprint(impl_->opt.thumbprint));
  impl_->ctx = makeClientContext(nullptr, pins).value();
}

ApiClient::~ApiClient() = default;

Result<ApiResponse> ApiClient::post(const std::string& path, const std::map<std::string, std::string>& form) {
  const std::string body = encodeForm(form);
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::optional<Result<ApiResponse>> out;
    bool retryable = false;
    impl_->io.restart();
    asio::co_spawn(impl_->io, impl_->postOnce(path, body, &retryable),
                   [&out](std::exception_ptr e, Result<ApiResponse> r) {
                     if (e) out = makeError(ErrorCode::kInternal, "The HTTP client failed unexpectedly.");
                     else out = std::move(r);
                   });
    impl_->io.run();
    if (out && (out->ok() || !retryable)) return std::move(*out);
  }
  return makeError(ErrorCode::kUnavailable, "The request to " + path + " failed twice.");
}

namespace {

// An answer other than 200 as an error. Its body may be a failed envelope
// (404 for an unknown function, 413): its message goes into the error's.
Error httpError(const ApiResponse& res) {
  std::string message = "The server answered HTTP " + std::to_string(res.status);
  const Json& env = res.json;
  if (env.is_object() && env.contains("error") && env["error"].is_object() && env["error"].contains("message") &&
      env["error"]["message"].is_string()) {
    message += ": " + env["error"]["message"].get<std::string>();
  }
  return makeError(res.status == 401 ? ErrorCode::kUnauthenticated : ErrorCode::kProtocol,
                   message.back() == '.' ? message : message + ".", res.body);
}

}  // namespace

Result<Json> ApiClient::invoke(const std::string& function, const std::map<std::string, std::string>& args,
                               const ProgressFn& progress) {
  auto res = post("/api/invoke/" + function, args);
  if (!res) return res.error();
  for (;;) {
    if (res->status != 200) return httpError(*res);
    const Json& env = res->json;
    if (!env.is_object()) return makeError(ErrorCode::kProtocol, "The server's answer is not a JSON envelope.");
    if (stringOf(env, "statusCode") != "running") return env;
    if (progress) progress(env);
    // Fields of the wrong type (a broken or hostile server) must not throw.
    auto version = intField(env, "statusVersion", 0, INT64_MIN, INT64_MAX);
    res = post("/api/get-status", {{"token", stringOf(env, "token").value_or("")},
                                   {"lastKnownStatusVersion", std::to_string(version.value_or(0))},
                                   {"millisecondsTimeout", "5000"}});
    if (!res) return res.error();
  }
}

Result<Json> ApiClient::metadata() {
  auto res = post("/api/get-metadata", {});
  if (!res) return res.error();
  if (res->status != 200) return httpError(*res);
  if (!res->json.is_array())
    return makeError(ErrorCode::kProtocol, "The server's get-metadata answer is not a JSON array.");
  return std::move(res->json);
}

}  // namespace spe
