// HTML to text (common/mime/html_text.h), for the index and message views:
// block elements end lines, script/style/head/noscript/template content is
// dropped, entities are decoded, white space collapses as a browser shows
// it, and broken or hostile HTML still gives text. (Whole messages through
// the index's MIME walk: tests/unit/index/message_text_test.cpp.)
#include "common/mime/html_text.h"

#include <gtest/gtest.h>

#include <string>

namespace spe::mime {
namespace {

TEST(HtmlToText, BlocksEndLines) {
  EXPECT_EQ(htmlToText("<p>one</p><p>two</p><div>three<br>four</div><ul><li>a<li>b</ul>"),
            "one\ntwo\nthree\nfour\na\nb");
  EXPECT_EQ(htmlToText("<table><tr><td>x</td><td>y</td></tr><tr><td>z</td></tr></table>"), "x\ny\nz");
  EXPECT_EQ(htmlToText("<h1>Title</h1>text<hr>after"), "Title\ntext\nafter");
}

TEST(HtmlToText, InlineElementsDoNot) {
  EXPECT_EQ(htmlToText("<p>Hello <b>bold</b> <i>and</i> <a href=x>linked</a></p>"), "Hello bold and linked");
}

TEST(HtmlToText, ScriptStyleHeadNoscriptAndTemplateAreDropped) {
  EXPECT_EQ(htmlToText("<html><head><title>T</title><style>p{color:red}</style></head><body>"
                       "<script>alert('x')</script>visible<noscript>ns</noscript><template>tpl</template>"
                       "</body></html>"),
            "visible");
}

TEST(HtmlToText, EntitiesAreDecoded) {
  EXPECT_EQ(htmlToText("a &amp; b &lt;c&gt; &eacute; &#228; &#x1F4E7;"),
            "a & b <c> \xC3\xA9 \xC3\xA4 \xF0\x9F\x93\xA7");
  EXPECT_EQ(htmlToText("x&nbsp;y"), "x\xC2\xA0y") << "a no-break space is no white space to collapse";
}

TEST(HtmlToText, WhiteSpaceCollapsesAndEndsTrimmed) {
  EXPECT_EQ(htmlToText("  a \t\r\n  b  "), "a b");
  EXPECT_EQ(htmlToText("<p>  a  </p>\n\n<p> b </p>\n"), "a \nb");
}

TEST(HtmlToText, EmptyAndTextOnly) {
  EXPECT_EQ(htmlToText(""), "");
  EXPECT_EQ(htmlToText("just text"), "just text");
  EXPECT_EQ(htmlToText("<p></p><div> </div>"), "");
}

TEST(HtmlToText, BrokenHtmlStillGivesItsText) {
  EXPECT_EQ(htmlToText("<p>unclosed <b>bold <div>block"), "unclosed bold \nblock")
      << "a space before a block's line break stays";
  EXPECT_EQ(htmlToText("<<>>text</p></div>"), ">>text") << "libxml2 drops a '<' that starts no tag";
  EXPECT_EQ(htmlToText("a <!-- comment --> b"), "a b");
}

TEST(HtmlToText, NulBytesDoNotEndTheText) {
  const std::string html("before\0after", 12);
  const std::string text = htmlToText(html);
  EXPECT_NE(text.find("before"), std::string::npos);
  EXPECT_NE(text.find("after"), std::string::npos);
}

TEST(HtmlToText, DeepNestingNeverOverflowsTheStack) {
  std::string html;
  for (int i = 0; i < 100000; ++i) html += "<div>";
  html += "deep";
  const std::string text = htmlToText(html);
  EXPECT_LE(text.size(), 100u);
}

}  // namespace
}  // namespace spe::mime
