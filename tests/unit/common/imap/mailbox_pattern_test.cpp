// The LIST/LSUB mailbox pattern: its semantics, hostile patterns in bounded
// time, and agreement with a plain backtracking reference on random input.
#include "common/imap/mailbox_pattern.h"

#include <gtest/gtest.h>

#include <chrono>
#include <random>

namespace spe {
namespace {

bool matches(std::string_view pattern, std::string_view name) { return ImapMailboxPattern(pattern).matches(name); }

// The obvious recursive matcher (the one the instance used): exponential on
// hostile input, fine as a reference for short strings.
bool reference(std::string_view pattern, std::string_view name) {
  if (pattern.empty()) return name.empty();
  const char p = pattern.front();
  if (p == '*' || p == '%') {
    for (std::size_t i = 0; i <= name.size(); ++i) {
      if (reference(pattern.substr(1), name.substr(i))) return true;
      if (i < name.size() && p == '%' && name[i] == '/') return false;
    }
    return false;
  }
  return !name.empty() && p == name.front() && reference(pattern.substr(1), name.substr(1));
}

TEST(ImapMailboxPattern, StarMatchesAnythingIncludingTheDelimiter) {
  EXPECT_TRUE(matches("*", ""));
  EXPECT_TRUE(matches("*", "INBOX"));
  EXPECT_TRUE(matches("*", "Archive/2023/Q1"));
  EXPECT_TRUE(matches("Archive/*", "Archive/2023/Q1"));
  EXPECT_TRUE(matches("Archive*", "Archive"));
  EXPECT_TRUE(matches("*/Q1", "Archive/2023/Q1"));
  EXPECT_FALSE(matches("Archive/*", "Archive"));
  EXPECT_FALSE(matches("*/Q2", "Archive/2023/Q1"));
}

TEST(ImapMailboxPattern, PercentStopsAtTheDelimiter) {
  EXPECT_TRUE(matches("%", "INBOX"));
  EXPECT_TRUE(matches("%", ""));
  EXPECT_FALSE(matches("%", "Archive/2023"));
  EXPECT_TRUE(matches("Archive/%", "Archive/2023"));
  EXPECT_FALSE(matches("Archive/%", "Archive/2023/Q1"));
  EXPECT_TRUE(matches("%/%/%", "Archive/2023/Q1"));
  EXPECT_TRUE(matches("A%e", "Archive"));
  EXPECT_FALSE(matches("A%e", "Arch/ive"));
  EXPECT_TRUE(matches("%/2023", "Archive/2023"));
}

TEST(ImapMailboxPattern, LiteralsAreExactAndCaseSensitive) {
  EXPECT_TRUE(matches("INBOX", "INBOX"));
  EXPECT_FALSE(matches("INBOX", "inbox"));
  EXPECT_FALSE(matches("INBOX", "INBOX/Sub"));
  EXPECT_FALSE(matches("INBO", "INBOX"));
  EXPECT_TRUE(matches("", ""));
  EXPECT_FALSE(matches("", "a"));
  EXPECT_TRUE(matches("Gelöschte *", "Gelöschte Elemente"));
}

TEST(ImapMailboxPattern, WildcardRunsCollapse) {
  EXPECT_EQ(ImapMailboxPattern("a***b").compiled(), "a*b");
  EXPECT_EQ(ImapMailboxPattern("a%%%b").compiled(), "a%b");
  EXPECT_EQ(ImapMailboxPattern("a%*%b").compiled(), "a*b");
  EXPECT_EQ(ImapMailboxPattern("*%").compiled(), "*");
  EXPECT_TRUE(matches("%%", "x"));
  EXPECT_FALSE(matches("%%", "x/y"));
  EXPECT_TRUE(matches("%*", "x/y"));
}

TEST(ImapMailboxPattern, OtherDelimiter) {
  EXPECT_TRUE(ImapMailboxPattern("a.%", '.').matches("a.b"));
  EXPECT_FALSE(ImapMailboxPattern("a.%", '.').matches("a.b.c"));
  EXPECT_TRUE(ImapMailboxPattern("a.%", '.').matches("a.b/c"));
}

// 1,000-character hostile patterns against 2,000 long names: the old
// matcher needed seconds for 120 stars against one name.
TEST(ImapMailboxPattern, HostilePatternsTakeMilliseconds) {
  std::vector<std::string> patterns = {std::string(999, '*') + "Z", std::string(999, '%') + "Z"};
  std::string mixed;
  while (mixed.size() < 999) mixed += "a*%";
  patterns.push_back(mixed.substr(0, 999) + "Z");
  std::string stars_and_letters;
  while (stars_and_letters.size() < 999) stars_and_letters += "*a";
  patterns.push_back(stars_and_letters + "Z");
  std::vector<std::string> names;
  for (int i = 0; i < 2000; ++i) names.push_back(std::string(200, 'a') + "/" + std::to_string(i));
  const auto start = std::chrono::steady_clock::now();
  for (const auto& p : patterns) {
    const ImapMailboxPattern compiled(p);
    for (const auto& n : names) EXPECT_FALSE(compiled.matches(n));
  }
  const auto took = std::chrono::steady_clock::now() - start;
  // 4 patterns x 2,000 names x 200 characters; the worst (500 live
  // positions) is about 10^8 simple steps: well under a second even
  // unoptimised, where the recursive matcher never ends.
  EXPECT_LT(took, std::chrono::seconds(5));
  std::cout << "hostile patterns: " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms\n";
}

TEST(ImapMailboxPattern, OneThousandStarsAgainstOneName) {
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(matches(std::string(1000, '*') + "Z", std::string(1000, 'a')));
  EXPECT_TRUE(matches(std::string(1000, '*') + "Z", std::string(1000, 'a') + "Z"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(500));
}

// Found by review: the simulation is O(name x pattern), and a long pattern
// of literals and stars ("*a" repeated to 128 KiB) took 3 s for 1,000
// names. A pattern with more literals than the name is refused at once, and
// one over kMaxLength bytes (no mailbox path is that long) matches nothing.
TEST(ImapMailboxPattern, LongPatternsCostNothing) {
  std::string huge;
  while (huge.size() < 128 * 1024) huge += "*a";
  std::string literals_then_star;
  while (literals_then_star.size() < 1000) literals_then_star += "a*";
  std::vector<std::string> names;
  for (int i = 0; i < 1000; ++i) names.push_back(std::string(200, 'a') + "/" + std::to_string(i));
  const auto start = std::chrono::steady_clock::now();
  for (const auto& p : {huge, literals_then_star}) {
    const ImapMailboxPattern compiled(p);
    for (const auto& n : names) EXPECT_FALSE(compiled.matches(n));
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(500));
  EXPECT_FALSE(matches(std::string(ImapMailboxPattern::kMaxLength + 1, '*'), "INBOX"));
  EXPECT_TRUE(matches(std::string(ImapMailboxPattern::kMaxLength, '*'), "INBOX"));
  EXPECT_FALSE(matches("abc", "ab"));    // more literals than characters
  EXPECT_TRUE(matches("a*b*c", "abc"));  // exactly as many
}

TEST(ImapMailboxPattern, AgreesWithTheReferenceOnRandomInput) {
  std::mt19937 rng(15);
  const std::string alphabet = "ab/*%";
  const std::string name_alphabet = "ab/";
  for (int round = 0; round < 200000; ++round) {
    std::string pattern, name;
    for (int i = static_cast<int>(rng() % 9); i > 0; --i) pattern += alphabet[rng() % alphabet.size()];
    for (int i = static_cast<int>(rng() % 9); i > 0; --i) name += name_alphabet[rng() % name_alphabet.size()];
    ASSERT_EQ(matches(pattern, name), reference(pattern, name)) << "pattern '" << pattern << "' name '" << name << "'";
  }
}

}  // namespace
}  // namespace spe
