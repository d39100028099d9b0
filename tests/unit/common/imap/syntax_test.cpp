// The IMAP framer and tokenizer (common/imap/syntax.h) on their own: the
// command and response parsers are tested whole in command_test and
// response_test; here each limit, each malformed literal announcement and
// each tokenizer error is named, and the framer is fed byte by byte and
// split at every offset.
#include "common/imap/syntax.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace spe {
namespace {

using State = ImapFramer::State;

struct Framed {
  std::vector<State> states;  // kLiteral and kLine, in order
  std::vector<std::string> segments, literals;
  std::string error;
};

// Feeds `bytes` in pieces of `piece` bytes until the first line is framed.
Framed frame(std::string_view bytes, std::size_t piece = 1 << 20, ImapFramer::Limits limits = {}) {
  ImapFramer f(limits);
  Framed out;
  while (!bytes.empty()) {
    std::string_view part = bytes.substr(0, piece);
    bytes.remove_prefix(part.size());
    while (!part.empty()) {
      const auto step = f.feed(part);
      EXPECT_LE(step.consumed, part.size());
      part.remove_prefix(step.consumed);
      if (step.state == State::kError) {
        out.error = f.error();
        return out;
      }
      if (step.state == State::kLiteral || step.state == State::kLine) out.states.push_back(step.state);
      if (step.state == State::kLine) {
        out.segments = f.segments();
        out.literals = f.literals();
        return out;
      }
      if (step.state == State::kNeedMore) {
        EXPECT_TRUE(part.empty()) << "kNeedMore with bytes left";
      }
    }
  }
  return out;
}

const std::string kLine = "a1 LOGIN {5}\r\nalice {0}\r\n {3+}\r\n\r\n!\r\n";

void checkLine(const Framed& r) {
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.states, (std::vector<State>{State::kLiteral, State::kLiteral, State::kLiteral, State::kLine}));
  EXPECT_EQ(r.segments, (std::vector<std::string>{"a1 LOGIN {5}", " {0}", " {3+}", ""}));
  EXPECT_EQ(r.literals, (std::vector<std::string>{"alice", "", "\r\n!"}));
}

TEST(ImapFramer, LiteralsWhole) { checkLine(frame(kLine)); }

TEST(ImapFramer, LiteralsByteByByte) { checkLine(frame(kLine, 1)); }

TEST(ImapFramer, LiteralsSplitAtEveryOffset) {
  for (std::size_t cut = 1; cut < kLine.size(); ++cut) {
    ImapFramer f;
    std::vector<State> states;
    for (std::string_view part : {std::string_view(kLine).substr(0, cut), std::string_view(kLine).substr(cut)}) {
      while (!part.empty()) {
        const auto step = f.feed(part);
        part.remove_prefix(step.consumed);
        if (step.state == State::kLiteral || step.state == State::kLine) states.push_back(step.state);
        if (step.state == State::kLine) break;
      }
    }
    ASSERT_EQ(states.size(), 4u) << "cut at " << cut;
    EXPECT_EQ(f.literals(), (std::vector<std::string>{"alice", "", "\r\n!"})) << "cut at " << cut;
  }
}

TEST(ImapFramer, SynchronisingOrNotIsReported) {
  ImapFramer f;
  auto step = f.feed("a {12}\r\n");
  EXPECT_EQ(step.state, State::kLiteral);
  EXPECT_EQ(f.literalSize(), 12u);
  EXPECT_TRUE(f.literalSynchronising());
  ImapFramer g;
  step = g.feed("a {7+}\r\n");
  EXPECT_EQ(step.state, State::kLiteral);
  EXPECT_EQ(g.literalSize(), 7u);
  EXPECT_FALSE(g.literalSynchronising());
}

TEST(ImapFramer, BareLineFeedEndsALineAndCrIsDropped) {
  const auto r = frame("a NOOP\n");
  EXPECT_EQ(r.segments, std::vector<std::string>{"a NOOP"});
  const auto cr = frame("a NOOP\r\r\n");
  EXPECT_EQ(cr.segments, std::vector<std::string>{"a NOOP\r"}) << "only the CR before LF is the line end";
}

TEST(ImapFramer, AfterALineNothingMoreIsTakenUntilReset) {
  ImapFramer f;
  const std::string_view two = "a NOOP\r\nb NOOP\r\n";
  auto step = f.feed(two);
  EXPECT_EQ(step.state, State::kLine);
  EXPECT_EQ(step.consumed, 8u);
  step = f.feed(two.substr(8));
  EXPECT_EQ(step.state, State::kLine);
  EXPECT_EQ(step.consumed, 0u) << "the framed line is kept until reset()";
  f.reset();
  step = f.feed(two.substr(8));
  EXPECT_EQ(step.state, State::kLine);
  EXPECT_EQ(f.segments(), std::vector<std::string>{"b NOOP"});
  EXPECT_TRUE(f.literals().empty());
}

