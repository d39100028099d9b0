// WebServer: Web Access on the CAS (443, HTTPS).
//
//   GET  /                          the root page (branding's index.html)
//   GET  /-/<asset>                 the application's files (app.js, app.css)
//                                   and the branding (branding.css, images)
//   GET  /<instance>/               the application, for a known instance
//                                   (ID or alias); anything else is 404
//   POST /<instance>/api/<op>       JSON, passed to the instance (web_api.h)
//   GET  /<instance>/api/download|attachment?...&csrf=   files
//
// Assets are a fixed table read at start (no path from a URL ever reaches
// the file system). Sessions are the instance's: a cookie "spe_session"
// (Secure, HttpOnly, SameSite=Strict, Path=/<instance>/). Every answer has
// security headers (a Content-Security-Policy without remote content,
// nosniff, no framing, no referrer, HSTS). Failed logins are answered after
// the same growing delays as IMAP logins.
// Limits: connections not yet logged in count against `limiter` (a
// connection is logged in once an instance answered one of its requests
// with success: a login, or any request with a valid session); requests
// waiting on one instance are capped and timed by `calls`.
// Thread safety: start once; requests run on the io_context; calls to
// instances are asynchronous (instance_calls.h).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "cas/cas_routes.h"
#include "cas/instance_calls.h"
#include "cas/login_delays.h"
#include "cas/remote_images.h"
#include "common/net/asio.h"
#include "common/net/tls.h"

namespace spe::cas {

struct WebAsset {
  std::string content_type;
  std::string body;
};

class WebServer {
 public:
  WebServer(asio::io_context& io, asio::thread_pool& pool, CasRoutes& routes, LoginDelays& delays, SslContextPtr tls,
            InstanceCalls& calls, std::shared_ptr<ConnectionLimiter> limiter);
  ~WebServer();

  // Before listen(): remote images of messages fetched by the CAS when a
  // user asks to see them (remote_images.h); nullopt turns them off.
  void setRemoteImages(std::optional<RemoteImageLimits> limits);
  // Replaces the served files: the application's and the branding's.
  void setAssets(std::map<std::string, WebAsset> assets, std::string root_page);
  Result<std::uint16_t> listen(const std::string& address, std::uint16_t port);
  void stop();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace spe::cas
