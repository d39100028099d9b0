// The IMAP response parser on responses as Dovecot and others send them,
// byte by byte and in one piece, and on hostile input.
#include "common/imap/response.h"

#include <gtest/gtest.h>

namespace spe {
namespace {

using State = ImapResponseParser::State;

// Every response in `bytes`, fed in pieces of `piece` bytes.
std::vector<ImapResponse> parseAll(std::string_view bytes, std::size_t piece = 1 << 20,
                                   ImapResponseParser::Limits limits = {}) {
  ImapResponseParser p(limits);
  std::vector<ImapResponse> out;
  while (!bytes.empty()) {
    std::string_view part = bytes.substr(0, piece);
    bytes.remove_prefix(part.size());
    while (!part.empty()) {
      auto step = p.feed(part);
      EXPECT_NE(step.state, State::kError) << p.errorMessage();
      if (step.state == State::kError) return out;
      part.remove_prefix(step.consumed);
      if (step.state == State::kDone) out.push_back(p.take());
    }
  }
  return out;
}

TEST(ImapResponse, GreetingWithCapabilityCode) {
  auto r = parseAll("* OK [CAPABILITY IMAP4rev1 SASL-IR STARTTLS AUTH=PLAIN] Dovecot ready.\r\n");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].kind, ImapResponse::Kind::kUntagged);
  EXPECT_EQ(r[0].status, "OK");
  ASSERT_EQ(r[0].code.size(), 5u);
  EXPECT_TRUE(r[0].code[0].isAtom("capability"));
  EXPECT_TRUE(r[0].code[4].isAtom("AUTH=PLAIN"));
  EXPECT_EQ(r[0].text, "Dovecot ready.");
}

