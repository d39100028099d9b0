#include "common/net/public_address.h"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <string>
#include <utility>

namespace spe {
namespace {

bool inV4(std::uint32_t a, std::uint32_t net, int bits) {
  const std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
  return (a & mask) == (net & mask);
}

constexpr std::uint32_t v4(int a, int b, int c, int d) {
  return (std::uint32_t(a) << 24) | (std::uint32_t(b) << 16) | (std::uint32_t(c) << 8) | std::uint32_t(d);
}

bool publicV4(std::uint32_t a) {
  static const std::pair<std::uint32_t, int> kRefused[] = {
      {v4(0, 0, 0, 0), 8},      {v4(10, 0, 0, 0), 8},     {v4(100, 64, 0, 0), 10}, {v4(127, 0, 0, 0), 8},
      {v4(169, 254, 0, 0), 16}, {v4(172, 16, 0, 0), 12},  {v4(192, 0, 0, 0), 24},  {v4(192, 0, 2, 0), 24},
      {v4(192, 88, 99, 0), 24}, {v4(192, 168, 0, 0), 16}, {v4(198, 18, 0, 0), 15}, {v4(198, 51, 100, 0), 24},
      {v4(203, 0, 113, 0), 24}, {v4(224, 0, 0, 0), 4},    {v4(240, 0, 0, 0), 4}};
  return std::none_of(std::begin(kRefused), std::end(kRefused),
                      [a](const auto& r) { return inV4(a, r.first, r.second); });
}

}  // namespace

bool publicAddress(const asio::ip::address& address) {
  if (address.is_v4()) return publicV4(address.to_v4().to_uint());
  const auto a6 = address.to_v6();
  if (a6.is_v4_mapped()) return publicV4(asio::ip::make_address_v4(asio::ip::v4_mapped, a6).to_uint());
  const auto b = a6.to_bytes();
  if ((b[0] & 0xE0) != 0x20) return false;                                         // only global unicast, 2000::/3
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return false;  // documentation
  if (b[0] == 0x20 && b[1] == 0x02) return false;                                  // 6to4: an IPv4 address inside
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0) return false;        // Teredo
  return true;
}

bool isIpAddress(std::string_view text) {
  ErrorCodeT ec;
  (void)asio::ip::make_address(std::string(text), ec);
  return !ec;
}

bool publicAddress(std::string_view address) {
  ErrorCodeT ec;
  const auto parsed = asio::ip::make_address(std::string(address), ec);
  return !ec && publicAddress(parsed);
}

}  // namespace spe
