#include "cas/web_server.h"

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <cerrno>
#include <optional>
#include <variant>

#include "common/base/crypto.h"
#include "common/base/logging.h"
#include "common/base/text.h"
#include "common/metrics/metrics.h"
#include "common/net/accept.h"
#include "common/net/form.h"
#include "common/net/https_session.h"
#include "common/rpc/rpc.h"

namespace spe::cas {
namespace http = beast::http;
using Request = HttpRequest;
using Response = HttpResponse;

namespace {

constexpr std::size_t kMaxBody = 64 * 1024;  // Web Access requests are small JSON; uploads do not exist

bool isHexDigit(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

constexpr const char* kPolicy =
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

void secure(Response& res) {
  res.set("Content-Security-Policy", kPolicy);
  res.set("X-Content-Type-Options", "nosniff");
  res.set("X-Frame-Options", "DENY");
  res.set("Referrer-Policy", "no-referrer");
  res.set(http::field::strict_transport_security, "max-age=31536000");
  res.set(http::field::server, "SPE");
}

Response reply(const Request& req, http::status status, std::string content_type, std::string body) {
  Response res{status, req.version()};
  res.set(http::field::content_type, content_type);
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  secure(res);
  return res;
}

Response notFound(const Request& req) {
  return reply(req, http::status::not_found, "text/html; charset=utf-8",
               "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title>"
               "<link rel=\"stylesheet\" href=\"/-/app.css\"></head><body><main class=\"center\"><div class=\"card\">"
               "<h1>Not found</h1><p>There is nothing at this address. Check the link you were given.</p>"
               "</div></main></body></html>");
}

Response jsonReply(const Request& req, int status, const Json& body) {
  return reply(req, static_cast<http::status>(status), "application/json; charset=utf-8", dumpJson(body));
}

// The CAS's own refusal: as the instance's (web_failure.h), the English
// `error` for API users beside a stable `code` that Web Access shows in the
// user's language (docs/end-user-access.md lists the codes).
Response errorReply(const Request& req, int status, const char* code, const std::string& text,
                    Json params = Json::object()) {
  Json body{{"error", text}, {"code", code}};
  if (!params.empty()) body["params"] = std::move(params);
  return jsonReply(req, status, body);
}

// A Web Access request that ended in an error instead of the instance's
// answer: the status is chosen from the ErrorCode alone. The caller's own
// mistakes pass the instance's words on; failures inside the archive get
// fixed words (the details are in the log).
Response failedReply(const Request& req, const Error& e) {
  int status = 500;
  const char* code = "internal";
  std::string text = "The archive could not answer this request.";
  switch (e.code) {
    case ErrorCode::kInvalidArgument: status = 400, code = "badRequest"; break;
    case ErrorCode::kUnauthenticated: status = 401, code = "sessionEnded"; break;
    case ErrorCode::kPermissionDenied: status = 403, code = "notAllowed"; break;
    case ErrorCode::kNotFound: status = 404, code = "notFound"; break;
    case ErrorCode::kResourceExhausted: status = 429, code = "tooManyRequests"; break;
    case ErrorCode::kUnavailable:
    case ErrorCode::kTimeout:
    case ErrorCode::kProtocol:
    case ErrorCode::kCancelled:
      status = 503;
      // A stopped instance's host says so in words for end users (instancehost_server.cpp).
      code = e.details == "archiveStopped" ? "archiveStopped" : "unavailable";
      text = e.details == "archiveStopped" ? e.message : "The archive is not available right now; try again later.";
      break;
    default: break;
  }
  if (status < 500 && !e.message.empty()) text = e.message;
  return errorReply(req, status, code, text);
}

// A file name safe for Content-Disposition: no control characters, quotes
// or backslashes (header injection), non-ASCII kept in filename*.
std::string disposition(const std::string& name) {
  std::string ascii, encoded;
  static const char* hex = "0123456789ABCDEF";
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) continue;
    ascii += (c >= 0x80 || c == '"' || c == '\\' || c == '/') ? '_' : static_cast<char>(c);
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_') {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += hex[c >> 4];
      encoded += hex[c & 15];
    }
  }
  if (ascii.empty()) ascii = "download";
  return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

// Passes a download's pieces from the instance to the browser, one at a
// time: the next piece is read once the browser took the previous one.
asio::awaitable<bool> copyBody(std::shared_ptr<WebBody> body, HttpBodyWriter& out) {
  for (;;) {
    auto piece = co_await body->next();
    if (!piece) {
      logger("web")->warn("Web Access download ended early: {}", piece.error().message);
      co_return false;
    }
    if (!*piece) co_return true;
    if (!co_await out.write(**piece)) co_return false;
  }
}

}  // namespace