TEST(ImapResponse, FetchWithLiteralsByteByByteAndWhole) {
  const std::string body = "Subject: hi\r\n\r\n(not a list) \"nor a string\r\n{5}\r\n";
  const std::string wire = "* 12 FETCH (UID 4711 RFC822.SIZE " + std::to_string(body.size()) +
                           " INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" FLAGS (\\Seen $Forwarded) BODY[] {" +
                           std::to_string(body.size()) + "}\r\n" + body +
                           ")\r\na3 OK Fetch completed (0.001 + 0.000 secs).\r\n";
  for (std::size_t piece : {std::size_t{1}, std::size_t{7}, wire.size()}) {
    auto r = parseAll(wire, piece);
    ASSERT_EQ(r.size(), 2u) << piece;
    ASSERT_EQ(r[0].data.size(), 3u);
    EXPECT_EQ(r[0].data[0].number(), 12);
    EXPECT_TRUE(r[0].data[1].isAtom("FETCH"));
    const auto& items = r[0].data[2].items;
    ASSERT_EQ(items.size(), 10u);
    EXPECT_EQ(items[1].number(), 4711);
    EXPECT_EQ(items[5].str(), "17-Jul-1996 02:44:25 -0700");
    EXPECT_TRUE(items[7].isList());
    EXPECT_TRUE(items[7].items[0].isAtom("\\Seen"));
    EXPECT_TRUE(items[8].isAtom("BODY[]"));
    EXPECT_EQ(items[9].kind, ImapValue::Kind::kString);
    EXPECT_EQ(items[9].str(), body) << "the literal's bytes exactly";
    EXPECT_EQ(r[1].kind, ImapResponse::Kind::kTagged);
    EXPECT_EQ(r[1].tag, "a3");
    EXPECT_EQ(r[1].status, "OK");
  }
}

TEST(ImapResponse, ListStatusSearchAndContinuation) {
  auto r = parseAll(
      "* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent Items\"\r\n"
      "* LIST () \".\" {9}\r\nA \"q\" (b)\r\n"
      "* LIST (\\Noselect) NIL \"\"\r\n"
      "* STATUS \"Sent Items\" (MESSAGES 3 UIDNEXT 4 UIDVALIDITY 1700000000)\r\n"
      "* SEARCH 2 3 5\r\n"
      "* 3 EXISTS\r\n"
      "+ Ready for literal data\r\n"
      "+\r\n"
      "* BAD [PARSE] nonsense (with an unbalanced paren\r\n");
  ASSERT_EQ(r.size(), 9u);
  EXPECT_TRUE(r[0].data[0].isAtom("LIST"));
  EXPECT_TRUE(r[0].data[1].items[1].isAtom("\\sent"));
  EXPECT_EQ(r[0].data[2].str(), "/");
  EXPECT_EQ(r[0].data[3].str(), "Sent Items");
  EXPECT_EQ(r[1].data[3].str(), "A \"q\" (b)");
  EXPECT_EQ(r[2].data[2].kind, ImapValue::Kind::kNil);
  EXPECT_EQ(r[3].data[2].items[5].number(), 1700000000);
  EXPECT_EQ(r[4].data.size(), 4u);
  EXPECT_EQ(r[5].data[0].number(), 3);
  EXPECT_EQ(r[6].kind, ImapResponse::Kind::kContinuation);
  EXPECT_EQ(r[6].text, "Ready for literal data");
  EXPECT_EQ(r[7].kind, ImapResponse::Kind::kContinuation);
  EXPECT_EQ(r[8].status, "BAD");
  EXPECT_EQ(r[8].text, "nonsense (with an unbalanced paren");
}

TEST(ImapResponse, BracketedSectionsStayOneAtom) {
  auto r = parseAll("* 1 FETCH (BODY[HEADER.FIELDS (FROM TO)]<0> {4}\r\nab\r\n UID 9)\r\n");
  ASSERT_EQ(r.size(), 1u);
  const auto& items = r[0].data[2].items;
  ASSERT_EQ(items.size(), 4u);
  EXPECT_EQ(items[0].str(), "BODY[HEADER.FIELDS (FROM TO)]<0>");
  EXPECT_EQ(items[1].str(), "ab\r\n");
  EXPECT_EQ(items[3].number(), 9);
}

TEST(ImapResponse, HostileInputIsAnErrorNamingIt) {
  ImapResponseParser::Limits small;
  small.max_line = 64;
  small.max_literal = 100;
  struct Case {
    std::string bytes, expected;
  } cases[] = {
      {std::string(100, 'x'), "longer than 64"},
      {"* 1 FETCH (BODY[] {101}\r\n", "literal of 101 bytes"},
      {"* 1 FETCH (BODY[] {99999999999999999999}\r\n", "invalid"},
      {"* LIST ((((\r\n", "not closed"},
      {"* SEARCH \"open\r\n", "not closed"},
      {"a1 FETCH (x)\r\n", "tagged response must be"},
      {"\r\n", "empty line"},
      {"* 1 FETCH ) (\r\n", "')' without '('"},
  };
  for (const auto& c : cases) {
    ImapResponseParser p(small);
    auto step = p.feed(c.bytes);
    EXPECT_EQ(step.state, State::kError) << c.bytes;
    EXPECT_NE(p.errorMessage().find(c.expected), std::string::npos) << c.bytes << " -> " << p.errorMessage();
    EXPECT_EQ(p.feed("* OK\r\n").state, State::kError) << "stays failed";
  }
  // Nested lists beyond any sensible depth.
  ImapResponseParser deep;
  EXPECT_EQ(deep.feed("* X " + std::string(200, '(') + std::string(200, ')') + "\r\n").state, State::kError);
}

TEST(ImapResponse, QuotingForCommands) {
  EXPECT_EQ(imapQuoted("Sent Items"), "\"Sent Items\"");
  EXPECT_EQ(imapQuoted("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_FALSE(imapQuoted("line\r\nbreak").has_value());
  EXPECT_FALSE(imapQuoted("Gesendete Objekte \xC3\xA4").has_value()) << "8-bit goes as a literal";
}

}  // namespace
}  // namespace spe
