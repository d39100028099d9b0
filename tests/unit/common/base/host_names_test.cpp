// Host names and the allow-lists a provider writes (common/base/host_names.h).
#include "common/base/host_names.h"

#include <gtest/gtest.h>

namespace spe {
namespace {

TEST(HostNamesTest, NamesAndAddresses) {
  for (const char* good : {"mail.example.net", "localhost", "a_b-c.d", "192.0.2.7", "2001:db8::7", "::1"}) {
    EXPECT_TRUE(isHostOrAddress(good)) << good;
  }
  for (const char* bad :
       {"", "-x.example", ".example", "a b", "a/b", "x:y", "mail.example.net:993", "ä.example", "[::1]", "a\r\nb"}) {
    EXPECT_FALSE(isHostOrAddress(bad)) << bad;
  }
  EXPECT_FALSE(isHostOrAddress(std::string(254, 'a')));
}

TEST(HostNamesTest, AllowListEntriesWithAndWithoutPorts) {
  auto list = HostAllowList::parse(
      {"Mail.Example.net", "imap.example.org:1993", "[2001:db8::7]:993", "[::1]", "192.0.2.7:143"});
  ASSERT_TRUE(list) << list.error().message;
  EXPECT_TRUE(list->allows("mail.example.NET", 143));
  EXPECT_TRUE(list->allows("mail.example.net", 4443));
  EXPECT_TRUE(list->allows("imap.example.org", 1993));
  EXPECT_FALSE(list->allows("imap.example.org", 993));
  EXPECT_TRUE(list->allows("2001:db8::7", 993));
  EXPECT_FALSE(list->allows("2001:db8::7", 143));
  EXPECT_TRUE(list->allows("::1", 1));
  EXPECT_TRUE(list->allows("192.0.2.7", 143));
  EXPECT_FALSE(list->allows("192.0.2.8", 143));
  EXPECT_FALSE(list->allows("example.net", 143));
  EXPECT_FALSE(list->allows("", 143));
  EXPECT_TRUE(HostAllowList::parse({})->empty());
}

TEST(HostNamesTest, BadEntriesAreNamed) {
  for (const char* bad :
       {"", "host:", "host:0", "host:65536", "host:99999999999", "host:1x", "2001:db8::7", "[2001:db8::7",
        "[2001:db8::7]x", "[2001:db8::7]:", "[example.net]:993", "a b:143", "host:-1"}) {
    auto list = HostAllowList::parse({"ok.example", bad});
    ASSERT_FALSE(list) << bad;
    EXPECT_NE(list.error().message.find("'" + std::string(bad) + "'"), std::string::npos) << list.error().message;
  }
}

}  // namespace
}  // namespace spe
