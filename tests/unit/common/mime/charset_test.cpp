// Text of unknown charset made UTF-8 (common/mime/charset.h): valid UTF-8
// stays as it is, anything else is read as Windows-1252 byte by byte.
#include "common/mime/charset.h"

#include <gtest/gtest.h>

#include <string>

namespace spe::mime {
namespace {

TEST(TextToUtf8, ValidUtf8StaysAsItIs) {
  for (const std::string s : {"", "plain ascii",
                              "Gr\xC3\xBC\xC3\x9F"
                              "e",
                              "\xF0\x9F\x93\xA7 mail", "\xE6\x97\xA5"}) {
    EXPECT_EQ(textToUtf8(s), s);
  }
}

TEST(TextToUtf8, NulBytesDoNotMakeValidTextLatin1) {
  // g_utf8_validate refuses NUL; "\xC3\xA4" after one was read as two
  // Windows-1252 characters.
  const std::string s("a\0\xC3\xA4", 4);
  EXPECT_EQ(textToUtf8(s), s);
}

TEST(TextToUtf8, Latin1IsRead) {
  EXPECT_EQ(textToUtf8("caf\xE9"), "caf\xC3\xA9");
  EXPECT_EQ(textToUtf8("\xFF"), "\xC3\xBF");
  EXPECT_EQ(textToUtf8("\xA0"), "\xC2\xA0");
}

TEST(TextToUtf8, Windows1252PrintablesAreRead) {
  EXPECT_EQ(textToUtf8("\x80 5"), "\xE2\x82\xAC 5") << "euro sign";
  EXPECT_EQ(textToUtf8("\x93q\x94"), "\xE2\x80\x9Cq\xE2\x80\x9D") << "curly quotes";
  EXPECT_EQ(textToUtf8("\x9F"), "\xC5\xB8") << "Y with diaeresis";
}

TEST(TextToUtf8, BytesWindows1252LeavesUndefinedKeepTheText) {
  // iconv refuses 0x81, 0x8D, 0x8F, 0x90 and 0x9D; g_convert failed and the
  // whole text came out empty. They are the C1 controls of the same number.
  EXPECT_EQ(textToUtf8("a\x81z"), "a\xC2\x81z");
  EXPECT_EQ(textToUtf8("\x8D\x8F\x90\x9D"), "\xC2\x8D\xC2\x8F\xC2\x90\xC2\x9D");
  EXPECT_EQ(textToUtf8("Ordner \x81"
                       "ber caf\xE9"),
            "Ordner \xC2\x81"
            "ber caf\xC3\xA9");
}

TEST(TextToUtf8, BrokenUtf8IsReadAsWindows1252) {
  EXPECT_EQ(textToUtf8("\xC3"), "\xC3\x83") << "a cut-off sequence";
  EXPECT_EQ(textToUtf8("\xC0\xAE"), "\xC3\x80\xC2\xAE") << "an overlong form";
  EXPECT_EQ(textToUtf8("\xED\xA0\x80"), "\xC3\xAD\xC2\xA0\xE2\x82\xAC") << "a surrogate";
}

TEST(TextToUtf8, EveryByteBecomesOneCharacter) {
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  const std::string out = textToUtf8(all);
  std::size_t characters = 0;  // bytes that start a character
  for (char c : out) characters += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  EXPECT_EQ(characters, 256u);
  EXPECT_EQ(out.substr(0, 128), all.substr(0, 128)) << "ASCII and NUL as they are";
}

}  // namespace
}  // namespace spe::mime
