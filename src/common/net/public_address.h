// publicAddress: whether an IP address is one on the public Internet (not
// loopback, private, link-local, shared, documentation, multicast or a
// tunnel that hides an IPv4 address). Connections a user's input names (a
// remote image, a mailbox to restore to) may go only to such addresses, so
// that no user can reach the provider's internal network through us.
// Thread safety: a pure function.
#pragma once

#include <string_view>

#include "common/net/asio.h"

namespace spe {

bool publicAddress(const asio::ip::address& address);
// The same for an address in text form; false when it does not parse.
bool publicAddress(std::string_view address);
// Whether text is an IPv4 or IPv6 address (not a name).
bool isIpAddress(std::string_view text);

}  // namespace spe
