// FETCH rendering of the instance's IMAP server on messages with a known
// MIME structure: sections by part number, BODYSTRUCTURE, BODY, ENVELOPE,
// partials, header field selection, and malformed structure. Expected
// ENVELOPE and BODYSTRUCTURE answers of odd messages are Dovecot 2.3's for
// the same bytes (type names in upper case, as ours are), unless a test
// says otherwise.
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
            "* 1 FETCH (BODY ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"7BIT\" 12 1)"
            "(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 53 (NIL \"inner\" ((NIL NIL \"inner\" \"example.com\")) "
            "((NIL NIL \"inner\" \"example.com\")) ((NIL NIL \"inner\" \"example.com\")) NIL NIL NIL NIL NIL) "
            "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 10 0) 3)"
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

TEST(ImapFetch, EnvelopeAddressesWithoutADomainStayAddresses) {
  // A NIL host outside a group marker would turn the address into a group
  // start, NIL mailbox and host into a group end.
  const std::string raw =
      "From: root (Cron Daemon)\r\nTo: undisclosed-recipients:;, postmaster, team: ann, bob@x.org;\r\n"
      "Cc: <>, \"Only Name\" <local>\r\nBcc: x@\r\nSubject: t\r\n\r\nx\r\n";
  EXPECT_EQ(fetch("ENVELOPE", raw),
            "* 1 FETCH (ENVELOPE (NIL \"t\" ((\"Cron Daemon\" NIL \"root\" \"MISSING_DOMAIN\")) "
            "((\"Cron Daemon\" NIL \"root\" \"MISSING_DOMAIN\")) ((\"Cron Daemon\" NIL \"root\" \"MISSING_DOMAIN\")) "
            "((NIL NIL \"undisclosed-recipients\" NIL)(NIL NIL NIL NIL)(NIL NIL \"postmaster\" \"MISSING_DOMAIN\")"
            "(NIL NIL \"team\" NIL)(NIL NIL \"ann\" \"MISSING_DOMAIN\")(NIL NIL \"bob\" \"x.org\")(NIL NIL NIL NIL)) "
            "((NIL NIL \"MISSING_MAILBOX\" \"MISSING_DOMAIN\")(\"Only Name\" NIL \"local\" \"MISSING_DOMAIN\")) "
            "((NIL NIL \"x\" \"MISSING_DOMAIN\")) NIL NIL))\r\n");
  EXPECT_EQ(
      fetch("ENVELOPE", "From: <@route.org:r@x.org>\r\n\r\n"),
      "* 1 FETCH (ENVELOPE (NIL NIL ((NIL \"@route.org\" \"r\" \"x.org\")) ((NIL \"@route.org\" \"r\" \"x.org\")) "
      "((NIL \"@route.org\" \"r\" \"x.org\")) NIL NIL NIL NIL NIL))\r\n");
}

TEST(ImapFetch, EnvelopeNamesAreUnfoldedAsWritten) {
  const std::string raw =
      "From: \"Bob\r\n Builder\" <bob@x.org>\r\nTo: \"Ann\r\n\tSmith\" <ann@x.org>, =?UTF-8?Q?J=C3=B6?=\r\n"
      " =?UTF-8?Q?rg?= <j@x.org>\r\nSubject: a long\r\n folded subject\r\n\r\nx\r\n";
  EXPECT_EQ(fetch("ENVELOPE", raw),
            "* 1 FETCH (ENVELOPE (NIL \"a long folded subject\" ((\"Bob Builder\" NIL \"bob\" \"x.org\")) "
            "((\"Bob Builder\" NIL \"bob\" \"x.org\")) ((\"Bob Builder\" NIL \"bob\" \"x.org\")) "
            "((\"Ann Smith\" NIL \"ann\" \"x.org\")(\"=?UTF-8?Q?J=C3=B6?= =?UTF-8?Q?rg?=\" NIL \"j\" \"x.org\")) "
            "NIL NIL NIL NIL))\r\n");
}

