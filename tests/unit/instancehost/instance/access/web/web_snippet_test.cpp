#include "instancehost/instance/access/web/web_snippet.h"

#include <gtest/gtest.h>

namespace spe::instance {
namespace {

// The snippet with its marked places in [brackets].
std::string shown(const std::vector<SnippetPiece>& pieces) {
  std::string out;
  for (const auto& p : pieces) out += p.hit ? "[" + p.text + "]" : p.text;
  return out;
}

using Terms = std::vector<std::string>;

TEST(HighlightTerms, WordsPhrasesAndTextFieldsCount) {
  EXPECT_EQ(highlightTerms("invoice \"quarterly report\" subject:Offer body:x content:Rechnung"),
            (Terms{"quarterly", "rechnung", "invoice", "report", "offer", "x"}));
}

TEST(HighlightTerms, NegatedWordsOrAndOtherFieldsDoNot) {
  EXPECT_EQ(highlightTerms("-draft invoice OR receipt from:anna to:bob folder:alice/Inbox date:2024-01-01 size:>1M "
                           "has:attachment -\"a phrase\" -subject:x"),
            (Terms{"invoice", "receipt"}));
}

TEST(HighlightTerms, WildcardsEndTheWord) { EXPECT_EQ(highlightTerms("auto* Me?er"), (Terms{"auto", "me"})); }

TEST(HighlightTerms, LowerCaseEachOnceLongestFirst) {
  EXPECT_EQ(highlightTerms("Über über ÜBER ab"), (Terms{"über", "ab"}));
}

TEST(HighlightTerms, ChineseAndJapaneseRunsStayWhole) {
  EXPECT_EQ(highlightTerms("東京 report東京"), (Terms{"report", "東京"}));
}

TEST(HighlightTerms, MalformedQueriesGiveWhatCanBeRead) {
  EXPECT_EQ(highlightTerms("\"unclosed phrase"), (Terms{"unclosed", "phrase"}));
  EXPECT_EQ(highlightTerms("- : \"\" subject:"), Terms{});
  EXPECT_EQ(highlightTerms(""), Terms{});
}

TEST(Snippet, MarksWordStartsAndPrefixes) {
  EXPECT_EQ(shown(snippetAround("The Reporting of reports; misreport.", {"report"})),
            "The [Report]ing of [report]s; misreport.");
}

TEST(Snippet, ShortTermsMarkWholeWordsOnly) {
  EXPECT_EQ(shown(snippetAround("an answer, an ant", {"an"})), "[an] answer, [an] ant");
}

TEST(Snippet, CaseAndNonAsciiLetters) {
  EXPECT_EQ(shown(snippetAround("ÜBERWEISUNG und Überweisungen", {"überweisung"})),
            "[ÜBERWEISUNG] und [Überweisung]en");
}

TEST(Snippet, ChineseTermsAnywhere) { EXPECT_EQ(shown(snippetAround("我们在东京见面", {"东京"})), "我们在[东京]见面"); }

TEST(Snippet, LongestTermWinsAtAPlace) {
  EXPECT_EQ(shown(snippetAround("quarterly report", highlightTerms("quarter quarterly"))), "[quarterly] report");
}

TEST(Snippet, AWindowAroundTheFirstHitCutAtSpaces) {
  std::string text;
  for (int i = 0; i < 60; ++i) text += "word" + std::to_string(i) + " ";
  text += "needle ";
  for (int i = 0; i < 60; ++i) text += "tail" + std::to_string(i) + " ";
  const auto s = shown(snippetAround(text, {"needle"}, 60));
  EXPECT_EQ(s.rfind("\u2026", 0), 0u) << s;          // text left out before
  EXPECT_EQ(s.substr(s.size() - 3), "\u2026") << s;  // and after
  EXPECT_NE(s.find("[needle]"), std::string::npos) << s;
  EXPECT_NE(s.find("\u2026word"), std::string::npos) << s;  // cut at a space, not inside a word
  EXPECT_LT(s.size(), 90u) << s;
}

TEST(Snippet, WhiteSpaceIsCollapsed) {
  EXPECT_EQ(shown(snippetAround("  a\r\n\r\n  needle\tb  ", {"needle"})), "a [needle] b");
}

TEST(Snippet, WithoutAHitTheStart) {
  EXPECT_EQ(shown(snippetAround("Hello there, how are you", {"absent"}, 12)), "Hello there,\u2026");
  EXPECT_EQ(shown(snippetAround("Hello", {})), "Hello");
  EXPECT_TRUE(snippetAround("", {"x"}).empty());
  EXPECT_TRUE(snippetAround(" \r\n ", {"x"}).empty());
}

TEST(Snippet, InvalidUtf8GivesValidUtf8) {
  const auto pieces = snippetAround("caf\xe9 needle \xff", {"needle"});
  ASSERT_FALSE(pieces.empty());
  std::string all;
  for (const auto& p : pieces) all += p.text;
  for (std::size_t i = 0; i < all.size();) {  // each lead byte followed by its continuation bytes
    const auto c = static_cast<unsigned char>(all[i]);
    const std::size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    ASSERT_NE(n, 0u) << "byte " << i << " of " << all;
    ASSERT_LE(i + n, all.size());
    for (std::size_t k = 1; k < n; ++k) ASSERT_EQ(static_cast<unsigned char>(all[i + k]) & 0xC0, 0x80);
    i += n;
  }
  EXPECT_NE(all.find("caf\u00e9"), std::string::npos) << all;  // read as Latin-1
}

}  // namespace
}  // namespace spe::instance
