#include "common/base/text.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "common/base/logging.h"

namespace spe {
namespace {

TEST(Printable, ControlCharactersAreEscaped) {
  EXPECT_EQ(printable("plain text, ünïcödé €"), "plain text, ünïcödé €");
  EXPECT_EQ(printable("a\r\nb\tc"), "a\\r\\nb\\tc");
  EXPECT_EQ(printable(std::string("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(printable("\x1b[31mred\x7f"), "\\x1b[31mred\\x7f");
  EXPECT_EQ(printable("c1\xc2\x85next"), "c1\\xc2\\x85next");       // U+0085 NEXT LINE
  EXPECT_EQ(printable("ls\xe2\x80\xa8ps"), "ls\\xe2\\x80\\xa8ps");  // U+2028
  EXPECT_EQ(printable("a\xe2\x80\xae"
                      "b"),
            "a\\xe2\\x80\\xae"
            "b");  // U+202E RIGHT-TO-LEFT OVERRIDE
  EXPECT_EQ(printable("a\xe2\x81\xa6"
                      "b"),
            "a\\xe2\\x81\\xa6"
            "b");                                           // U+2066 LEFT-TO-RIGHT ISOLATE
  EXPECT_EQ(printable("bad\xff\xc3"), "bad\\xff\\xc3");     // invalid and truncated UTF-8
  EXPECT_EQ(printable("\xc0\xaf"), "\\xc0\\xaf");           // overlong
  EXPECT_EQ(printable("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a surrogate
}

TEST(Printable, EveryByteValueStaysOnOneLine) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  const std::string out = printable(all, 10000);
  for (char c : out) {
    const auto u = static_cast<unsigned char>(c);
    EXPECT_TRUE(u >= 0x20 && u != 0x7f) << static_cast<int>(u);
  }
}

TEST(Printable, LongTextIsCutAtACharacterBoundary) {
  EXPECT_EQ(printable(std::string(300, 'x')).size(), 200u + std::string("\u2026").size());
  EXPECT_EQ(printable("ab\xc3\xa9", 3), "ab\u2026");  // é is not split
  EXPECT_EQ(printable("abc", 3), "abc");
}

// Log lines hold caller text: it can never end the line or forge another.
TEST(Logging, LinesEscapeAndCutWhatCallersSent) {
  char path[] = "/tmp/spe-log-test-XXXXXX";
  const int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  const int saved = ::dup(2);
  ::dup2(fd, 2);
  auto log = logger("logtest");
  log->info("user '{}' refused",
            "evil\r\n2026-01-01 00:00:00.000 info  [x] forged" + std::string(1, '\0') + std::string(100000, 'y'));
  log->flush();
  ::dup2(saved, 2);
  ::close(saved);
  ::close(fd);
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  ::unlink(path);
  const std::string out = text.str();
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out.find('\n'), out.size() - 1) << "one line only";
  EXPECT_EQ(out.find('\r'), std::string::npos);
  EXPECT_EQ(out.find('\0'), std::string::npos);
  EXPECT_NE(out.find("evil\\r\\n2026-01-01"), std::string::npos);
  EXPECT_LT(out.size(), 5000u);
}

TEST(TextTest, CollapseWhitespaceMakesEachRunOneSpaceAndTrims) {
  EXPECT_EQ(collapseWhitespace("  a \t\r\n b\f\vc  "), "a b c");
  EXPECT_EQ(collapseWhitespace(""), "");
  EXPECT_EQ(collapseWhitespace(" \n\t "), "");
  EXPECT_EQ(collapseWhitespace("Gr\xC3\xBC\xC3\x9F  dich"), "Gr\xC3\xBC\xC3\x9F dich");  // UTF-8 untouched
}

}  // namespace
}  // namespace spe
