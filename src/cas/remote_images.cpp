#include "cas/remote_images.h"

#include <openssl/ssl.h>

#include <algorithm>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <charconv>
#include <vector>

#include "common/base/text.h"
#include "common/net/public_address.h"

namespace spe::cas {
namespace http = beast::http;

namespace {

constexpr int kMaxRedirects = 3;

// Sends the GET and reads the answer on a connected stream (TCP or TLS).
template <typename Stream>
asio::awaitable<ErrorCodeT> exchange(Stream& stream, const http::request<http::empty_body>& req,
                                     http::response_parser<http::string_body>& parser) {
  ErrorCodeT ec;
  co_await http::async_write(stream, req, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return ec;
  beast::flat_buffer buffer;
  co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
  co_return ec;
}

}  // namespace

std::string imageType(std::string_view content_type) {
  std::string t = asciiLower(std::string(content_type.substr(0, content_type.find(';'))));
  while (!t.empty() && t.back() == ' ') t.pop_back();
  static const char* const kRaster[] = {"image/png",  "image/jpeg", "image/gif",    "image/webp",
                                        "image/avif", "image/bmp",  "image/x-icon", "image/vnd.microsoft.icon"};
  for (const char* r : kRaster) {
    if (t == r) return t;
  }
  return {};
}

Result<ImageUrl> parseImageUrl(std::string_view url) {
  const auto bad = [](const std::string& why) {
    return makeError(ErrorCode::kInvalidArgument, "The image address " + why + ".");
  };
  if (url.size() > 4096) return bad("is too long");
  if (!std::all_of(url.begin(), url.end(), [](unsigned char c) { return c > 0x20 && c < 0x7f; })) {
    return bad("has spaces, control or non-ASCII characters");
  }
  ImageUrl out;
  const std::string lower = asciiLower(std::string(url.substr(0, 8)));
  if (lower.rfind("http://", 0) == 0) {
    url.remove_prefix(7);
  } else if (lower.rfind("https://", 0) == 0) {
    out.tls = true;
    url.remove_prefix(8);
  } else {
    return bad("is not http or https");
  }
  const auto end = std::min(url.find_first_of("/?#"), url.size());
  std::string_view authority = url.substr(0, end);
  std::string_view rest = url.substr(end);
  if (authority.find('@') != std::string_view::npos) return bad("has a user name");
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return bad("has a bad IPv6 address");
    out.host = std::string(authority.substr(1, close - 1));
    ErrorCodeT ec;
    asio::ip::make_address_v6(out.host, ec);
    if (ec) return bad("has a bad IPv6 address");
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return bad("has a bad port");
      port_text = authority.substr(close + 2);
    }
  } else {
    const auto colon = authority.find(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
    const bool name_ok = !out.host.empty() && out.host.size() <= 253 &&
                         std::all_of(out.host.begin(), out.host.end(),
                                     [](unsigned char c) { return std::isalnum(c) || c == '.' || c == '-'; });
    if (!name_ok) return bad("has no valid host name");
  }
  out.port = out.tls ? 443 : 80;
  if (!port_text.empty() || authority.ends_with(":")) {
    unsigned port = 0;
    const auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || p != port_text.data() + port_text.size() || port == 0 || port > 65535) {
      return bad("has a bad port");
    }
    out.port = static_cast<std::uint16_t>(port);
  }
  rest = rest.substr(0, rest.find('#'));
  out.target = rest.empty() || rest.front() == '?' ? "/" + std::string(rest) : std::string(rest);
  return out;
}

RemoteImages::RemoteImages(RemoteImageLimits limits)
    : limits_(limits),
      resolve_work_(asio::make_work_guard(resolve_io_)),
      tls_(std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client)) {
  tls_->set_default_verify_paths();
  tls_->set_verify_mode(asio::ssl::verify_peer);
  SSL_CTX_set_min_proto_version(tls_->native_handle(), TLS1_2_VERSION);
  resolve_thread_ = std::thread([this] { resolve_io_.run(); });
}

RemoteImages::~RemoteImages() {
  resolve_work_.reset();
  resolve_io_.stop();
  resolve_thread_.join();
}

asio::awaitable<Result<std::vector<tcp::endpoint>>> RemoteImages::resolve(
    const ImageUrl& url, std::chrono::steady_clock::time_point deadline) {
  auto resolver = std::make_shared<tcp::resolver>(resolve_io_);
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_at(deadline);
  timer.async_wait([resolver, io = &resolve_io_](const ErrorCodeT& ec) {
    if (!ec) asio::post(*io, [resolver] { resolver->cancel(); });  // ends the wait, not the lookup
  });
  ErrorCodeT ec;
  const auto found = co_await resolver->async_resolve(url.host, std::to_string(url.port),
                                                      asio::redirect_error(asio::use_awaitable, ec));
  timer.cancel();
  if (ec)
    co_return makeError(ErrorCode::kUnavailable,
                        "the host '" + printable(url.host, 100) + "' is not known (" + ec.message() + ")");
  std::vector<tcp::endpoint> allowed;
  for (const auto& entry : found) {
    if (limits_.allow_private || publicAddress(entry.endpoint().address())) allowed.push_back(entry.endpoint());
  }
  if (allowed.empty()) {
    co_return makeError(ErrorCode::kPermissionDenied,
                        "the host '" + printable(url.host, 100) + "' is in a private network");
  }
  co_return allowed;
}

