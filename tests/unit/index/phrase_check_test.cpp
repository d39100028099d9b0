// Phrases checked on the words of a message's fields.
#include "index/phrase_check.h"

#include <gtest/gtest.h>
#include <xapian.h>

namespace spe::index {
namespace {

TEST(PhraseCheck, WordsAreUnicodeWordCharactersInLowerCase) {
  EXPECT_EQ(splitWords("Grüße aus KÖLN, snake_case 4711!"),
            (std::vector<std::string>{"grüße", "aus", "köln", "snake_case", "4711"}));
  EXPECT_EQ(wordSequence("  Hello,   WORLD.\r\n"), " hello world ");
  EXPECT_EQ(wordSequence(""), " ");
  EXPECT_EQ(splitWords("Привет мир"), (std::vector<std::string>{"привет", "мир"}));
}

// Chinese and Japanese are written without spaces: each character is a
// word, so a phrase of characters is found inside any longer run.
TEST(PhraseCheck, ChineseAndJapaneseCharactersAreWordsOfTheirOwn) {
  EXPECT_EQ(splitWords("年度报告书 report"), (std::vector<std::string>{"年", "度", "报", "告", "书", "report"}));
  EXPECT_EQ(splitWords("abc年度def"), (std::vector<std::string>{"abc", "年", "度", "def"}));
  EXPECT_EQ(wordSequence("会議の議事録です。"), " 会 議 の 議 事 録 で す ");
  EXPECT_EQ(splitWords("カタカナ"), (std::vector<std::string>{"カ", "タ", "カ", "ナ"}));
  MessageText t;
  t.subject = "2024年度报告书";
  t.body = "明日の会議の議事録を送ります";
  EXPECT_TRUE(holdsPhrases(t, {{{"S"}, splitWords("报告")}}));
  EXPECT_TRUE(holdsPhrases(t, {{{"S"}, splitWords("年度报告")}}));
  EXPECT_TRUE(holdsPhrases(t, {{{""}, splitWords("議事録")}}));
  EXPECT_FALSE(holdsPhrases(t, {{{""}, splitWords("議録")}})) << "the characters must follow each other";
  EXPECT_FALSE(holdsPhrases(t, {{{"S"}, splitWords("告报")}}));
}

// The characters that are words of their own are those Xapian's
// FLAG_CJK_NGRAM cuts into characters and pairs, for every word character
// of Unicode: the phrase check and the index read text alike.
TEST(PhraseCheck, CjkCharactersAreThoseXapianCutsIntoNgrams) {
  Xapian::TermGenerator generator;
  generator.set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM);
  std::size_t cjk = 0;
  for (unsigned c = 0x80; c <= 0x10FFFF; ++c) {
    if ((c >= 0xD800 && c <= 0xDFFF) || !Xapian::Unicode::is_wordchar(c)) continue;
    Xapian::Document doc;
    generator.set_document(doc);
    std::string text = "q";
    Xapian::Unicode::append_utf8(text, c);
    generator.index_text_without_positions(text);
    bool cut = false;  // "q" alone: the character was cut off as CJK
    for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it) cut = cut || *it == "q";
    ASSERT_EQ(isCjk(c), cut) << std::hex << "U+" << c;
    cjk += cut ? 1 : 0;
  }
  EXPECT_GT(cjk, 70000u);
}

TEST(PhraseCheck, EveryPhraseInOneOfItsFields) {
  MessageText t;
  t.subject = "Quarterly Report";
  t.body = "Please find the quarterly report attached. Report quarterly!";
  t.from = "Anna Schmidt <anna@example.com>";
  AttachmentText a;
  a.name = "Rechnung März.pdf";
  a.text = "Summe netto 4711";
  t.attachments.push_back(a);
  auto check = [&](std::vector<PhraseCheck> p) { return holdsPhrases(t, p); };
  EXPECT_TRUE(check({{{"S"}, {"quarterly", "report"}}}));
  EXPECT_FALSE(check({{{"S"}, {"report", "quarterly"}}}));
  EXPECT_TRUE(check({{{""}, {"report", "quarterly"}}}));
  EXPECT_FALSE(check({{{""}, {"attached", "quarterly"}}})) << "not across a sentence's words that are apart";
  EXPECT_TRUE(check({{{""}, {"attached", "report"}}})) << "punctuation is no word";
  EXPECT_FALSE(check({{{"S"}, {"report", "please"}}})) << "never across fields";
  EXPECT_TRUE(check({{{"A", "N"}, {"rechnung", "märz"}}, {{"N"}, {"netto", "4711"}}}));
  EXPECT_FALSE(check({{{"A"}, {"netto", "4711"}}}));
  EXPECT_TRUE(check({{{"F"}, {"anna", "schmidt"}}}));
  EXPECT_FALSE(check({{{""}, {"quarter"}}})) << "whole words only";
  EXPECT_FALSE(check({{{"S"}, {"quarterly", "report"}}, {{""}, {"no", "such"}}})) << "all phrases must hold";
}

}  // namespace
}  // namespace spe::index