struct WebServer::Impl {
  asio::io_context& io;
  asio::thread_pool& pool;
  CasRoutes& routes;
  LoginDelays& delays;
  SslContextPtr tls;
  InstanceCalls& calls;
  std::shared_ptr<ConnectionLimiter> limiter;
  std::unique_ptr<RemoteImages> remote_images;  // null: turned off
  tcp::acceptor acceptor;
  std::mutex mutex;
  std::shared_ptr<const std::map<std::string, WebAsset>> assets = std::make_shared<std::map<std::string, WebAsset>>();
  std::shared_ptr<const std::string> root = std::make_shared<std::string>();

  Impl(asio::io_context& i, asio::thread_pool& p, CasRoutes& r, LoginDelays& d, SslContextPtr t, InstanceCalls& c,
       std::shared_ptr<ConnectionLimiter> l)
      : io(i), pool(p), routes(r), delays(d), tls(std::move(t)), calls(c), limiter(std::move(l)), acceptor(i) {}

  asio::awaitable<void> session(tcp::socket socket, std::shared_ptr<ConnectionSlot> slot) {
    metrics::InUse open("spe_cas_connections", "End users' connections open now on this CAS, by service.",
                        {{"service", "web"}});
    metrics::counter("spe_cas_connections_total", "End users' connections accepted by this CAS, by service.",
                     {{"service", "web"}})
        .Increment();
    HttpsSessionLimits limits;
    limits.max_body = kMaxBody;
    const HttpsHandlers handlers{[this](const Request& req, const std::string& address, ConnectionSlot* connection) {
                                   return counted(req, address, connection);
                                 },
                                 [](HttpRefusal, unsigned version) {
                                   Request bare;
                                   bare.version(version);
                                   bare.keep_alive(false);
                                   return errorReply(bare, 413, "requestTooLarge", "The request is too large.");
                                 },
                                 "web"};
    co_await serveHttps(std::move(socket), *tls, std::move(slot), limits, handlers);
  }

  // handle(), counted in spe_cas_web_requests_total{code} and timed in
  // spe_cas_web_request_duration_seconds (until the answer's header).
  asio::awaitable<HttpAnswer> counted(const Request& req, const std::string& address, ConnectionSlot* slot) {
    const auto started = std::chrono::steady_clock::now();
    HttpAnswer answer = co_await handle(req, address, slot);
    static const char* const kClasses[] = {"1xx", "2xx", "3xx", "4xx", "5xx"};
    const unsigned code = answer.response.result_int();
    const char* cls = code >= 100 && code < 600 ? kClasses[code / 100 - 1] : "5xx";
    metrics::counter("spe_cas_web_requests_total", "Web Access requests answered by this CAS, by status class.",
                     {{"code", cls}})
        .Increment();
    static auto& took = metrics::histogram("spe_cas_web_request_duration_seconds",
                                           "How long Web Access requests took until their answer began.", {},
                                           metrics::latencyBuckets());
    took.Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    co_return answer;
  }