TEST(ImapFramer, LineOverItsLimitIsAnError) {
  ImapFramer::Limits limits;
  limits.max_line = 10;
  EXPECT_TRUE(frame("a 1234567\r\n", 1 << 20, limits).error.empty()) << "10 bytes with the CR fit";
  const auto r = frame("a 12345678\r\n", 1 << 20, limits);
  EXPECT_NE(r.error.find("longer than 10 bytes"), std::string::npos) << r.error;
  EXPECT_FALSE(frame("a 12345678\r\n", 1, limits).error.empty()) << "also when it comes byte by byte";
}

TEST(ImapFramer, LineLimitCountsEachSegmentNotTheLiterals) {
  ImapFramer::Limits limits;
  limits.max_line = 8;
  const auto r = frame("a {10}\r\n0123456789 {2}\r\nxy\r\n", 1 << 20, limits);
  EXPECT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.literals, (std::vector<std::string>{"0123456789", "xy"}));
}

TEST(ImapFramer, LiteralOverItsLimitIsAnErrorBeforeItsBytes) {
  ImapFramer::Limits limits;
  limits.max_literal = 100;
  ImapFramer f(limits);
  const auto step = f.feed("a {101}\r\n");
  EXPECT_EQ(step.state, State::kError);
  EXPECT_NE(f.error().find("101 bytes is larger than allowed (100)"), std::string::npos) << f.error();
  EXPECT_EQ(f.feed("more").state, State::kError) << "an error stays";
  EXPECT_EQ(f.feed("more").consumed, 0u);
}

TEST(ImapFramer, TotalOverItsLimitIsAnError) {
  ImapFramer::Limits limits;
  limits.max_total = 20;
  const auto r = frame("a {8}\r\n12345678 {8}\r\n12345678\r\n", 1 << 20, limits);
  EXPECT_NE(r.error.find("too large"), std::string::npos) << r.error;
}

TEST(LiteralAnnouncement, WellFormed) {
  auto a = literalAnnouncement("x {0}");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->size, 0u);
  EXPECT_TRUE(a->synchronising);
  a = literalAnnouncement("{123456789012+}");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->size, 123456789012u);
  EXPECT_FALSE(a->synchronising);
  a = literalAnnouncement("a {1} b {2}");
  ASSERT_TRUE(a) << "the last one counts";
  EXPECT_EQ(a->size, 2u);
}

TEST(LiteralAnnouncement, EmptyBracesAreNone) { EXPECT_FALSE(literalAnnouncement("a {}")); }
TEST(LiteralAnnouncement, PlusAloneIsNone) { EXPECT_FALSE(literalAnnouncement("a {+}")); }
TEST(LiteralAnnouncement, NonDigitIsNone) { EXPECT_FALSE(literalAnnouncement("a {1a}")); }
TEST(LiteralAnnouncement, NegativeIsNone) { EXPECT_FALSE(literalAnnouncement("a {-1}")); }
TEST(LiteralAnnouncement, ThirteenDigitsAreNone) { EXPECT_FALSE(literalAnnouncement("a {1234567890123}")); }
TEST(LiteralAnnouncement, UnclosedIsNone) { EXPECT_FALSE(literalAnnouncement("a {5")); }
TEST(LiteralAnnouncement, NotAtTheEndIsNone) { EXPECT_FALSE(literalAnnouncement("a {5} ")); }
TEST(LiteralAnnouncement, CloseWithoutOpenIsNone) { EXPECT_FALSE(literalAnnouncement("a 5}")); }

// Tokenizes one framed line into values.
struct Tokens {
  std::vector<ImapValue> values;
  std::string error;
};

Tokens tokens(const std::vector<std::string>& segments, const std::vector<std::string>& literals = {}) {
  ImapTokenizer t(segments, literals);
  Tokens out;
  while (!t.atEnd()) {
    ImapValue v;
    if (!t.value(v)) {
      out.error = t.error();
      break;
    }
    out.values.push_back(std::move(v));
  }
  return out;
}

TEST(ImapTokenizer, AtomsStringsNilListsAndLiterals) {
  const auto r = tokens({"FETCH 1:* (FLAGS \"a \\\"q\\\\\" nil NIL) {3}", ""}, {"x y"});
  ASSERT_TRUE(r.error.empty()) << r.error;
  ASSERT_EQ(r.values.size(), 4u);
  EXPECT_TRUE(r.values[0].isAtom("fetch"));
  EXPECT_EQ(r.values[1].str(), "1:*");
  ASSERT_TRUE(r.values[2].isList());
  ASSERT_EQ(r.values[2].items.size(), 4u);
  EXPECT_EQ(r.values[2].items[1].kind, ImapValue::Kind::kString);
  EXPECT_EQ(r.values[2].items[1].str(), "a \"q\\");
  EXPECT_EQ(r.values[2].items[2].kind, ImapValue::Kind::kNil) << "NIL in any case";
  EXPECT_EQ(r.values[2].items[2].str(), "");
  EXPECT_EQ(r.values[3].kind, ImapValue::Kind::kString);
  EXPECT_EQ(r.values[3].str(), "x y");
}

