#include "common/base/host_names.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "common/base/text.h"

namespace spe {

bool isHostOrAddress(std::string_view h) {
  if (h.empty() || h.size() > 253) return false;
  const std::string host(h);
  if (host.find(':') != std::string::npos) {
    in6_addr a6{};
    return inet_pton(AF_INET6, host.c_str(), &a6) == 1;
  }
  return h.front() != '-' && h.front() != '.' && std::all_of(h.begin(), h.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
         });
}

Result<HostAllowList> HostAllowList::parse(const std::vector<std::string>& entries) {
  HostAllowList list;
  for (const auto& text : entries) {
    const auto bad = [&](const std::string& why) {
      return makeError(ErrorCode::kInvalidArgument, "'" + printable(text, 100) + "' " + why);
    };
    std::string_view rest(text);
    Entry e;
    std::string_view port_text;
    if (!rest.empty() && rest.front() == '[') {
      const auto close = rest.find(']');
      if (close == std::string_view::npos) return bad("lacks the ']' after its IPv6 address");
      e.host = std::string(rest.substr(1, close - 1));
      if (e.host.find(':') == std::string::npos) return bad("has brackets around something that is not IPv6");
      rest.remove_prefix(close + 1);
      if (!rest.empty()) {
        if (rest.front() != ':') return bad("has something other than ':port' after ']'");
        port_text = rest.substr(1);
        if (port_text.empty()) return bad("has an empty port");
      }
    } else {
      const auto colon = rest.find(':');
      if (colon != std::string_view::npos && rest.find(':', colon + 1) != std::string_view::npos) {
        return bad("is an IPv6 address: write it in brackets, as [2001:db8::7] or [2001:db8::7]:993");
      }
      e.host = std::string(rest.substr(0, colon));
      if (colon != std::string_view::npos) {
        port_text = rest.substr(colon + 1);
        if (port_text.empty()) return bad("has an empty port");
      }
    }
    if (!isHostOrAddress(e.host)) return bad("is not a host name or IP address");
    if (!port_text.empty()) {
      unsigned value = 0;
      const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
      if (ec != std::errc() || end != port_text.data() + port_text.size() || value < 1 || value > 65535) {
        return bad("has a port that is not a number from 1 to 65535");
      }
      e.port = static_cast<std::uint16_t>(value);
    }
    e.host = asciiLower(e.host);
    list.entries_.push_back(std::move(e));
  }
  return list;
}

bool HostAllowList::allows(std::string_view host, std::uint16_t port) const {
  const std::string wanted = asciiLower(std::string(host));
  return std::any_of(entries_.begin(), entries_.end(),
                     [&](const Entry& e) { return e.host == wanted && (!e.port || *e.port == port); });
}

}  // namespace spe
