// Phrases checked on the words of a message's fields.
#include "index/phrase_check.h"

#include <gtest/gtest.h>

namespace spe::index {
namespace {

TEST(PhraseCheck, WordsAreUnicodeWordCharactersInLowerCase) {
  EXPECT_EQ(splitWords("Grüße aus KÖLN, snake_case 4711!"),
            (std::vector<std::string>{"grüße", "aus", "köln", "snake_case", "4711"}));
  EXPECT_EQ(wordSequence("  Hello,   WORLD.\r\n"), " hello world ");
  EXPECT_EQ(wordSequence(""), " ");
  EXPECT_EQ(splitWords("Привет мир"), (std::vector<std::string>{"привет", "мир"}));
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
