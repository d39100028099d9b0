// The MIME walk behind BODY[<part>], BODYSTRUCTURE and ENVELOPE
// (common/mime/mime_structure.h): byte ranges that are exactly the archived
// bytes, parameters and addresses as GMime reads them, and one named test
// per malformed structure. (The IMAP rendering of it: tests/unit/
// instancehost/instance/access/imap/fetch_test.cpp.)
#include "common/mime/mime_structure.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace spe::mime {
namespace {

std::string_view bodyOf(std::string_view raw, const MimeEntity& e) {
  return raw.substr(e.body_begin, e.end - e.body_begin);
}
std::string_view wholeOf(std::string_view raw, const MimeEntity& e) { return raw.substr(e.begin, e.end - e.begin); }

const std::string kNested =
    "From: Alice <alice@example.com>\r\nTo: b@example.org, Team: c@example.org, d@example.org;\r\n"
    "Subject: nested\r\nMessage-ID: <1@example.com>\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\n"
    "Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n"
    "preamble\r\n"
    "--outer\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhello\r\nworld\r\n"
    "--outer\r\nContent-Type: message/rfc822\r\n\r\n"
    "From: c@d.example\r\nSubject: inner\r\nContent-Type: multipart/alternative; boundary=in\r\n\r\n"
    "--in\r\n\r\nplain\r\n--in\r\nContent-Type: text/html\r\n\r\n<p>x</p>\r\n--in--\r\n"
    "--outer--\r\nepilogue\r\n";

TEST(MimeStructure, PartsAndTheirExactBytes) {
  const MimeEntity top = parseMimeStructure(kNested);
  EXPECT_TRUE(top.is_message);
  EXPECT_EQ(top.type, "multipart");
  EXPECT_EQ(top.subtype, "mixed");
  ASSERT_EQ(top.children.size(), 2u);
  const MimeEntity& text = top.children[0];
  EXPECT_EQ(text.type, "text");
  EXPECT_EQ(bodyOf(kNested, text), "hello\r\nworld") << "the CRLF before the boundary belongs to it";
  EXPECT_EQ(wholeOf(kNested, text), "Content-Type: text/plain; charset=utf-8\r\n\r\nhello\r\nworld");
  EXPECT_EQ(text.lines, 1u) << "line feeds: the last line has none (its CRLF belongs to the boundary)";
  ASSERT_EQ(text.params.size(), 1u);
  EXPECT_EQ(text.params[0].name, "charset");
  EXPECT_EQ(text.params[0].value, "utf-8");
  const MimeEntity& attached = top.children[1];
  EXPECT_TRUE(attached.rfc822());
  const MimeEntity& inner = attached.children[0];
  EXPECT_TRUE(inner.is_message);
  EXPECT_EQ(inner.envelope.subject, "inner");
  ASSERT_EQ(inner.children.size(), 2u);
  EXPECT_EQ(bodyOf(kNested, inner.children[0]), "plain");
  EXPECT_EQ(inner.children[0].type, "text") << "no Content-Type is text/plain";
  EXPECT_EQ(inner.children[0].subtype, "plain");
  EXPECT_EQ(inner.children[1].subtype, "html");
}

TEST(MimeStructure, SectionNumbers) {
  const MimeEntity top = parseMimeStructure(kNested);
  EXPECT_EQ(findMimePart(top, {}), &top);
  EXPECT_EQ(findMimePart(top, {1}), &top.children[0]);
  EXPECT_EQ(findMimePart(top, {2}), &top.children[1]);
  EXPECT_EQ(findMimePart(top, {2, 2}), &top.children[1].children[0].children[1]) << "into the attached message";
  EXPECT_EQ(findMimePart(top, {0}), nullptr);
  EXPECT_EQ(findMimePart(top, {3}), nullptr);
  EXPECT_EQ(findMimePart(top, {1, 1}), nullptr) << "a text part has no parts";
  EXPECT_EQ(findMimePart(top, {-1}), nullptr);
}

TEST(MimeStructure, SinglePartMessagePartOneIsItsBody) {
  const std::string raw = "Subject: x\r\n\r\nbody";
  const MimeEntity top = parseMimeStructure(raw);
  EXPECT_EQ(findMimePart(top, {1}), &top);
  EXPECT_EQ(findMimePart(top, {2}), nullptr);
  EXPECT_EQ(bodyOf(raw, top), "body");
  EXPECT_EQ(top.lines, 0u) << "a last line without a line break does not count (as in Dovecot)";
}

// The structure in one line: type/subtype and, for leaves, the body;
// multiparts list their parts in parentheses, an attached message its
// message in brackets.
std::string shape(std::string_view raw, const MimeEntity& e) {
  std::string out = e.subtype;
  if (e.multipart()) {
    out += "(";
    for (std::size_t i = 0; i < e.children.size(); ++i) out += (i ? "," : "") + shape(raw, e.children[i]);
    return out + ")";
  }
  if (e.rfc822()) return out + "[" + shape(raw, e.children[0]) + "]";
  return out + "{" + std::string(bodyOf(raw, e)) + "}";
}

TEST(MimeStructure, NestedMultipartsReusingTheOuterBoundary) {
  // The innermost boundary is matched first (Dovecot, GMime): the inner
  // multipart holds the parts up to its own closing delimiter.
  struct Case {
    std::string raw, shape;
  };
  const Case cases[] = {
      {"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: multipart/alternative; boundary=b\r\n"
       "\r\n--b\r\nContent-Type: text/plain\r\n\r\none\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>two</p>\r\n--b--\r\n"
       "--b\r\nContent-Type: text/plain\r\n\r\nthree\r\n--b--\r\n",
       "mixed(alternative(plain{one},html{<p>two</p>}),plain{three})"},
      {"Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\nContent-Type: multipart/mixed; boundary=a\r\n\r\n"
       "--a\r\nContent-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\n\r\ndeep\r\n--a--\r\n--a\r\n\r\nmid\r\n--a--\r\n"
       "--a\r\n\r\ntop\r\n--a--\r\n",
       "mixed(mixed(mixed(plain{deep}),plain{mid}),plain{top})"},
      {"Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: message/rfc822\n\nSubject: in\n"
       "Content-Type: multipart/mixed; boundary=b\n\n--b\n\ninner one\n--b--\n--b\n\nouter two\n--b--\n",
       "mixed(rfc822[mixed(plain{inner one})],plain{outer two})"},
      {"Content-Type: multipart/related; boundary=\"x\"\r\n\r\n--x\r\nContent-Type: multipart/alternative; "
       "boundary=x\r\n\r\n"
       "--x\r\n\r\na\r\n--x--\r\n--x\r\nContent-Type: image/gif\r\n\r\nGIF\r\n--x--\r\n",
       "related(alternative(plain{a}),gif{GIF})"},
  };
  for (const auto& c : cases) {
    const MimeEntity top = parseMimeStructure(c.raw);
    EXPECT_EQ(shape(c.raw, top), c.shape) << c.raw;
  }
}

TEST(MimeStructure, ANestedMultipartEndsWhereItsParentSaysSo) {
  // Without its closing delimiter, at the parent's next delimiter; the
  // closing delimiter's line break stays in the inner multipart (Dovecot).
  const std::string raw =
      "Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\nContent-Type: multipart/alternative; boundary=b\r\n"
      "\r\n--b\r\n\r\none\r\n--a\r\n\r\ntwo\r\n--a--\r\n";
  const MimeEntity top = parseMimeStructure(raw);
  EXPECT_EQ(shape(raw, top), "mixed(alternative(plain{one}),plain{two})");
  EXPECT_EQ(bodyOf(raw, top.children[0]), "--b\r\n\r\none");
  const std::string closed =
      "Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\nContent-Type: multipart/alternative; boundary=b\r\n"
      "\r\n--b\r\n\r\none\r\n--b--\r\n--a--\r\n";
  EXPECT_EQ(bodyOf(closed, parseMimeStructure(closed).children[0]), "--b\r\n\r\none\r\n--b--\r\n");
}

TEST(MimeStructure, LinesAreLineFeedsAsOtherServersCountThem) {
  struct Case {
    std::string raw;
    std::size_t lines;
  };
  const Case cases[] = {
      {"Subject: x\r\n\r\nno line break", 0},
      {"Subject: x\r\n\r\none line\r\n", 1},
      {"Subject: x\r\n\r\ntwo\r\nlines", 1},
      {"Subject: x\n\nbare\nline feeds\n", 2},
      {"Subject: x\r\n\r\n", 0},
      {"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nlast line has no break\r\n--b--", 0},
      {"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nthree\r\nlines\r\nhere\r\n--b--", 2},
  };
  for (const auto& c : cases) {
    const MimeEntity top = parseMimeStructure(c.raw);
    const MimeEntity& e = top.multipart() ? top.children.at(0) : top;
    EXPECT_EQ(e.lines, c.lines) << c.raw;
  }
}

TEST(MimeStructure, Envelope) {
  const MimeEntity top = parseMimeStructure(kNested);
  const MimeEnvelope& env = top.envelope;
  EXPECT_EQ(env.subject, "nested");
  EXPECT_EQ(env.message_id, "<1@example.com>");
  EXPECT_EQ(env.date, "Mon, 1 Jan 2024 00:00:00 +0000");
  ASSERT_EQ(env.from.size(), 1u);
  EXPECT_EQ(env.from[0].name, "Alice");
  EXPECT_EQ(env.from[0].mailbox, "alice");
  EXPECT_EQ(env.from[0].host, "example.com");
  ASSERT_EQ(env.to.size(), 5u) << "a mailbox, a group start, two members, a group end";
  EXPECT_EQ(env.to[1].kind, MimeAddress::Kind::kGroupStart);
  EXPECT_EQ(env.to[1].mailbox, "Team");
  EXPECT_EQ(env.to[2].mailbox, "c");
  EXPECT_EQ(env.to[4].kind, MimeAddress::Kind::kGroupEnd);
  EXPECT_TRUE(env.sender.empty()) << "left to the IMAP renderer to default to From";
}

TEST(MimeStructure, ParametersAndDispositionWithRfc2231) {
  const std::string raw =
      "Content-Type: Application/PDF; name*=utf-8''%E2%82%AC.pdf\r\n"
      "Content-Disposition: ATTACHMENT; filename*0*=utf-8''a%C3%A4; filename*1=.txt\r\n"
      "Content-Transfer-Encoding: BASE64\r\nContent-ID: <id@x>\r\nContent-Description: desc\r\n"
      "Content-Language: de\r\nContent-Location: http://example.com/a\r\nContent-MD5: abc=\r\n\r\nAAAA";
  const MimeEntity top = parseMimeStructure(raw);
  EXPECT_EQ(top.type, "application");
  EXPECT_EQ(top.subtype, "pdf");
  ASSERT_EQ(top.params.size(), 1u);
  EXPECT_EQ(top.params[0].value, "\xE2\x82\xAC.pdf");
  EXPECT_EQ(top.disposition, "attachment");
  ASSERT_EQ(top.disposition_params.size(), 1u);
  EXPECT_EQ(top.disposition_params[0].value, "a\xC3\xA4.txt");
  EXPECT_EQ(top.encoding, "base64");
  EXPECT_EQ(top.id, "<id@x>");
  EXPECT_EQ(top.description, "desc");
  EXPECT_EQ(top.language, "de");
  EXPECT_EQ(top.location, "http://example.com/a");
  EXPECT_EQ(top.md5, "abc=");
}

TEST(MimeStructure, DigestPartsAreMessagesByDefault) {
  const std::string raw =
      "Content-Type: multipart/digest; boundary=d\r\n\r\n--d\r\n\r\nSubject: one\r\n\r\nbody\r\n"
      "--d\r\nContent-Type: text/plain\r\n\r\nnot a message\r\n--d--\r\n";
  const MimeEntity top = parseMimeStructure(raw);
  ASSERT_EQ(top.children.size(), 2u);
  EXPECT_TRUE(top.children[0].rfc822());
  EXPECT_EQ(top.children[0].children[0].envelope.subject, "one");
  EXPECT_EQ(top.children[1].type, "text") << "an explicit type wins";
}

TEST(MimeStructure, HeadersWithoutABlankLineAreAllHeader) {
  // Cut by a delimiter or the end: the header ends there, without the line
  // break that belongs to the delimiter, and the body is empty (Dovecot).
  const std::string raw =
      "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nhello world\r\nsecond line\r\n"
      "--b\r\nContent-Type: text/plain\r\nHello: there\r\nbody line\r\n--b\r\nContent-Type: text/html\r\n--b--\r\n";
  const MimeEntity top = parseMimeStructure(raw);
  ASSERT_EQ(top.children.size(), 3u);
  EXPECT_EQ(wholeOf(raw, top.children[0]), "hello world\r\nsecond line");
  EXPECT_EQ(wholeOf(raw, top.children[1]), "Content-Type: text/plain\r\nHello: there\r\nbody line");
  EXPECT_EQ(top.children[2].subtype, "html");
  for (const auto& c : top.children) {
    EXPECT_EQ(c.body_begin, c.end);
    EXPECT_EQ(c.lines, 0u);
  }
  const std::string message =
      "Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\nContent-Type: message/rfc822\r\n\r\n"
      "Subject: inner\r\nFrom: x@y.org\r\n--a--\r\n";
  const MimeEntity outer = parseMimeStructure(message);
  ASSERT_TRUE(outer.children.at(0).rfc822());
  const MimeEntity& inner = outer.children[0].children[0];
  EXPECT_EQ(inner.envelope.subject, "inner");
  EXPECT_EQ(wholeOf(message, inner), "Subject: inner\r\nFrom: x@y.org");
  EXPECT_EQ(inner.body_begin, inner.end);
}

TEST(MimeStructure, PartWithoutBlankLineIsAllHeader) {
  const std::string raw = "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nX-Header: only\r\n--b--\r\n";
  const MimeEntity top = parseMimeStructure(raw);
  ASSERT_EQ(top.children.size(), 1u);
  EXPECT_EQ(top.children[0].body_begin, top.children[0].end);
  EXPECT_EQ(top.children[0].lines, 0u);
}

TEST(MimeStructure, MultipartWithoutBoundaryHasNoParts) {
  const MimeEntity top = parseMimeStructure("Content-Type: multipart/mixed\r\n\r\n--x\r\n\r\ntext\r\n--x--\r\n");
  EXPECT_TRUE(top.multipart());
  EXPECT_TRUE(top.children.empty());
  EXPECT_EQ(findMimePart(top, {1}), nullptr);
}

TEST(MimeStructure, MissingClosingBoundaryEndsTheLastPartAtTheEnd) {
  const std::string raw = "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\none\r\n--b\r\n\r\ntwo\r\n";
  const MimeEntity top = parseMimeStructure(raw);
  ASSERT_EQ(top.children.size(), 2u);
  EXPECT_EQ(bodyOf(raw, top.children[1]), "two\r\n");
}

TEST(MimeStructure, BoundaryLookalikesAreNoBoundaries) {
  const std::string raw =
      "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\n--bx is text\r\n--b trailing\r\n--b--\r\n";
  const MimeEntity top = parseMimeStructure(raw);
  ASSERT_EQ(top.children.size(), 1u);
  EXPECT_EQ(bodyOf(raw, top.children[0]), "--bx is text\r\n--b trailing");
}

TEST(MimeStructure, BoundaryWithTrailingWhiteSpaceCounts) {
  const std::string raw = "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b \t\r\n\r\none\r\n--b-- \r\n";
  const MimeEntity top = parseMimeStructure(raw);
  ASSERT_EQ(top.children.size(), 1u);
  EXPECT_EQ(bodyOf(raw, top.children[0]), "one");
}

TEST(MimeStructure, BareLineFeedsWork) {
  const std::string raw = "Content-Type: multipart/mixed; boundary=b\n\n--b\n\none\n--b--\n";
  const MimeEntity top = parseMimeStructure(raw);
  ASSERT_EQ(top.children.size(), 1u);
  EXPECT_EQ(bodyOf(raw, top.children[0]), "one");
}

TEST(MimeStructure, MissingContentTypeIsTextPlain) {
  const MimeEntity top = parseMimeStructure("Subject: x\r\n\r\nbody");
  EXPECT_EQ(top.type, "text");
  EXPECT_EQ(top.subtype, "plain");
}

TEST(MimeStructure, UnreadableContentTypeIsGMimesDefault) {
  // GMime answers application/octet-stream for a value it cannot read
  // (RFC 2045 §5.2 recommends text/plain; BODYSTRUCTURE shows GMime's).
  for (const char* ct :
       {"Content-Type: garbage\r\n", "Content-Type: /\r\n", "Content-Type:\r\n", "Content-Type: text/\r\n"}) {
    const MimeEntity top = parseMimeStructure(std::string(ct) + "\r\nbody");
    EXPECT_EQ(top.type, "application") << ct;
    EXPECT_EQ(top.subtype, "octet-stream") << ct;
    EXPECT_TRUE(top.children.empty()) << ct;
  }
}

TEST(MimeStructure, NestingStopsAtTheDepthLimit) {
  std::string raw;
  for (int i = 0; i < 100; ++i) raw += "Content-Type: message/rfc822\r\n\r\n";
  raw += "Subject: deepest\r\n\r\nx";
  const MimeEntity top = parseMimeStructure(raw);
  int depth = 0;
  for (const MimeEntity* e = &top; !e->children.empty(); e = &e->children[0]) ++depth;
  EXPECT_EQ(depth, kMaxMimeDepth);
}

TEST(MimeStructure, AtMostTenThousandParts) {
  std::string raw = "Content-Type: multipart/mixed; boundary=b\r\n\r\n";
  for (int i = 0; i < 12000; ++i) raw += "--b\r\n\r\nx\r\n";
  raw += "--b--\r\n";
  EXPECT_EQ(parseMimeStructure(raw).children.size(), 10000u);
}

TEST(MimeStructure, EmptyAndHeaderOnlyInput) {
  const MimeEntity empty = parseMimeStructure("");
  EXPECT_EQ(empty.end, 0u);
  EXPECT_EQ(empty.lines, 0u);
  const MimeEntity header_only = parseMimeStructure("Subject: no body");
  EXPECT_EQ(header_only.body_begin, header_only.end) << "no blank line: all header";
  EXPECT_EQ(header_only.envelope.subject, "no body");
}

TEST(HeaderFields, UnfoldedInOrderWithoutTheBlankLine) {
  const auto fields = headerFieldsOf(
      "Subject: a\r\n  folded\r\nX-Empty:\r\nNo colon line\r\nTo :b\r\n\r\nBody: no\r\n");
  ASSERT_EQ(fields.size(), 3u);
  EXPECT_EQ(fields[0].first, "Subject");
  EXPECT_EQ(fields[0].second, "a  folded");
  EXPECT_EQ(fields[1].first, "X-Empty");
  EXPECT_EQ(fields[1].second, "");
  EXPECT_EQ(fields[2].first, "To") << "white space before the colon is dropped";
  EXPECT_EQ(fields[2].second, "b");
}

TEST(HeaderFields, ContinuationBeforeAnyFieldIsDropped) {
  const auto fields = headerFieldsOf(" orphan\r\nA: 1\r\n");
  ASSERT_EQ(fields.size(), 1u);
  EXPECT_EQ(fields[0].first, "A");
}

TEST(HeaderBlockEnd, AfterTheBlankLineOrAll) {
  EXPECT_EQ(headerBlockEnd("A: 1\r\n\r\nbody"), 8u);
  EXPECT_EQ(headerBlockEnd("A: 1\n\nbody"), 6u);
  EXPECT_EQ(headerBlockEnd("A: 1\r\nB: 2"), 10u);
  EXPECT_EQ(headerBlockEnd("\r\nbody"), 2u) << "an empty header";
  EXPECT_EQ(headerBlockEnd(""), 0u);
}

}  // namespace
}  // namespace spe::mime
