// RemoteImageLinks: the addresses under which Web Access shows a message's
// remote images when the user asks for them ("show remote images"): each
// remote image of the message gets a random token, and the CAS fetches the
// image for the browser (cas/remote_images.h) after asking the instance
// what a token stands for (op "remoteImage"). The browser thus never
// contacts the remote host, and the token is the only capability: it
// names one address, works for kLifetime, and says nothing about the
// message or its user. An image request needs no session cookie, which a
// sandboxed frame would not send.
// Memory is bounded: at most kMaxLinks, the oldest go first.
// Thread safety: internally locked.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "common/base/clock.h"

namespace spe::instance {

class RemoteImageLinks {
 public:
  static constexpr std::size_t kMaxLinks = 20000;
  static constexpr std::size_t kMaxPerMessage = 200;  // images one message view may show
  static constexpr std::size_t kMaxUrl = 4096;
  static constexpr auto kLifetime = std::chrono::minutes(30);

  explicit RemoteImageLinks(Clock& clock) : clock_(clock) {}

  // A token for `url` (http or https, at most kMaxUrl bytes), or "" for any other.
  std::string issue(const std::string& url);
  // The address a token stands for, while it lives.
  std::optional<std::string> resolve(const std::string& token);

 private:
  struct Link {
    std::string url;
    Clock::TimePoint created;
  };
  Clock& clock_;
  std::mutex mutex_;
  std::map<std::string, Link> links_;
  std::deque<std::string> order_;  // oldest first
};

}  // namespace spe::instance
