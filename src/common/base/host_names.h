// Host names and the allow-lists of servers a provider names in a
// configuration file ("mail.example.net", "mail.example.net:1993",
// "192.0.2.7", "[2001:db8::7]:993").
// Thread safety: plain functions; a HostAllowList is immutable.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/result.h"

namespace spe {

// A DNS name (letters, digits, '-', '_', '.'; not starting with '-' or '.';
// at most 253 characters) or an IPv4 or IPv6 address (IPv6 without brackets).
bool isHostOrAddress(std::string_view host);

class HostAllowList {
 public:
  HostAllowList() = default;
  // Every entry is "host" (any port) or "host:port" ("[v6]" or "[v6]:port"
  // for IPv6); an error names the first bad entry.
  static Result<HostAllowList> parse(const std::vector<std::string>& entries);
  // Whether `host` (case-insensitive; IPv6 without brackets) on `port` is listed.
  bool allows(std::string_view host, std::uint16_t port) const;
  bool empty() const { return entries_.empty(); }

 private:
  struct Entry {
    std::string host;  // lower case
    std::optional<std::uint16_t> port;
  };
  std::vector<Entry> entries_;
};

}  // namespace spe
