#include "instancehost/instance/access/web/remote_image_links.h"

#include <algorithm>
#include <cctype>

#include "common/base/crypto.h"

namespace spe::instance {

std::string RemoteImageLinks::issue(const std::string& url) {
  std::string scheme = url.substr(0, url.find(':') + 1);
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
  if (url.size() > kMaxUrl || (scheme != "http:" && scheme != "https:")) return {};
  const bool printable = std::all_of(url.begin(), url.end(), [](unsigned char c) { return c > 0x20 && c < 0x7f; });
  if (!printable) return {};  // the CAS asks for ASCII addresses only (no spaces, no controls)
  std::string token = toHex(randomBytes(16));
  std::lock_guard lock(mutex_);
  while (links_.size() >= kMaxLinks && !order_.empty()) {
    links_.erase(order_.front());
    order_.pop_front();
  }
  links_[token] = Link{url, clock_.now()};
  order_.push_back(token);
  return token;
}

std::optional<std::string> RemoteImageLinks::resolve(const std::string& token) {
  std::lock_guard lock(mutex_);
  auto it = links_.find(token);
  if (it == links_.end() || clock_.now() - it->second.created > kLifetime) return std::nullopt;
  return it->second.url;
}

}  // namespace spe::instance
