#include "common/mapi/rtf_compression.h"

#include <gtest/gtest.h>

#include <string>

namespace spe::mapi {
namespace {

std::string bytes(std::initializer_list<int> b) {
  std::string s;
  for (int c : b) s += static_cast<char>(c);
  return s;
}

// [MS-OXRTFCP] 3.1.1: compressing "{\rtf1\ansi\ansicpg1252\pard hello world}\r\n".
const std::string kSpecExample1 = bytes({0x2d, 0x00, 0x00, 0x00, 0x2b, 0x00, 0x00, 0x00, 0x4c, 0x5a, 0x46, 0x75, 0xf1,
                                         0xc5, 0xc7, 0xa7, 0x03, 0x00, 0x0a, 0x00, 0x72, 0x63, 0x70, 0x67, 0x31, 0x32,
                                         0x35, 0x42, 0x32, 0x0a, 0xf3, 0x20, 0x68, 0x65, 0x6c, 0x09, 0x00, 0x20, 0x62,
                                         0x77, 0x05, 0xb0, 0x6c, 0x64, 0x7d, 0x0a, 0x80, 0x0f, 0xa0});
// [MS-OXRTFCP] 3.1.2: a reference that overlaps the bytes it writes.
const std::string kSpecExample2 = bytes({0x1a, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x4c, 0x5a,
                                         0x46, 0x75, 0xe2, 0xd4, 0x4b, 0x51, 0x41, 0x00, 0x04, 0x20,
                                         0x57, 0x58, 0x59, 0x5a, 0x0d, 0x6e, 0x7d, 0x01, 0x0e, 0xb0});

TEST(RtfCompression, SpecExampleSimple) {
  auto rtf = decompressRtf(kSpecExample1);
  ASSERT_TRUE(rtf) << rtf.error().message;
  EXPECT_EQ(*rtf, "{\\rtf1\\ansi\\ansicpg1252\\pard hello world}\r\n");
}

TEST(RtfCompression, SpecExampleCrossingReference) {
  auto rtf = decompressRtf(kSpecExample2);
  ASSERT_TRUE(rtf) << rtf.error().message;
  EXPECT_EQ(*rtf, "{\\rtf1 WXYZWXYZWXYZWXYZWXYZ}");
}

TEST(RtfCompression, CrcOfSpecExample) { EXPECT_EQ(rtfCrc(std::string_view(kSpecExample1).substr(16)), 0xA7C7C5F1u); }

TEST(RtfCompression, StoredUncompressed) {
  std::string s = bytes({0, 0, 0, 0, 5, 0, 0, 0, 0x4d, 0x45, 0x4c, 0x41, 0, 0, 0, 0}) + "{\\rt}";
  s[0] = static_cast<char>(s.size() - 4);
  auto rtf = decompressRtf(s);
  ASSERT_TRUE(rtf) << rtf.error().message;
  EXPECT_EQ(*rtf, "{\\rt}");
}

TEST(RtfCompression, BadChecksumIsCorrupt) {
  std::string s = kSpecExample1;
  s[20] ^= 1;
  auto rtf = decompressRtf(s);
  ASSERT_FALSE(rtf);
  EXPECT_EQ(rtf.error().code, ErrorCode::kCorrupt);
  EXPECT_NE(rtf.error().message.find("checksum"), std::string::npos);
}

TEST(RtfCompression, ShortHeaderIsCorrupt) { EXPECT_FALSE(decompressRtf(kSpecExample1.substr(0, 10))); }

TEST(RtfCompression, SizeFieldPastTheDataIsCorrupt) {
  std::string s = kSpecExample1;
  s[0] = 0x7f;
  EXPECT_FALSE(decompressRtf(s));
}

TEST(RtfCompression, UnknownTypeIsCorrupt) {
  std::string s = kSpecExample1;
  s[8] = 'X';
  EXPECT_FALSE(decompressRtf(s));
}

TEST(RtfCompression, OutputAboveLimitIsRefused) { EXPECT_FALSE(decompressRtf(kSpecExample1, 10)); }

TEST(RtfCompression, TruncatedStreamIsCorrupt) {
  // Cut inside the data, with size and CRC fixed up so only the end is missing.
  std::string data = kSpecExample1.substr(16, 20);
  std::string s = kSpecExample1.substr(0, 16) + data;
  s[0] = static_cast<char>(s.size() - 4);
  const std::uint32_t crc = rtfCrc(data);
  for (int i = 0; i < 4; ++i) s[12 + i] = static_cast<char>((crc >> (8 * i)) & 0xFF);
  auto rtf = decompressRtf(s);
  ASSERT_FALSE(rtf);
  EXPECT_EQ(rtf.error().code, ErrorCode::kCorrupt);
}

TEST(RtfCompression, EveryPrefixFailsOrSucceedsCleanly) {
  for (std::size_t n = 0; n <= kSpecExample2.size(); ++n) {
    auto r = decompressRtf(kSpecExample2.substr(0, n));
    if (n == kSpecExample2.size()) {
      EXPECT_TRUE(r);
    }
  }
}

}  // namespace
}  // namespace spe::mapi