  // `slot` (may be null) is told when an instance accepted the request's credentials.
  asio::awaitable<HttpAnswer> handle(const Request& req, const std::string& address, ConnectionSlot* slot) {
    const std::string target(req.target());
    if (target.empty() || target.front() != '/') {  // "GET ?x" and the like: no path at all
      co_return errorReply(req, 400, "badAddress", "The address is not valid.");
    }
    const auto question = target.find('?');
    const std::string path = target.substr(0, question);
    const std::string query = question == std::string::npos ? std::string() : target.substr(question + 1);
    (void)co_await routes.resolve(path.substr(1, path.find('/', 1) - 1));  // a name not in the table: asked once
    if (auto page = staticAnswer(req, path)) co_return std::move(*page);
    // /<instance>/api/<op>
    const auto slash = path.find('/', 1);
    const std::string instance = path.substr(1, slash == std::string::npos ? std::string::npos : slash - 1);
    const std::string rest = slash == std::string::npos ? std::string() : path.substr(slash);
    auto route = instance.empty() ? std::nullopt : routes.find(instance);
    if (!route || rest.rfind("/api/", 0) != 0) co_return notFound(req);
    const std::string op = rest.substr(5);
    auto prepared = instanceRequest(req, op, query);
    if (auto* refused = std::get_if<Response>(&prepared)) co_return std::move(*refused);
    Json& request = std::get<Json>(prepared);
    request["session"] = cookieValue(req[http::field::cookie], "spe_session");
    // A trusted device's token (multi-factor login): only the login needs it.
    if (op == "login") request["device"] = cookieValue(req[http::field::cookie], "spe_device");
    request["clientAddress"] = address;
    const bool download = op == "download" || op == "attachment" || op == "exportDownload";
    auto call = co_await calls.web(*route, std::move(request), download);
    if (!call) {
      if (call.error().code == ErrorCode::kResourceExhausted) {
        // A stuck instance may hold some requests of this CAS, never all of them.
        logger("web")->warn("Web Access request for instance {} refused: {}", route->instance_id, call.error().message);
        const bool downloads = call.error().details == "downloads";
        Response busy = downloads ? errorReply(req, 503, "tooManyDownloads",
                                               "Too many downloads from this archive are under way at once; try "
                                               "again when one has finished.")
                                  : errorReply(req, 503, "archiveBusy", "The archive is busy; try again in a moment.");
        busy.set(http::field::retry_after, "2");
        co_return busy;
      }
      logger("web")->warn("Web Access request for instance {} failed: {}", route->instance_id, call.error().message);
      co_return failedReply(req, call.error());
    }
    const int status = static_cast<int>(intField(call->answer, "status", 500, 100, 599).value_or(500));
    if (op == "remoteImage" && status == 200) co_return co_await remoteImage(req, call->answer);
    if (op == "login" || op == "loginMfa") co_await paceLogin(status, address);
    if (slot && status >= 200 && status < 400) slot->authenticated();  // a login, or a valid session
    co_return webAnswer(req, std::move(*call), status, "/" + instance + "/");
  }

  // The pages and files that need no instance: the root page, /-/<asset>,
  // /<instance> (redirected) and /<instance>/ (the application page); none
  // for any other request.
  std::optional<Response> staticAnswer(const Request& req, const std::string& path) {
    const bool get = req.method() == http::verb::get || req.method() == http::verb::head;
    if (!get) return std::nullopt;
    std::shared_ptr<const std::map<std::string, WebAsset>> files;
    std::shared_ptr<const std::string> root_page;
    {
      std::lock_guard lock(mutex);
      files = assets;
      root_page = root;
    }
    if (path == "/") return reply(req, http::status::ok, "text/html; charset=utf-8", *root_page);
    if (path.rfind("/-/", 0) == 0) {
      auto it = files->find(path.substr(3));
      if (it == files->end()) return notFound(req);
      Response res = reply(req, http::status::ok, it->second.content_type, it->second.body);
      res.set(http::field::cache_control, "no-cache");
      return res;
    }
    const auto slash = path.find('/', 1);
    const std::string instance = path.substr(1, slash == std::string::npos ? std::string::npos : slash - 1);
    const std::string rest = slash == std::string::npos ? std::string() : path.substr(slash);
    if (instance.empty() || (!rest.empty() && rest != "/")) return std::nullopt;
    if (!routes.find(instance)) return notFound(req);
    if (rest.empty()) {
      Response res = reply(req, http::status::moved_permanently, "text/plain", "");
      res.set(http::field::location, "/" + instance + "/");
      return res;
    }
    auto it = files->find("app.html");
    if (it == files->end()) return notFound(req);
    Response res = reply(req, http::status::ok, "text/html; charset=utf-8", it->second.body);
    res.set(http::field::cache_control, "no-store");
    return res;
  }

