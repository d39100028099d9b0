// RemoteImages: the CAS fetches a message's remote images for Web Access
// when the user asked to see them (instance: access/web/remote_image_links.h),
// so that the browser never contacts the remote host: the sender learns
// neither the reader's address nor that the message was opened from the
// reader's own browser, and no cookie of theirs is ever sent.
//
// Each fetch is bounded: http or https only (https verified against the
// system's certificate authorities, with SNI), a GET with no cookie, no
// referrer and a plain User-Agent; at most `max_bytes`, within `timeout`,
// up to 3 redirects (each checked again); the answer must say it is a
// raster image (PNG, JPEG, GIF, WebP, AVIF, BMP, ICO; never SVG, HTML or
// anything a browser might run). The host name is resolved by the CAS, on
// a resolver of its own (a slow name server delays images only, never the
// CAS's streams to instances), and the connection goes to an address it
// checked, on port 80 or 443: loopback, private, link-local, shared,
// multicast and reserved addresses are refused (the CAS is no door into
// the provider's network) unless `allow_private` (tests, which also allows
// any port). At most `in_flight` fetches run at a time; more are refused.
// What went wrong is logged; the browser gets a plain "not shown".
// Thread safety: fetch() may run on any executor, concurrently.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/base/result.h"
#include "common/net/asio.h"

namespace spe::cas {

struct RemoteImageLimits {
  std::size_t max_bytes = 4u << 20;
  std::chrono::seconds timeout{10};
  std::size_t in_flight = 32;
  bool allow_private = false;
};

struct ImageUrl {
  bool tls = false;
  std::string host;  // a name or an address (IPv6 without brackets)
  std::uint16_t port = 0;
  std::string target;  // path and query, from "/"
};

// An http(s) address as the CAS will fetch it; errors name what is wrong.
Result<ImageUrl> parseImageUrl(std::string_view url);
// The Content-Type to answer for an image's declared type, or "" when it
// is not a raster image.
std::string imageType(std::string_view content_type);

class RemoteImages {
 public:
  explicit RemoteImages(RemoteImageLimits limits);
  ~RemoteImages();
  RemoteImages(const RemoteImages&) = delete;
  RemoteImages& operator=(const RemoteImages&) = delete;

  struct Image {
    std::string content_type;
    std::string bytes;
  };
  asio::awaitable<Result<Image>> fetch(std::string url);

 private:
  asio::awaitable<Result<Image>> fetchOnce(const ImageUrl& url, std::chrono::steady_clock::time_point deadline,
                                           std::string& redirect);
  asio::awaitable<Result<std::vector<tcp::endpoint>>> resolve(const ImageUrl& url,
                                                              std::chrono::steady_clock::time_point deadline);

  RemoteImageLimits limits_;
  asio::io_context resolve_io_;  // its own resolver thread: see above
  asio::executor_work_guard<asio::io_context::executor_type> resolve_work_;
  std::thread resolve_thread_;
  std::shared_ptr<asio::ssl::context> tls_;
  std::atomic<std::size_t> running_{0};
};

}  // namespace spe::cas
