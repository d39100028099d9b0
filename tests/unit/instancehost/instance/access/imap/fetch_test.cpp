// FETCH rendering of the instance's IMAP server on messages with a known
// MIME structure: sections by part number, BODYSTRUCTURE, BODY, ENVELOPE,
// partials, header field selection, and malformed structure.
#include "instancehost/instance/access/imap/fetch.h"

#include <gtest/gtest.h>

namespace spe::instance {
namespace {

const std::string kMessage =
    "From: \"Ann Example\" <ann@example.com>\r\n"
    "To: bob@example.org, team: carl@example.net;\r\n"
    "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n"
    "Date: Tue, 6 Feb 2024 10:00:00 +0100\r\n"
    "Message-ID: <m1@example.com>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"outer\"\r\n"
    "\r\n"
    "preamble\r\n"
    "--outer\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n"
    "Hello\r\nworld\r\n"
    "--outer\r\n"
    "Content-Type: message/rfc822\r\n"
    "\r\n"
    "From: inner@example.com\r\n"
    "Subject: inner\r\n"
    "\r\n"
    "inner body\r\n"
    "--outer\r\n"
    "Content-Type: application/pdf; name=\"r.pdf\"\r\n"
    "Content-Disposition: attachment; filename=\"r.pdf\"\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "JVBERi0=\r\n"
    "--outer--\r\n"
    "epilogue\r\n";

std::string fetch(const std::string& items, const std::string& raw = kMessage) {
  std::vector<std::string> segments{items};
  std::vector<std::string> literals;
  ImapTokenizer t(segments, literals);
  ImapValue v;
  EXPECT_TRUE(t.value(v)) << t.error();
  auto parsed = parseFetchItems(v, false);
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().message);
  if (!parsed) return {};
  ImapMessageRef ref;
  ref.uid = 7;
  ref.size = static_cast<std::int64_t>(raw.size());
  ref.archived_at = 1707210000;
  return renderFetch(1, ref, &raw, *parsed);
}

TEST(ImapFetch, PartSections) {
  EXPECT_EQ(fetch("(BODY.PEEK[1])"), "* 1 FETCH (BODY[1] {12}\r\nHello\r\nworld)\r\n");
  EXPECT_EQ(fetch("(BODY[1.MIME])"),
            "* 1 FETCH (BODY[1.MIME] {43}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n)\r\n");
  EXPECT_EQ(fetch("(BODY[2.HEADER])"),
            "* 1 FETCH (BODY[2.HEADER] {43}\r\nFrom: inner@example.com\r\nSubject: inner\r\n\r\n)\r\n");
  EXPECT_EQ(fetch("(BODY[2.TEXT])"), "* 1 FETCH (BODY[2.TEXT] {10}\r\ninner body)\r\n");
  EXPECT_EQ(fetch("(BODY[2.1])"), "* 1 FETCH (BODY[2.1] {10}\r\ninner body)\r\n");
  EXPECT_EQ(fetch("(BODY[3])"), "* 1 FETCH (BODY[3] {8}\r\nJVBERi0=)\r\n");
  EXPECT_EQ(fetch("(BODY[9])"), "* 1 FETCH (BODY[9] {0}\r\n)\r\n");  // no such part: empty
  EXPECT_EQ(fetch("(BODY[3]<2.3>)"), "* 1 FETCH (BODY[3]<2> {3}\r\nBER)\r\n");
}

TEST(ImapFetch, SinglePartMessagePartOneIsItsBody) {
  const std::string raw = "Subject: x\r\n\r\nbody\r\n";
  EXPECT_EQ(fetch("(BODY[1])", raw), "* 1 FETCH (BODY[1] {6}\r\nbody\r\n)\r\n");
  EXPECT_EQ(fetch("BODYSTRUCTURE", raw),
            "* 1 FETCH (BODYSTRUCTURE (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 6 1 NIL NIL NIL "
            "NIL))\r\n");
}

TEST(ImapFetch, BodyStructure) {
  EXPECT_EQ(fetch("BODY"),
            "* 1 FETCH (BODY ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"7BIT\" 12 2)"
            "(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 53 (NIL \"inner\" ((NIL NIL \"inner\" \"example.com\")) "
            "((NIL NIL \"inner\" \"example.com\")) ((NIL NIL \"inner\" \"example.com\")) NIL NIL NIL NIL NIL) "
            "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 10 1) 4)"
            "(\"APPLICATION\" \"PDF\" (\"NAME\" \"r.pdf\") NIL NIL \"BASE64\" 8) \"MIXED\"))\r\n");
  const std::string s = fetch("BODYSTRUCTURE");
  EXPECT_NE(s.find("(\"ATTACHMENT\" (\"FILENAME\" \"r.pdf\"))"), std::string::npos) << s;
  EXPECT_NE(s.find("\"MIXED\" (\"BOUNDARY\" \"outer\") NIL NIL NIL))"), std::string::npos) << s;
}

TEST(ImapFetch, Envelope) {
  EXPECT_EQ(fetch("ENVELOPE"),
            "* 1 FETCH (ENVELOPE (\"Tue, 6 Feb 2024 10:00:00 +0100\" \"=?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\" "
            "((\"Ann Example\" NIL \"ann\" \"example.com\")) ((\"Ann Example\" NIL \"ann\" \"example.com\")) "
            "((\"Ann Example\" NIL \"ann\" \"example.com\")) ((NIL NIL \"bob\" \"example.org\")"
            "(NIL NIL \"team\" NIL)(NIL NIL \"carl\" \"example.net\")(NIL NIL NIL NIL)) NIL NIL NIL "
            "\"<m1@example.com>\"))\r\n");
}

TEST(ImapFetch, MacrosAndSimpleItems) {
  EXPECT_EQ(fetch("FAST"), "* 1 FETCH (FLAGS (\\Seen) INTERNALDATE \"06-Feb-2024 09:00:00 +0000\" RFC822.SIZE " +
                               std::to_string(kMessage.size()) + ")\r\n");
  EXPECT_NE(fetch("ALL").find("ENVELOPE (\"Tue"), std::string::npos);
  EXPECT_NE(fetch("FULL").find(" BODY (("), std::string::npos);
}

TEST(ImapFetch, HeaderFields) {
  EXPECT_EQ(fetch("(BODY.PEEK[HEADER.FIELDS (subject message-id)])"),
            "* 1 FETCH (BODY[HEADER.FIELDS (SUBJECT MESSAGE-ID)] {70}\r\nSubject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n"
            "Message-ID: <m1@example.com>\r\n\r\n)\r\n");
}

TEST(ImapFetch, BadItemsAreRefused) {
  for (const char* bad :
       {"(BODY[HEADER.FIELDS])", "(BODY[1.])", "(BODY[MIME])", "(BODY[0])", "(NOSUCH)", "(BODY[TEXT]<1>)", "()"}) {
    std::vector<std::string> segments{bad};
    std::vector<std::string> literals;
    ImapTokenizer t(segments, literals);
    ImapValue v;
    ASSERT_TRUE(t.value(v)) << bad;
    EXPECT_FALSE(parseFetchItems(v, false).ok()) << bad;
  }
}

TEST(ImapFetch, BrokenStructureNeverFails) {
  const std::string raw =
      "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: message/rfc822\r\n\r\n"
      "Content-Type: multipart/alternative; boundary=c\r\n\r\nno closing boundary at all";
  const std::string s = fetch("(BODYSTRUCTURE BODY[1.1] ENVELOPE)", raw);
  EXPECT_EQ(s.substr(0, 12), "* 1 FETCH (B");
  std::string headerless = "no headers\r\n";
  EXPECT_NE(fetch("(BODYSTRUCTURE BODY[HEADER])", headerless).find("BODY[HEADER] {"), std::string::npos);
}

}  // namespace
}  // namespace spe::instance
