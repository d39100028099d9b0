// The word-pair filter: never turns away a message that holds a phrase,
// turns away most that do not.
#include "index/pair_filter.h"

#include <gtest/gtest.h>

#include <iostream>
#include <random>
#include <set>

namespace spe::index {
namespace {

PhraseCheck phrase(std::vector<std::string> prefixes, std::string text) {
  return {std::move(prefixes), splitWords(text)};
}

constexpr std::int64_t kSalt = 42;

std::string filterOf(const MessageText& t) { return pairFilterOf(t, kSalt); }

bool may(const std::string& filter, const std::vector<PhraseCheck>& phrases) {
  return mayHoldPhrases(filter, kSalt, phrasePairs(phrases));
}

TEST(PairFilter, HoldsWhatThePhraseCheckHolds) {
  MessageText t;
  t.subject = "Quarterly Report";
  t.body = "Please find the quarterly report attached. Grüße aus KÖLN!";
  t.from = "Anna Schmidt <anna@example.com>";
  t.attachments.push_back({"Rechnung März.pdf", "application/pdf", "pdf", "Summe netto 4711", ""});
  t.attachments.push_back({"Second file.txt", "text/plain", "txt", "other words", ""});
  const std::string f = filterOf(t);
  ASSERT_FALSE(f.empty());
  for (const auto& p :
       {phrase({"S"}, "quarterly report"), phrase({""}, "the quarterly report attached"),
        phrase({""}, "attached grüße"), phrase({""}, "grüße aus köln"), phrase({"F"}, "anna schmidt"),
        phrase({"A", "N"}, "rechnung märz"), phrase({"N"}, "netto 4711"), phrase({"", "S", "A", "N"}, "second file")}) {
    EXPECT_TRUE(holdsPhrases(t, {p}));
    EXPECT_TRUE(may(f, {p})) << p.words[0] << " " << p.words[1];
  }
  // Pairs that are not there (wrong order, across texts): most are turned
  // away, whatever the salt. A pair in another field passes (pairs do not
  // say their field) and is left to the check.
  EXPECT_TRUE(may(f, {phrase({"S"}, "report quarterly")})) << "in the body";
  EXPECT_FALSE(holdsPhrases(t, {phrase({"S"}, "report quarterly")}));
  int turned_away = 0, tried = 0;
  for (std::int64_t salt = 1; salt <= 50; ++salt) {
    const std::string salted = pairFilterOf(t, salt);
    for (const auto& p :
         {phrase({"S"}, "quarterly please"), phrase({""}, "attached quarterly"), phrase({""}, "report please"),
          phrase({"A"}, "märz second"), phrase({"N"}, "4711 other"), phrase({""}, "köln anna")}) {
      EXPECT_FALSE(holdsPhrases(t, {p}));
      turned_away += mayHoldPhrases(salted, salt, phrasePairs({p})) ? 0 : 1;
      ++tried;
    }
  }
  EXPECT_GE(turned_away * 100 / tried, 80) << turned_away << " of " << tried;
  EXPECT_FALSE(may(f, {phrase({"S"}, "quarterly report"), phrase({"S"}, "nothing such")})) << "every phrase must hold";
}

TEST(PairFilter, PairsAreLongWordsWithTheShortWordsBetweenAndTheSaltChangesTheBits) {
  MessageText t;
  t.body = "terms and conditions of the sale";
  const std::string f = filterOf(t);
  EXPECT_TRUE(may(f, {phrase({""}, "terms and conditions")}));
  EXPECT_TRUE(may(f, {phrase({""}, "conditions of the sale")}));
  EXPECT_FALSE(may(f, {phrase({""}, "sale conditions")}));
  EXPECT_FALSE(may(f, {phrase({""}, "terms conditions")})) << "the short words between are part of the pair";
  EXPECT_FALSE(may(f, {phrase({""}, "conditions the sale")}));
  EXPECT_TRUE(may(f, {phrase({""}, "of the")})) << "no two long words: not filtered";
  EXPECT_NE(pairFilterOf(t, 1), pairFilterOf(t, 2));
  EXPECT_TRUE(mayHoldPhrases(pairFilterOf(t, 2), 2, phrasePairs({phrase({""}, "terms and conditions")})));
}

TEST(PairFilter, OneWordPhrasesAndMissingOrUnknownFiltersLetEverythingThrough) {
  MessageText t;
  t.body = "alpha beta";
  EXPECT_TRUE(may(filterOf(t), {phrase({""}, "gamma")}));
  EXPECT_TRUE(may("", {phrase({""}, "beta alpha")}));
  std::string other_version = filterOf(t);
  other_version[0] = 9;
  EXPECT_TRUE(may(other_version, {phrase({""}, "beta alpha")}));
  EXPECT_FALSE(may(filterOf(t), {phrase({""}, "beta alpha")}));
}

// Chinese and Japanese characters are words of their own (phrase_check.h):
// phrases with them are judged by filters made since (version 5); filters
// of version 4 took a run of them for one word, and judge only the other
// phrases.
TEST(PairFilter, PhrasesWithCjkCharactersAreJudgedOnlyByNewFilters) {
  MessageText t;
  t.body = "quarterly 年度报告书 report and alpha beta";
  const std::string current = filterOf(t);
  EXPECT_TRUE(may(current, {phrase({""}, "quarterly 年度报告书 report")}));
  EXPECT_FALSE(may(current, {phrase({""}, "quarterly 报告书年度 report")}));
  std::string version4 = current;
  version4[0] = 4;
  EXPECT_TRUE(may(version4, {phrase({""}, "quarterly 报告书年度 report")})) << "cannot tell: let it through";
  EXPECT_FALSE(may(version4, {phrase({""}, "beta alpha")})) << "phrases without such characters are judged";
  EXPECT_TRUE(may(version4, {phrase({""}, "alpha beta")}));
}

// Random texts: every phrase taken from a text passes; of pairs of words
// the text has but not next to each other, about one in seven passes.
TEST(PairFilter, NoFalseNegativesAndFewFalsePositives) {
  std::mt19937 rng(7);
  std::vector<std::string> vocabulary;
  for (int i = 0; i < 2000; ++i) vocabulary.push_back("word" + std::to_string(i));
  int wrong = 0, tried = 0;
  for (int doc = 0; doc < 200; ++doc) {
    std::vector<std::string> words;
    const int n = 20 + static_cast<int>(rng() % 600);
    MessageText t;
    for (int i = 0; i < n; ++i) {
      words.push_back(vocabulary[rng() % vocabulary.size()]);
      t.body += words.back() + (i % 9 == 8 ? ". " : " ");
    }
    std::set<std::pair<std::string, std::string>> pairs;
    for (int i = 0; i + 1 < n; ++i) {
      pairs.emplace(words[i], words[i + 1]);  // punctuation is no word: ". " keeps a pair
    }
    const std::string f = filterOf(t);
    EXPECT_LE(f.size(), 1 + std::max<std::size_t>(8, (n * 4 + 7) / 8)) << "4 bits per pair";
    for (int i = 0; i + 2 < n; i += 3) {
      EXPECT_TRUE(may(f, {{{""}, {words[i], words[i + 1], words[i + 2]}}}));
      const std::string& a = words[rng() % n];
      const std::string& b = words[rng() % n];
      if (pairs.count({a, b})) continue;
      ++tried;
      wrong += may(f, {{{""}, {a, b}}}) ? 1 : 0;
    }
  }
  ASSERT_GT(tried, 5000);
  EXPECT_LT(wrong * 100 / tried, 20) << wrong << " of " << tried;
  std::cout << "false positives: " << wrong << " of " << tried << "\n";
}

}  // namespace
}  // namespace spe::index
