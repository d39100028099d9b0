// Mailbox names in modified UTF-7 (RFC 3501 §5.1.3), both ways.
#include "common/imap/utf7.h"

#include <gtest/gtest.h>

namespace spe {
namespace {

TEST(ImapUtf7, KnownNames) {
  EXPECT_EQ(imapUtf7Decode("Entw&APw-rfe"), "Entwürfe");
  EXPECT_EQ(imapUtf7Decode("&ZeVnLIqe-"), "日本語");
  EXPECT_EQ(imapUtf7Decode("Tom &- Jerry"), "Tom & Jerry");
  EXPECT_EQ(imapUtf7Decode("INBOX/Gel&APY-schte Elemente"), "INBOX/Gelöschte Elemente");
  EXPECT_EQ(imapUtf7Encode("Entwürfe"), "Entw&APw-rfe");
  EXPECT_EQ(imapUtf7Encode("日本語"), "&ZeVnLIqe-");
  EXPECT_EQ(imapUtf7Encode("Tom & Jerry"), "Tom &- Jerry");
}

TEST(ImapUtf7, RoundTripsAndRefusesGarbage) {
  for (const char* s : {"Ünïcödé Ordner", "emoji \xF0\x9F\x93\xA7 mail", "plain", "", "a&b&c", "Привет/мир"}) {
    EXPECT_EQ(imapUtf7Decode(imapUtf7Encode(s)), s) << s;
  }
  for (const char* bad : {"&", "&AB", "&*-", "abc\xC3\xA4", "&2D3-"}) {
    EXPECT_FALSE(imapUtf7Decode(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace spe