TEST(ImapFetch, EnvelopeStringsNeverBreakALine) {
  // CR, LF and TAB become spaces, NUL U+FFFD; 8-bit text is a literal;
  // encoded words stay as the header has them (Dovecot: the same, but one
  // space for the two of "nul\r\n  folded"; literals also for names that
  // had a line break).
  const std::string raw = std::string(
                              "From: =?UTF-8?Q?J=C3=B6rg?= <j@x.org>, \"M\xC3\xBCller\" <m@x.org>\r\n"
                              "To: =?UTF-8?Q?a=0D=0Ab?= <c@x.org>\r\nSubject: caf\xC3\xA9 bare\rcr and") +
                          std::string(1, '\0') + "nul\r\n  folded\r\nMessage-ID: <a\tb@x>\r\n\r\nbody\r\n";
  EXPECT_EQ(fetch("ENVELOPE", raw),
            "* 1 FETCH (ENVELOPE (NIL {31}\r\ncaf\xC3\xA9 bare cr and\xEF\xBF\xBDnul  folded "
            "((\"=?UTF-8?Q?J=C3=B6rg?=\" NIL \"j\" \"x.org\")({7}\r\nM\xC3\xBCller NIL \"m\" \"x.org\")) "
            "((\"=?UTF-8?Q?J=C3=B6rg?=\" NIL \"j\" \"x.org\")({7}\r\nM\xC3\xBCller NIL \"m\" \"x.org\")) "
            "((\"=?UTF-8?Q?J=C3=B6rg?=\" NIL \"j\" \"x.org\")({7}\r\nM\xC3\xBCller NIL \"m\" \"x.org\")) "
            "((\"=?UTF-8?Q?a=0D=0Ab?=\" NIL \"c\" \"x.org\")) NIL NIL NIL \"<a b@x>\"))\r\n");
  // No string of the answer holds a line break outside a literal's count.
  for (const char* items : {"ENVELOPE", "BODYSTRUCTURE"}) {
    const std::string s = fetch(items, raw);
    EXPECT_EQ(s.find('\0'), std::string::npos) << items;
  }
  const std::string params =
      "Content-Type: text/plain; name=\"a\tb.txt\"; charset*=utf-8''%C3%A4\r\n"
      "Content-Description: two\r\n\tlines\r\n\r\nx";
  EXPECT_EQ(fetch("BODYSTRUCTURE", params),
            "* 1 FETCH (BODYSTRUCTURE (\"TEXT\" \"PLAIN\" (\"NAME\" \"a b.txt\" \"CHARSET\" {2}\r\n\xC3\xA4) NIL "
            "\"two lines\" \"7BIT\" 1 0 NIL NIL NIL NIL))\r\n");
}

