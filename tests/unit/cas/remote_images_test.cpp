// What the CAS fetches as a remote image (cas/remote_images.h): addresses
// parsed strictly, no private or reserved network, raster images only.
#include "cas/remote_images.h"

#include <gtest/gtest.h>

namespace spe::cas {
namespace {

TEST(RemoteImagesTest, AddressesAreParsedStrictly) {
  auto a = parseImageUrl("https://img.example.com/a/b.png?x=1#frag");
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->tls);
  EXPECT_EQ(a->host, "img.example.com");
  EXPECT_EQ(a->port, 443);
  EXPECT_EQ(a->target, "/a/b.png?x=1");
  auto b = parseImageUrl("HTTP://[2001:4860::1]:8080?q");
  ASSERT_TRUE(b);
  EXPECT_FALSE(b->tls);
  EXPECT_EQ(b->host, "2001:4860::1");
  EXPECT_EQ(b->port, 8080);
  EXPECT_EQ(b->target, "/?q");
  for (const char* bad :
       {"ftp://x/y", "https://user:pw@example.com/", "https://exa mple.com/", "https:///x", "https://example.com:0/",
        "https://example.com:70000/", "https://example.com:x/", "https://[::1/", "https://ex\xc3\xa4mple.com/",
        "javascript:alert(1)", "https://a_b.com/", "https://example.com/\r\nHost: evil"}) {
    EXPECT_FALSE(parseImageUrl(bad)) << bad;
  }
  EXPECT_FALSE(parseImageUrl("https://example.com/" + std::string(5000, 'a')));
}

TEST(RemoteImagesTest, OnlyPublicAddressesAreFetched) {
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
  }
  for (const char* allowed : {"93.184.216.34", "8.8.8.8", "172.32.0.1", "2606:2800:220:1::1", "::ffff:93.184.216.34"}) {
    EXPECT_TRUE(publicAddress(asio::ip::make_address(allowed))) << allowed;
  }
}

TEST(RemoteImagesTest, OnlyRasterImagesAreAnswered) {
  EXPECT_EQ(imageType("image/png"), "image/png");
  EXPECT_EQ(imageType("IMAGE/JPEG; charset=binary"), "image/jpeg");
  for (const char* refused : {"image/svg+xml", "text/html", "application/octet-stream", "", "image/png2", "image"}) {
    EXPECT_EQ(imageType(refused), "") << refused;
  }
}

}  // namespace
}  // namespace spe::cas
