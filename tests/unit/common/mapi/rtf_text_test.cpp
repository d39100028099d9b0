#include "common/mapi/rtf_text.h"

#include <gtest/gtest.h>

namespace spe::mapi {
namespace {

TEST(RtfText, PlainRtfToText) {
  const std::string rtf =
      "{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0 Arial;}}{\\colortbl;\\red0\\green0\\blue0;}"
      "\\pard Hello\\par W\\'f6rld\\tab x\\par {\\*\\generator Foo;}caf\\u233?\\par}";
  EXPECT_EQ(rtfToText(rtf), "Hello\nW\xC3\xB6rld\tx\ncaf\xC3\xA9\n");
  EXPECT_FALSE(rtfToHtml(rtf));
}

TEST(RtfText, EscapedBracesAndBackslash) { EXPECT_EQ(rtfToText("{\\rtf1 a\\{b\\}c\\\\d}"), "a{b}c\\d"); }

TEST(RtfText, UnicodeSkipsFallbackCharacters) {
  EXPECT_EQ(rtfToText("{\\rtf1\\uc2 \\u8364\\'80\\'80 EUR}"), "\xE2\x82\xAC EUR");
}

TEST(RtfText, PicturesAndBinaryAreLeftOut) {
  EXPECT_EQ(rtfToText("{\\rtf1 a{\\pict\\pngblip 89504e47}b{\\*\\unknown zzz}c}"), "abc");
}

// [MS-OXRTFEX] 4.1: HTML encapsulated in RTF.
TEST(RtfText, DeEncapsulatesHtml) {
  const std::string rtf =
      "{\\rtf1\\ansi\\ansicpg1252\\fromhtml1 \\deff0{\\fonttbl {\\f0\\fswiss Arial;}}"
      "{\\*\\htmltag19 <html>}{\\*\\htmltag34 <head>}{\\*\\htmltag41 </head>}"
      "{\\*\\htmltag50 <body>}\\htmlrtf {\\htmlrtf0 "
      "{\\*\\htmltag64 <p>}\\htmlrtf {\\htmlrtf0 Hello \\'e9t\\'e9 &amp; <\\htmlrtf \\par \\htmlrtf0 "
      "{\\*\\htmltag72 </p>}\\htmlrtf }\\htmlrtf0 "
      "\\htmlrtf }\\htmlrtf0 {\\*\\htmltag58 </body>}{\\*\\htmltag27 </html>}}";
  auto html = rtfToHtml(rtf);
  ASSERT_TRUE(html);
  EXPECT_EQ(*html, "<html><head></head><body><p>Hello \xC3\xA9t\xC3\xA9 &amp; <</p></body></html>");
}

TEST(RtfText, HtmlTagLineBreaks) {
  auto html = rtfToHtml("{\\rtf1\\fromhtml1 {\\*\\htmltag0 <pre>\\par a\\tab b}}");
  ASSERT_TRUE(html);
  EXPECT_EQ(*html, "<pre>\r\na\tb");
}

TEST(RtfText, DeepNestingIsBounded) {
  std::string rtf = "{\\rtf1 ";
  for (int i = 0; i < 5000; ++i) rtf += "{";
  rtf += "x";
  for (int i = 0; i < 5000; ++i) rtf += "}";
  rtf += "}";
  EXPECT_EQ(rtfToText(rtf), "x");
}

TEST(RtfText, TruncatedInputDoesNotCrash) {
  const std::string rtf = "{\\rtf1\\fromhtml1 {\\*\\htmltag0 <p>}\\'e";
  for (std::size_t n = 0; n <= rtf.size(); ++n) {
    (void)rtfToText(rtf.substr(0, n));
    (void)rtfToHtml(rtf.substr(0, n));
  }
}

}  // namespace
}  // namespace spe::mapi
