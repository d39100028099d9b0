// RemoteImageLinks (access/web/remote_image_links.h): a token stands for
// one web address for a while; nothing else gets one.
#include "instancehost/instance/access/web/remote_image_links.h"

#include <gtest/gtest.h>

#include "fake_clock.h"

namespace spe::instance {
namespace {

TEST(RemoteImageLinksTest, ATokenStandsForItsAddressUntilItExpires) {
  testing::FakeClock clock;
  RemoteImageLinks links(clock);
  const std::string token = links.issue("https://img.example.com/a.png");
  ASSERT_EQ(token.size(), 32u);
  EXPECT_EQ(links.resolve(token), "https://img.example.com/a.png");
  EXPECT_NE(links.issue("https://img.example.com/a.png"), token);  // each showing its own
  EXPECT_FALSE(links.resolve("0123456789abcdef0123456789abcdef"));
  clock.advance(RemoteImageLinks::kLifetime + std::chrono::seconds(1));
  EXPECT_FALSE(links.resolve(token));
}

TEST(RemoteImageLinksTest, OnlyWebAddressesGetATokenAndTheTableIsBounded) {
  testing::FakeClock clock;
  RemoteImageLinks links(clock);
  for (const char* no : {"javascript:alert(1)", "data:image/png;base64,AA", "cid:x", "file:///etc/passwd",
                         "https://a b/", "https://\xc3\xa4.example/", ""}) {
    EXPECT_EQ(links.issue(no), "") << no;
  }
  EXPECT_EQ(links.issue("https://x/" + std::string(RemoteImageLinks::kMaxUrl, 'a')), "");
  const std::string first = links.issue("http://x/0");
  for (std::size_t i = 1; i <= RemoteImageLinks::kMaxLinks; ++i) links.issue("http://x/" + std::to_string(i));
  EXPECT_FALSE(links.resolve(first));  // the oldest went
}

}  // namespace
}  // namespace spe::instance
