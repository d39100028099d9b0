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

TEST(RemoteImagesTest, OnlyRasterImagesAreAnswered) {
  EXPECT_EQ(imageType("image/png"), "image/png");
  EXPECT_EQ(imageType("IMAGE/JPEG; charset=binary"), "image/jpeg");
  for (const char* refused : {"image/svg+xml", "text/html", "application/octet-stream", "", "image/png2", "image"}) {
    EXPECT_EQ(imageType(refused), "") << refused;
  }
}

}  // namespace
}  // namespace spe::cas