TEST(ImapFetch, NulBytesNeverGoRawInALiteral) {
  // Each NUL is 0x80 (as in Dovecot): the sizes stay as archived.
  const std::string nul(1, '\0');
  struct Case {
    std::string raw;
    const char* items;
    std::string expected;
  };
  const std::string start = nul + "X: 1\r\n\r\nbody";
  const std::string middle = "Subject: n\r\n\r\nbo" + nul + "dy\r\n";
  const std::string end = "Subject: n\r\n\r\nbody" + nul;
  const std::string part = "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\na" + nul + nul +
                           "b\r\n--b--\r\n";
  const Case cases[] = {
      {start, "(RFC822.SIZE BODY[])", "RFC822.SIZE 13 BODY[] {13}\r\n\x80X: 1\r\n\r\nbody"},
      {middle, "(RFC822.SIZE RFC822)",
       "RFC822.SIZE 21 RFC822 {21}\r\nSubject: n\r\n\r\nbo\x80"
       "dy\r\n"},
      {middle, "BODY.PEEK[TEXT]",
       "BODY[TEXT] {7}\r\nbo\x80"
       "dy\r\n"},
      {middle, "BODY[TEXT]<1.2>", "BODY[TEXT]<1> {2}\r\no\x80"},
      {end, "(BODY[] RFC822.TEXT)", "BODY[] {19}\r\nSubject: n\r\n\r\nbody\x80 RFC822.TEXT {5}\r\nbody\x80"},
      {part, "BODY[1]",
       "BODY[1] {4}\r\na\x80\x80"
       "b"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(fetch(c.items, c.raw), "* 1 FETCH (" + c.expected + ")\r\n") << c.items;
  }
}

TEST(ImapFetch, BodystructureOfOddShapesAsOtherServersShowIt) {
  struct Case {
    const char* what;
    std::string raw, expected;
  };
  const std::string text0 = "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" ";
  const Case cases[] = {
      {"part headers not followed by a blank line",
       "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n--b\r\nContent-Type: "
       "text/plain\r\n\r\nx\r\n--b--\r\n",
       "(" + text0 + "0 0 NIL NIL NIL NIL)" + text0 +
           "1 0 NIL NIL NIL NIL) \"MIXED\" (\"BOUNDARY\" \"b\") NIL NIL NIL)"},
      {"lines without a colon before the boundary",
       "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nhello world\r\nsecond line\r\n--b\r\nContent-Type: "
       "text/plain\r\nHello: there\r\nbody line\r\n--b\r\nContent-Type: text/html\r\n--b--\r\n",
       "(" + text0 + "0 0 NIL NIL NIL NIL)" + text0 +
           "0 0 NIL NIL NIL NIL)(\"TEXT\" \"HTML\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 0 0 NIL NIL NIL NIL) "
           "\"MIXED\" (\"BOUNDARY\" \"b\") NIL NIL NIL)"},
      {"a nested multipart reusing the outer boundary",
       "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n"
       "--b\r\nContent-Type: text/plain\r\n\r\none\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>two</p>\r\n--b--\r\n"
       "--b\r\nContent-Type: text/plain\r\n\r\nthree\r\n--b--\r\n",
       "((" + text0 +
           "3 0 NIL NIL NIL NIL)(\"TEXT\" \"HTML\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 10 0 NIL NIL "
           "NIL NIL) \"ALTERNATIVE\" (\"BOUNDARY\" \"b\") NIL NIL NIL)" +
           text0 + "5 0 NIL NIL NIL NIL) \"MIXED\" (\"BOUNDARY\" \"b\") NIL NIL NIL)"},
      {"parts without a final line break",
       "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\none line no break\r\n"
       "--b\r\nContent-Type: text/plain\r\n\r\ntwo\r\nlines\r\n--b--",
       "(" + text0 + "17 0 NIL NIL NIL NIL)" + text0 +
           "10 1 NIL NIL NIL NIL) \"MIXED\" (\"BOUNDARY\" \"b\") NIL NIL NIL)"},
      {"a message without a final line break", "Subject: x\r\n\r\nbody", text0 + "4 0 NIL NIL NIL NIL)"},
      {"a multipart without parts: an empty text part, with extension data",
       "Content-Type: multipart/mixed; boundary=zz\r\n\r\nno parts here\r\n",
       "(" + text0 + "0 0 NIL NIL NIL NIL) \"MIXED\" (\"BOUNDARY\" \"zz\") NIL NIL NIL)"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(fetch("BODYSTRUCTURE", c.raw), "* 1 FETCH (BODYSTRUCTURE " + c.expected + ")\r\n") << c.what;
  }
  // And the sections of the nested multipart: the inner one keeps its parts.
  const std::string nested = cases[2].raw;
  EXPECT_EQ(fetch("(BODY[1.2] BODY[2])", nested), "* 1 FETCH (BODY[1.2] {10}\r\n<p>two</p> BODY[2] {5}\r\nthree)\r\n");
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
