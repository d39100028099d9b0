// Which addresses a user's input may make us connect to
// (common/net/public_address.h): the public Internet only.
#include "common/net/public_address.h"

#include <gtest/gtest.h>

namespace spe {
namespace {

TEST(PublicAddressTest, OnlyPublicAddressesArePublic) {
  for (const char* refused : {"127.0.0.1",
                              "10.1.2.3",
                              "172.16.0.1",
                              "172.31.255.255",
                              "192.168.1.1",
                              "169.254.169.254",
                              "100.64.0.1",
                              "0.0.0.0",
                              "224.0.0.1",
                              "255.255.255.255",
                              "192.0.2.1",
                              "198.18.0.1",
                              "::1",
                              "::",
                              "fe80::1",
                              "fc00::1",
                              "fd12::1",
                              "ff02::1",
                              "::ffff:127.0.0.1",
                              "::ffff:10.0.0.1",
                              "2001:db8::1",
                              "2002:7f00:1::1",
                              "64:ff9b::7f00:1"}) {
    EXPECT_FALSE(publicAddress(asio::ip::make_address(refused))) << refused;
    EXPECT_FALSE(publicAddress(std::string_view(refused))) << refused;
  }
  for (const char* allowed : {"93.184.216.34", "8.8.8.8", "172.32.0.1", "2606:2800:220:1::1", "::ffff:93.184.216.34"}) {
    EXPECT_TRUE(publicAddress(asio::ip::make_address(allowed))) << allowed;
    EXPECT_TRUE(publicAddress(std::string_view(allowed))) << allowed;
  }
}

TEST(PublicAddressTest, TextThatIsNoAddressIsNotPublic) {
  for (const char* bad : {"", "example.com", "1.2.3", "1.2.3.4.5", "::g", "1.2.3.4 ", "[::1]", "2130706433"}) {
    EXPECT_FALSE(publicAddress(std::string_view(bad))) << bad;
    EXPECT_FALSE(isIpAddress(bad)) << bad;
  }
  for (const char* address : {"127.0.0.1", "8.8.8.8", "::1", "2001:db8::7", "::ffff:10.0.0.1"}) {
    EXPECT_TRUE(isIpAddress(address)) << address;
  }
}

}  // namespace
}  // namespace spe