TEST(ImapTokenizer, BracketsAndPartialsBelongToTheAtom) {
  const auto r = tokens({"BODY.PEEK[HEADER.FIELDS (FROM TO)]<0.100> BODY[]"});
  ASSERT_EQ(r.values.size(), 2u);
  EXPECT_EQ(r.values[0].str(), "BODY.PEEK[HEADER.FIELDS (FROM TO)]<0.100>");
  EXPECT_EQ(r.values[1].str(), "BODY[]");
}

TEST(ImapTokenizer, ResponseCodeEndsAtItsBracket) {
  const std::vector<std::string> segments{"[UIDVALIDITY 42] rest of text"};
  const std::vector<std::string> literals;
  ImapTokenizer t(segments, literals);
  ASSERT_EQ(t.peek(), '[');
  std::vector<ImapValue> code;
  ASSERT_TRUE(t.code(code)) << t.error();
  ASSERT_EQ(code.size(), 2u);
  EXPECT_TRUE(code[0].isAtom("UIDVALIDITY"));
  EXPECT_EQ(code[1].number(), 42);
  EXPECT_EQ(t.rest(), "rest of text");
  EXPECT_TRUE(t.atEnd());
}

TEST(ImapTokenizer, UnclosedResponseCodeIsAnError) {
  const std::vector<std::string> segments{"[ALERT here"};
  const std::vector<std::string> literals;
  ImapTokenizer t(segments, literals);
  t.peek();
  std::vector<ImapValue> code;
  EXPECT_FALSE(t.code(code));
  EXPECT_EQ(t.error(), "a response code is not closed");
}

TEST(ImapTokenizer, UnclosedQuoteIsAnError) { EXPECT_EQ(tokens({"\"abc"}).error, "a quoted string is not closed"); }

TEST(ImapTokenizer, BackslashAtTheEndOfAQuoteIsAnError) {
  EXPECT_EQ(tokens({"\"abc\\"}).error, "a quoted string is not closed");
}

TEST(ImapTokenizer, UnclosedListIsAnError) { EXPECT_EQ(tokens({"(a (b)"}).error, "a list is not closed"); }

TEST(ImapTokenizer, CloseWithoutOpenIsAnError) { EXPECT_EQ(tokens({"a )"}).error, "')' without '('"); }

TEST(ImapTokenizer, StrayBracketIsAnError) { EXPECT_EQ(tokens({"]"}).error, "an unexpected character ']'"); }

TEST(ImapTokenizer, LiteralWithoutItsBytesIsAnError) {
  EXPECT_EQ(tokens({"a {3}"}).error, "a literal is malformed") << "no literal was framed";
  EXPECT_EQ(tokens({"a {x}"}, {"abc"}).error, "a literal is malformed");
}

TEST(ImapTokenizer, NestingIsLimited) {
  const std::string ok = std::string(64, '(') + std::string(64, ')');
  EXPECT_TRUE(tokens({ok}).error.empty()) << "64 levels are fine";
  const std::string deep = std::string(66, '(') + std::string(66, ')');
  EXPECT_EQ(tokens({deep}).error, "lists nested too deeply");
  const std::string hostile(100000, '(');
  EXPECT_EQ(tokens({hostile}).error, "lists nested too deeply") << "no stack overflow";
}

TEST(ImapValue, NumbersAreDigitsOnlyAndFit) {
  ImapValue v;
  v.text = "123";
  EXPECT_EQ(v.number(), 123);
  v.text = "999999999999999999";  // 18 digits
  EXPECT_EQ(v.number(), 999999999999999999);
  for (const char* bad : {"", "1234567890123456789", "-1", "+1", "1:2", "12a"}) {
    v.text = bad;
    EXPECT_FALSE(v.number()) << bad;
  }
  v.text = "5";
  v.kind = ImapValue::Kind::kString;
  EXPECT_FALSE(v.number()) << "a quoted number is a string";
}

TEST(ImapText, CaseInsensitiveAsciiOnly) {
  EXPECT_TRUE(imapIEquals("inbox", "INBOX"));
  EXPECT_FALSE(imapIEquals("inbox", "INBOX2"));
  EXPECT_FALSE(imapIEquals("\xC3\xA4", "\xC3\x84")) << "non-ASCII letters are compared as bytes";
  EXPECT_EQ(imapUpper("Body.Peek[]"), "BODY.PEEK[]");
  EXPECT_EQ(imapUpper("\xC3\xA4"), "\xC3\xA4");
}

}  // namespace
}  // namespace spe