asio::awaitable<Result<RemoteImages::Image>> RemoteImages::fetch(std::string url) {
  struct Running {  // counts this fetch while it runs, however it ends
    std::atomic<std::size_t>& n;
    ~Running() { n.fetch_sub(1); }
  };
  const Running running{running_};
  if (running_.fetch_add(1) >= limits_.in_flight) {
    co_return makeError(ErrorCode::kResourceExhausted, "Too many images are being fetched; try again.");
  }
  const auto deadline = std::chrono::steady_clock::now() + limits_.timeout;  // for all of it, redirects too
  Result<Image> result = makeError(ErrorCode::kInvalidArgument, "The image address is not valid.");
  for (int hop = 0; hop <= kMaxRedirects; ++hop) {
    auto parsed = parseImageUrl(url);
    if (parsed && !limits_.allow_private && parsed->port != 80 && parsed->port != 443) {
      parsed = makeError(ErrorCode::kPermissionDenied, "The image address has a port other than 80 or 443.");
    }
    if (!parsed) {
      result = parsed.error();
      break;
    }
    std::string redirect;
    result = co_await fetchOnce(*parsed, deadline, redirect);
    if (redirect.empty()) break;
    if (redirect.front() == '/') {  // relative to the same host
      redirect = std::string(parsed->tls ? "https://" : "http://") +
                 (parsed->host.find(':') != std::string::npos ? "[" + parsed->host + "]" : parsed->host) + ":" +
                 std::to_string(parsed->port) + redirect;
    }
    if (parsed->tls && asciiLower(redirect.substr(0, 7)) == "http://") {
      result = makeError(ErrorCode::kPermissionDenied, "The image was redirected from https to http.");
      break;
    }
    url = redirect;
    result = makeError(ErrorCode::kUnavailable, "The image was redirected too often.");
  }
  co_return result;
}

asio::awaitable<Result<RemoteImages::Image>> RemoteImages::fetchOnce(const ImageUrl& url,
                                                                     std::chrono::steady_clock::time_point deadline,
                                                                     std::string& redirect) {
  auto allowed = co_await resolve(url, deadline);
  if (!allowed) co_return allowed.error();
  ErrorCodeT ec;
  beast::tcp_stream tcp_stream(co_await asio::this_coro::executor);
  tcp_stream.expires_at(deadline);  // for the whole exchange
  co_await tcp_stream.async_connect(*allowed, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return makeError(ErrorCode::kUnavailable, "The image's host did not answer: " + ec.message());
  http::request<http::empty_body> req{http::verb::get, url.target, 11};
  const bool default_port = url.port == (url.tls ? 443 : 80);
  const std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
  req.set(http::field::host, default_port ? host : host + ":" + std::to_string(url.port));
  req.set(http::field::user_agent, "Mozilla/5.0 (compatible; image proxy)");
  req.set(http::field::accept, "image/avif,image/webp,image/png,image/jpeg,image/gif,image/*;q=0.8");
  req.set(http::field::connection, "close");
  http::response_parser<http::string_body> parser;
  parser.body_limit(limits_.max_bytes);
  parser.header_limit(16 * 1024);
  if (url.tls) {
    TlsStream tls(std::move(tcp_stream), *tls_);
    // SNI (the macro SSL_set_tlsext_host_name casts in C style).
    SSL_ctrl(tls.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
             const_cast<char*>(url.host.c_str()));
    tls.set_verify_callback(asio::ssl::host_name_verification(url.host));
    co_await tls.async_handshake(asio::ssl::stream_base::client, asio::redirect_error(asio::use_awaitable, ec));
    if (!ec) ec = co_await exchange(tls, req, parser);
  } else {
    ec = co_await exchange(tcp_stream, req, parser);
  }
  if (ec == http::error::body_limit) {
    co_return makeError(ErrorCode::kPermissionDenied,
                        "The image is larger than " + std::to_string(limits_.max_bytes >> 20) + " MiB.");
  }
  if (ec) co_return makeError(ErrorCode::kUnavailable, "The image could not be fetched: " + ec.message());
  auto& res = parser.get();
  const unsigned status = res.result_int();
  if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
    redirect = std::string(res[http::field::location]);
    if (redirect.empty()) co_return makeError(ErrorCode::kUnavailable, "The image's host redirected nowhere.");
    co_return makeError(ErrorCode::kUnavailable, "redirected");
  }
  if (status != 200)
    co_return makeError(ErrorCode::kNotFound, "The image's host answered " + std::to_string(status) + ".");
  const std::string type = imageType(res[http::field::content_type]);
  if (type.empty()) co_return makeError(ErrorCode::kPermissionDenied, "The answer is not an image.");
  co_return Image{type, std::move(res.body())};
}

}  // namespace spe::cas
