// The IMAP command parser on commands as clients send them (imaplib,
// Thunderbird, mbsync), whole, byte by byte and split at every offset, and
// on malformed and hostile input.
#include "common/imap/command.h"

#include <gtest/gtest.h>

namespace spe {
namespace {

using State = ImapCommandParser::State;

struct Parsed {
  std::vector<ImapCommand> commands;
  int continuations = 0;
  std::vector<std::string> bad;
  std::string fatal;
};

Parsed parseAll(std::string_view bytes, std::size_t piece = 1 << 20, ImapCommandParser::Limits limits = {}) {
  ImapCommandParser p(limits);
  Parsed out;
  while (!bytes.empty()) {
    std::string_view part = bytes.substr(0, piece);
    bytes.remove_prefix(part.size());
    while (!part.empty()) {
      auto step = p.feed(part);
      part.remove_prefix(step.consumed);
      if (step.state == State::kError) {
        out.fatal = p.errorMessage();
        return out;
      }
      if (step.state == State::kContinue) ++out.continuations;
      if (step.state == State::kBad) out.bad.push_back(p.badTag() + ": " + p.errorMessage());
      if (step.state == State::kDone) out.commands.push_back(p.take());
    }
  }
  return out;
}

const std::string kSession =
    "a1 CAPABILITY\r\n"
    "a2 login {5}\r\nalice {9}\r\np\"a ss{}w\r\n"
    "a3 UID FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (FROM TO)]<0.100> RFC822.SIZE)\r\n"
    "a4 SEARCH CHARSET UTF-8 OR FROM \"bob\" SUBJECT {3+}\r\nüx\r\n"
    "a5 SELECT \"Other Users/bob\"\r\n";

void checkSession(const Parsed& r) {
  ASSERT_TRUE(r.fatal.empty()) << r.fatal;
  ASSERT_TRUE(r.bad.empty()) << r.bad[0];
  ASSERT_EQ(r.commands.size(), 5u);
  EXPECT_EQ(r.continuations, 2);  // {5} and {9}; {3+} needs none
  EXPECT_EQ(r.commands[0].tag, "a1");
  EXPECT_EQ(r.commands[0].name, "CAPABILITY");
  EXPECT_TRUE(r.commands[0].args.empty());
  EXPECT_EQ(r.commands[1].name, "LOGIN");
  ASSERT_EQ(r.commands[1].args.size(), 2u);
  EXPECT_EQ(r.commands[1].args[0].str(), "alice");
  EXPECT_EQ(r.commands[1].args[1].str(), "p\"a ss{}w");
  const auto& fetch = r.commands[2];
  EXPECT_EQ(fetch.name, "UID");
  ASSERT_EQ(fetch.args.size(), 3u);
  EXPECT_TRUE(fetch.args[0].isAtom("FETCH"));
  EXPECT_EQ(fetch.args[1].str(), "1:*");
  ASSERT_TRUE(fetch.args[2].isList());
  ASSERT_EQ(fetch.args[2].items.size(), 3u);
  EXPECT_EQ(fetch.args[2].items[1].str(), "BODY.PEEK[HEADER.FIELDS (FROM TO)]<0.100>");
  const auto& search = r.commands[3];
  ASSERT_EQ(search.args.size(), 7u);
  EXPECT_EQ(search.args[6].str(), "üx");
  EXPECT_EQ(search.args[6].kind, ImapValue::Kind::kString);
  EXPECT_EQ(r.commands[4].args[0].str(), "Other Users/bob");
}

TEST(ImapCommand, WholeSession) { checkSession(parseAll(kSession)); }

TEST(ImapCommand, ByteByByte) { checkSession(parseAll(kSession, 1)); }

TEST(ImapCommand, SplitAtEveryOffset) {
  for (std::size_t cut = 1; cut < kSession.size(); ++cut) {
    ImapCommandParser p;
    Parsed out;
    for (std::string_view part : {std::string_view(kSession).substr(0, cut), std::string_view(kSession).substr(cut)}) {
      while (!part.empty()) {
        auto step = p.feed(part);
        part.remove_prefix(step.consumed);
        ASSERT_NE(step.state, State::kError) << cut;
        ASSERT_NE(step.state, State::kBad) << cut;
        if (step.state == State::kContinue) ++out.continuations;
        if (step.state == State::kDone) out.commands.push_back(p.take());
      }
    }
    checkSession(out);
  }
}

TEST(ImapCommand, BareLineFeedEndsALine) {
  auto r = parseAll("x NOOP\n");
  ASSERT_EQ(r.commands.size(), 1u);
  EXPECT_EQ(r.commands[0].name, "NOOP");
}

TEST(ImapCommand, RawModeForAuthenticateAndIdle) {
  ImapCommandParser p;
  p.setRawMode(true);
  std::string_view in = "AGFsaWNlAHNlY3JldA==\r\n";
  auto step = p.feed(in);
  ASSERT_EQ(step.state, State::kDone);
  EXPECT_EQ(p.take().raw, "AGFsaWNlAHNlY3JldA==");
  p.setRawMode(false);
  step = p.feed("t NOOP\r\n");
  ASSERT_EQ(step.state, State::kDone);
  EXPECT_EQ(p.take().name, "NOOP");
}

TEST(ImapCommand, EmptyLineIsBad) {
  auto r = parseAll("\r\nt NOOP\r\n");
  ASSERT_EQ(r.bad.size(), 1u);
  EXPECT_EQ(r.commands.size(), 1u);  // the connection stays usable
}

TEST(ImapCommand, TagWithStarIsBad) {
  auto r = parseAll("* NOOP\r\n");
  ASSERT_EQ(r.bad.size(), 1u);
  EXPECT_NE(r.bad[0].find("Invalid tag"), std::string::npos);
}

TEST(ImapCommand, TagWithPlusIsBad) { EXPECT_EQ(parseAll("a+b NOOP\r\n").bad.size(), 1u); }

TEST(ImapCommand, MissingCommandNameIsBad) {
  auto r = parseAll("a1\r\n");
  ASSERT_EQ(r.bad.size(), 1u);
  EXPECT_EQ(r.bad[0].substr(0, 3), "a1:");
}

TEST(ImapCommand, QuotedCommandNameIsBad) { EXPECT_EQ(parseAll("a1 \"LOGIN\"\r\n").bad.size(), 1u); }

TEST(ImapCommand, UnclosedQuoteIsBad) { EXPECT_EQ(parseAll("a1 LOGIN \"alice secret\r\n").bad.size(), 1u); }

TEST(ImapCommand, UnclosedListIsBad) { EXPECT_EQ(parseAll("a1 FETCH 1 (FLAGS\r\n").bad.size(), 1u); }

TEST(ImapCommand, StrayParenthesisIsBad) { EXPECT_EQ(parseAll("a1 FETCH 1 FLAGS)\r\n").bad.size(), 1u); }

TEST(ImapCommand, DeepNestingIsBad) {
  EXPECT_EQ(parseAll("a1 SEARCH " + std::string(100, '(') + "ALL" + std::string(100, ')') + "\r\n").bad.size(), 1u);
}

TEST(ImapCommand, OverlongLineIsFatal) {
  auto r = parseAll("a1 LOGIN " + std::string(70000, 'x') + "\r\n");
  EXPECT_NE(r.fatal.find("longer than 65536"), std::string::npos) << r.fatal;
}

TEST(ImapCommand, HugeLiteralIsFatalBeforeItsBytes) {
  auto r = parseAll("a1 LOGIN alice {999999999}\r\n");
  EXPECT_NE(r.fatal.find("999999999"), std::string::npos) << r.fatal;
  EXPECT_EQ(r.continuations, 0);
}

TEST(ImapCommand, ManyLiteralsOverTheTotalAreFatal) {
  std::string line = "a1 SEARCH";
  std::string in;
  for (int i = 0; i < 10; ++i) in += " TEXT {40000+}\r\n" + std::string(40000, 'q');
  auto r = parseAll(line + in + "\r\n");
  EXPECT_FALSE(r.fatal.empty());
}

TEST(ImapCommand, ZeroLengthLiteralNeedsNoContinuation) {
  auto r = parseAll("a1 LOGIN alice {0}\r\n\r\n");
  ASSERT_EQ(r.commands.size(), 1u);
  EXPECT_EQ(r.continuations, 0);
  EXPECT_EQ(r.commands[0].args[1].str(), "");
}

TEST(ImapCommand, NulInsideALiteralIsKept) {
  std::string in = "a1 LOGIN alice {3+}\r\n";
  in += std::string("a\0b", 3);
  in += "\r\n";
  auto r = parseAll(in);
  ASSERT_EQ(r.commands.size(), 1u);
  EXPECT_EQ(r.commands[0].args[1].str(), std::string("a\0b", 3));
}

}  // namespace
}  // namespace spe
