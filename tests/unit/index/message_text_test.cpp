// MIME to text: charsets, HTML, alternatives, attachments of the built-in
// types, attached messages, broken input.
#include "index/message_text.h"

#include <gtest/gtest.h>

#include "test_mime.h"

namespace spe::index {
namespace {

// A one-page PDF showing "Quarterly invoice 4711" (poppler repairs the
// missing cross-reference table).
std::string tinyPdf() { return spe::testing::pdf("Quarterly invoice 4711"); }
using spe::testing::base64;

TEST(MessageText, HeadersAndLatin1QuotedPrintableBody) {
  const auto t = extractText(
      "From: =?ISO-8859-1?Q?J=FCrgen_M=FCller?= <jm@example.de>\r\nTo: a@example.com, b@example.org\r\n"
      "Cc: c@example.net\r\nBcc: d@example.net\r\nSubject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n"
      "Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
      "Stra=DFenbahnverbindungen nach K=F6ln\r\n");
  EXPECT_EQ(t.subject,
            "Gr\xC3\xBC\xC3\x9F"
            "e");
  EXPECT_NE(t.from.find("J\xC3\xBCrgen M\xC3\xBCller"), std::string::npos) << t.from;
  EXPECT_NE(t.to.find("b@example.org"), std::string::npos);
  EXPECT_EQ(t.cc, "c@example.net");
  EXPECT_EQ(t.bcc, "d@example.net");
  EXPECT_NE(t.body.find("Stra\xC3\x9F"
                        "enbahnverbindungen nach K\xC3\xB6ln"),
            std::string::npos)
      << t.body;
}

TEST(MessageText, HtmlOnlyWithoutScriptsAndStyles) {
  const auto t = extractText(
      "Subject: html\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
      "<html><head><title>T</title><style>p{color:red}</style></head><body><p>Hello&nbsp;<b>World</b></p>"
      "<script>alert('x')</script><div>second &amp; last</div></body></html>\r\n");
  EXPECT_NE(t.body.find("Hello"), std::string::npos);
  EXPECT_NE(t.body.find("World"), std::string::npos);
  EXPECT_NE(t.body.find("second & last"), std::string::npos);
  EXPECT_EQ(t.body.find("alert"), std::string::npos);
  EXPECT_EQ(t.body.find("color"), std::string::npos);
}

TEST(MessageText, AlternativeUsesOneRenderingAttachmentsAreRead) {
  const std::string raw =
      "Subject: mixed\r\nContent-Type: multipart/mixed; boundary=\"M\"\r\n\r\n"
      "--M\r\nContent-Type: multipart/alternative; boundary=\"A\"\r\n\r\n"
      "--A\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nplain rendering\r\n"
      "--A\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>html rendering</p>\r\n--A--\r\n"
      "--M\r\nContent-Type: text/plain; name=\"notes.txt\"\r\nContent-Disposition: attachment; "
      "filename=\"notes.txt\"\r\n\r\n"
      "attached note text\r\n"
      "--M\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; "
      "filename*=UTF-8''Rechnung%20M%C3%A4rz.pdf\r\n"
      "Content-Transfer-Encoding: base64\r\n\r\n" +
      base64(tinyPdf()) +
      "\r\n--M\r\nContent-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document\r\n"
      "Content-Disposition: attachment; filename=\"report.docx\"\r\nContent-Transfer-Encoding: "
      "base64\r\n\r\nUEsDBA==\r\n"
      "--M--\r\n";
  const auto t = extractText(raw);
  EXPECT_NE(t.body.find("plain rendering"), std::string::npos);
  EXPECT_EQ(t.body.find("html rendering"), std::string::npos);
  ASSERT_EQ(t.attachments.size(), 3u);
  EXPECT_EQ(t.attachments[0].name, "notes.txt");
  EXPECT_NE(t.attachments[0].text.find("attached note text"), std::string::npos);
  EXPECT_EQ(t.attachments[1].name, "Rechnung M\xC3\xA4rz.pdf");
  EXPECT_EQ(t.attachments[1].extension, "pdf");
  EXPECT_NE(t.attachments[1].text.find("Quarterly invoice 4711"), std::string::npos) << t.attachments[1].note;
  EXPECT_EQ(t.attachments[2].extension, "docx");
  EXPECT_TRUE(t.attachments[2].text.empty());
  EXPECT_TRUE(t.attachments[2].note.empty());  // no extractor given: no text, nothing to note
}

TEST(MessageText, AttachedMessageIsReadAndBrokenPdfIsNoted) {
  const std::string raw =
      "Subject: fwd\r\nContent-Type: multipart/mixed; boundary=\"F\"\r\n\r\n--F\r\nContent-Type: text/plain\r\n\r\nsee "
      "below\r\n"
      "--F\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner subject\r\nFrom: x@y.z\r\n\r\ninner body words\r\n"
      "--F\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"bad.pdf\"\r\n\r\nnot a "
      "pdf\r\n"
      "--F--\r\n";
  const auto t = extractText(raw);
  ASSERT_EQ(t.attachments.size(), 2u);
  EXPECT_NE(t.attachments[0].text.find("inner subject"), std::string::npos);
  EXPECT_NE(t.attachments[0].text.find("inner body words"), std::string::npos);
  EXPECT_TRUE(t.attachments[1].text.empty());
  EXPECT_FALSE(t.attachments[1].note.empty());
  ASSERT_EQ(t.notes.size(), 1u);
  EXPECT_NE(t.notes[0].find("bad.pdf"), std::string::npos);
}

TEST(MessageText, GarbageNeverThrowsAndKeepsText) {
  for (const std::string& raw : {std::string(), std::string("\x00\x01\x02", 3), std::string("no headers at all"),
                                 std::string("Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n--x")}) {
    const auto t = extractText(raw);
    (void)t;
  }
  EXPECT_NE(extractText("no headers at all, just words").body.find("words"), std::string::npos);
}

}  // namespace
}  // namespace spe::index
