// Mail HTML made safe for Web Access: what runs code or loads remote
// content goes, text, layout and links stay.
#include "index/html_sanitize.h"

#include <gtest/gtest.h>

namespace spe::index {
namespace {

TEST(HtmlSanitize, KeepsTextLayoutAndLinks) {
  auto s = sanitizeHtml("<p style=\"color:red\">Hello <b>you</b> <a href=\"https://example.com/x\">site</a></p>");
  EXPECT_NE(s.html.find("Hello <b>you</b>"), std::string::npos) << s.html;
  EXPECT_NE(s.html.find("style=\"color:red\""), std::string::npos);
  EXPECT_NE(s.html.find("href=\"https://example.com/x\""), std::string::npos);
  EXPECT_NE(s.html.find("rel=\"noopener noreferrer\""), std::string::npos);
  EXPECT_EQ(s.removed_remote, 0);
}

TEST(HtmlSanitize, RemovesScriptsAndHandlers) {
  auto s = sanitizeHtml(
      "<body onload=\"x()\"><script>alert(1)</script><img src=\"cid:logo\" onerror=\"y()\">"
      "<a href=\"javascript:alert(1)\">a</a><a href=\" JaVa\tScRiPt:alert(1)\">b</a>"
      "<iframe src=\"https://evil.example/\"></iframe><object data=\"x.swf\"></object>"
      "<form action=\"https://evil.example/\"><input name=p></form><svg><script>z()</script></svg></body>");
  for (const char* bad : {"script", "onload", "onerror", "javascript", "iframe", "object", "form", "input", "svg",
                          "alert"}) {
    EXPECT_EQ(s.html.find(bad), std::string::npos) << bad << ": " << s.html;
  }
  EXPECT_NE(s.html.find("src=\"cid:logo\""), std::string::npos) << s.html;
}

TEST(HtmlSanitize, RemovesRemoteContent) {
  auto s = sanitizeHtml(
      "<img src=\"https://tracker.example/p.gif\"><img src=\"data:image/png;base64,AAAA\">"
      "<div style=\"background:url(https://x.example/b.png)\">t</div>"
      "<table background=\"http://x.example/bg.jpg\"><tr><td>c</td></tr></table>"
      "<link rel=stylesheet href=\"https://x.example/s.css\"><style>@import url(https://x.example/a.css);</style>"
      "<style>p { color: blue }</style>");
  EXPECT_EQ(s.html.find("tracker.example"), std::string::npos) << s.html;
  EXPECT_EQ(s.html.find("x.example"), std::string::npos) << s.html;
  EXPECT_NE(s.html.find("data:image/png;base64,AAAA"), std::string::npos);
  EXPECT_NE(s.html.find("color: blue"), std::string::npos);
  EXPECT_EQ(s.removed_remote, 5);
}

TEST(HtmlSanitize, BrokenHtmlNeverFails) {
  EXPECT_NO_THROW(sanitizeHtml("<<<>>><div <p></b></table>\xff\xfe"));
  EXPECT_NO_THROW(sanitizeHtml(""));
}

}  // namespace
}  // namespace spe::index