  // What goes to the instance for operation `op`: its body (the JSON of a
  // POST, or the numbers in the query of a download) and the anti-CSRF
  // token; or the answer that refuses the request.
  static std::variant<Json, Response> instanceRequest(const Request& req, const std::string& op,
                                                      const std::string& query) {
    Json body = Json::object();
    std::string csrf;
    // Not HEAD: it would make the instance read a whole file to send none of it.
    const bool get = req.method() == http::verb::get;
    if (req.method() == http::verb::post) {
      auto parsed = parseJson(req.body().empty() ? std::string("{}") : req.body(), "request");
      if (!parsed || !parsed->is_object()) return errorReply(req, 400, "notJson", "The request is not JSON.");
      body = std::move(*parsed);
      auto h = req.find("X-CSRF-Token");
      if (h != req.end()) csrf = std::string(h->value());
    } else if (get && (op == "download" || op == "attachment" || op == "exportDownload" || op == "remoteImage")) {
      auto form = parseForm(query);
      if (!form) return errorReply(req, 400, "badAddress", "The address is not valid.");
      for (const auto& [k, v] : *form) {
        if (k == "csrf") {
          csrf = v;
          continue;
        }
        if (k == "exportID" || k == "token") {  // 32 hex digits
          if (v.empty() || v.size() > 64 || !std::all_of(v.begin(), v.end(), isHexDigit)) {
            return errorReply(req, 400, "badField", "'" + k + "' is not valid.", Json{{"field", k}});
          }
          body[k] = v;
          continue;
        }
        char* end = nullptr;
        errno = 0;
        const long long n = std::strtoll(v.c_str(), &end, 10);
        if (v.empty() || *end || errno == ERANGE) {
          return errorReply(req, 400, "badField", "'" + printable(k, 64) + "' must be a number.",
                            Json{{"field", printable(k, 64)}});
        }
        body[k] = n;
      }
    } else {
      return notFound(req);
    }
    return Json{{"op", op}, {"body", std::move(body)}, {"csrf", csrf}};
  }

  // A message's remote image, fetched by the CAS for the address the
  // instance named for the token (remote_images.h).
  asio::awaitable<Response> remoteImage(const Request& req, const Json& answer) {
    const auto body = answer.find("body");
    const std::string url = body != answer.end() && body->is_object() ? stringOf(*body, "url").value_or("") : "";
    if (!remote_images) co_return errorReply(req, 404, "remoteImagesOff", "Remote images are turned off here.");
    auto image = co_await remote_images->fetch(url);
    if (!image) {  // why, in the log only: the answer is no probe of the provider's network
      logger("web")->info("remote image not shown: {}", image.error().message);
      const bool busy = image.error().code == ErrorCode::kResourceExhausted;
      co_return busy ? errorReply(req, 503, "tooManyImages", "Too many images are being fetched; try again.")
                     : errorReply(req, 502, "imageNotShown", "The image could not be shown.");
    }
    Response res = reply(req, http::status::ok, image->content_type, std::move(image->bytes));
    res.set(http::field::cache_control, "private, max-age=600");
    co_return res;
  }

  // A refused login waits the growing delay of its address; an accepted one
  // clears it.
  asio::awaitable<void> paceLogin(int status, const std::string& address) {
    if (status == 401) {
      asio::steady_timer timer(co_await asio::this_coro::executor);
      timer.expires_after(delays.failure(address));
      ErrorCodeT ec;
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    } else if (status == 200) {
      delays.success(address);
    }
  }

  // The instance's answer as the browser gets it: a file download (its
  // bytes streamed from the instance as the browser takes them) or JSON,
  // and the session cookie it sets or clears (for `cookie_path`). The
  // answer is read by type too: a compromised instance gets an error page,
  // never an exception or a header of its choosing.
  static HttpAnswer webAnswer(const Request& req, WebCall call, int status, const std::string& cookie_path) {
    const Json& answer = call.answer;
    Response res;
    HttpAnswer::BodyProducer producer;
    const auto file = answer.find("file");
    if (file != answer.end() && file->is_object() && status == 200 && call.body) {
      res = reply(req, http::status::ok, "application/octet-stream", "");
      res.set(http::field::content_disposition, disposition(stringOf(*file, "name").value_or("download")));
      if (auto size = intField(*file, "size", -1, -1, INT64_MAX); size && *size >= 0) res.content_length(*size);
      else res.erase(http::field::content_length);
      producer = [body = std::shared_ptr<WebBody>(std::move(call.body))](HttpBodyWriter& out) {
        return copyBody(body, out);
      };
    } else {
      const auto answer_body = answer.find("body");
      const bool has_body = answer_body != answer.end() && answer_body->is_object();
      res = jsonReply(req, status, has_body ? *answer_body : Json::object());
    }
    res.set(http::field::cache_control, "no-store");
    const std::string session = stringOf(answer, "setSession").value_or("");
    const bool token_like = !session.empty() && session.size() <= 128 &&
                            std::all_of(session.begin(), session.end(), isHexDigit);
    if (token_like) {
      res.set(http::field::set_cookie,
              "spe_session=" + session + "; Path=" + cookie_path + "; Secure; HttpOnly; SameSite=Strict");
    } else if (boolField(answer, "clearSession", false).value_or(false)) {
      res.set(http::field::set_cookie,
              "spe_session=; Path=" + cookie_path + "; Max-Age=0; Secure; HttpOnly; SameSite=Strict");
    }
    // A trusted device (multi-factor login): 14 days, this instance's path only.
    const std::string device = stringOf(answer, "setDevice").value_or("");
    if (device.size() == 64 && std::all_of(device.begin(), device.end(), isHexDigit)) {
      res.insert(http::field::set_cookie, "spe_device=" + device + "; Path=" + cookie_path +
                                              "; Max-Age=1209600; Secure; HttpOnly; SameSite=Strict");
    }
    if (producer) return HttpAnswer(std::move(res), std::move(producer));
    return res;
  }
};

WebServer::WebServer(asio::io_context& io, asio::thread_pool& pool, CasRoutes& routes, LoginDelays& delays,
                     SslContextPtr tls, InstanceCalls& calls, std::shared_ptr<ConnectionLimiter> limiter)
    : impl_(std::make_unique<Impl>(io, pool, routes, delays, std::move(tls), calls, std::move(limiter))) {}

WebServer::~WebServer() = default;

void WebServer::setRemoteImages(std::optional<RemoteImageLimits> limits) {
  impl_->remote_images = limits ? std::make_unique<RemoteImages>(*limits) : nullptr;
}

void WebServer::setAssets(std::map<std::string, WebAsset> assets, std::string root_page) {
  std::lock_guard lock(impl_->mutex);
  impl_->assets = std::make_shared<const std::map<std::string, WebAsset>>(std::move(assets));
  impl_->root = std::make_shared<const std::string>(std::move(root_page));
}

Result<std::uint16_t> WebServer::listen(const std::string& address, std::uint16_t port) {
  auto bound = bindAcceptor(impl_->acceptor, address, port, "Web Access");
  if (bound) {
    acceptConnections(impl_->io, impl_->acceptor, impl_->limiter, "Web Access",
                      [impl = impl_.get()](tcp::socket s, std::shared_ptr<ConnectionSlot> slot) {
                        return impl->session(std::move(s), std::move(slot));
                      });
  }
  return bound;
}

void WebServer::stop() {
  asio::post(impl_->io, [this] {
    ErrorCodeT ec;
    impl_->acceptor.close(ec);
  });
}

}  // namespace spe::cas
