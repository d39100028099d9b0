// MIME to text: charsets, HTML, alternatives, attachments of the built-in
// types, attached messages, broken input.
#include "index/message_text.h"

#include <gtest/gtest.h>

#include <tuple>

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

// Text after a NUL byte is text like any other, whatever the body's
// transfer encoding (8bit, base64, quoted-printable) or type.
TEST(MessageText, TextAfterNulIsKept) {
  const std::string nul(1, '\0');
  const std::vector<std::pair<std::string, std::string>> bodies = {
      {"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n",
       "before" + nul + "afternul words\r\n"},
      {"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n",
       base64("before" + nul + "afternul words") + "\r\n"},
      {"Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n",
       "before=00afternul words\r\n"},
      {"Content-Type: text/html; charset=utf-8\r\n\r\n", "<p>before" + nul + "afternul words</p>\r\n"},
      {"Content-Type: text/plain\r\n\r\n", nul + nul + "afternul words\r\n"},
  };
  for (const auto& [head, body] : bodies) {
    const auto t = extractText("Subject: nul\r\n" + head + body);
    EXPECT_NE(t.body.find("afternul words"), std::string::npos) << head;
    if (body.rfind(nul, 0) != 0) {
      EXPECT_NE(t.body.find("before"), std::string::npos) << head;
    }
    EXPECT_EQ(t.body.find('\0'), std::string::npos) << head;
  }
  // In an attached text file too.
  const auto t = extractText(
      "Subject: nul\r\nContent-Type: multipart/mixed; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\n"
      "body\r\n--B\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Disposition: attachment; "
      "filename=\"log.txt\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
      base64("first" + nul + "attachednul words") + "\r\n--B--\r\n");
  ASSERT_EQ(t.attachments.size(), 1u);
  EXPECT_NE(t.attachments[0].text.find("attachednul words"), std::string::npos);
}

// Inline text parts are the message's text even when they carry a file
// name (clients show them in the body); they stay attachments by name.
TEST(MessageText, InlineTextPartsWithAFileNameAreBodyText) {
  const std::vector<std::string> parts = {
      "Content-Type: text/plain; charset=utf-8; name=\"notes.txt\"\r\nContent-Disposition: inline; "
      "filename=\"notes.txt\"\r\n\r\ninlinemarker one\r\n",
      "Content-Type: text/plain; name=\"data.dat\"\r\n\r\ninlinemarker two\r\n",
      "Content-Type: text/html; charset=utf-8\r\nContent-Disposition: inline; filename=\"page.html\"\r\n\r\n"
      "<p>inlinemarker three</p>\r\n",
      "Content-Type: text/plain; charset=iso-8859-1; name=\"x.txt\"\r\nContent-Transfer-Encoding: "
      "quoted-printable\r\n\r\ninlinemarker f=FCnf\r\n",
      "Content-Type: text/plain; charset=utf-8; name=\"y.txt\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
          base64("inlinemarker six") + "\r\n",
  };
  for (const auto& part : parts) {
    const auto t = extractText(
        "Subject: inline\r\nContent-Type: multipart/mixed; boundary=\"B\"\r\n\r\n--B\r\n"
        "Content-Type: text/plain\r\n\r\nfirst part\r\n--B\r\n" +
        part + "--B--\r\n");
    EXPECT_NE(t.body.find("first part"), std::string::npos) << part;
    EXPECT_NE(t.body.find("inlinemarker"), std::string::npos) << part << "\n" << t.body;
    ASSERT_EQ(t.attachments.size(), 1u) << part;
    EXPECT_FALSE(t.attachments[0].name.empty()) << part;
  }
  EXPECT_NE(
      extractText("Subject: x\r\nContent-Type: multipart/mixed; boundary=\"B\"\r\n\r\n--B\r\n" + parts[3] + "--B--\r\n")
          .body.find("f\xC3\xBCnf"),
      std::string::npos)
      << "converted from its charset";
}

// A text part attached under a name no reader knows is read as text (its
// type says so); one attached as a file stays out of the body.
TEST(MessageText, TextAttachmentsOfAnyNameAreRead) {
  for (const auto& [type, name, text] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"text/x-diff", "fix.patch", "+diffmarker"},
           {"text/calendar", "invite.ics", "SUMMARY:icsmarker"},
           {"text/plain", "data.dat", "datmarker"},
           {"text/html", "page.xhtml", "<b>xhtmlmarker</b>"}}) {
    const auto t = extractText(
        "Subject: x\r\nContent-Type: multipart/mixed; boundary=\"B\"\r\n\r\n--B\r\n"
        "Content-Type: text/plain\r\n\r\nbody\r\n--B\r\nContent-Type: " +
        type + "; charset=utf-8\r\nContent-Disposition: attachment; filename=\"" + name + "\"\r\n\r\n" + text +
        "\r\n--B--\r\n");
    ASSERT_EQ(t.attachments.size(), 1u) << name;
    EXPECT_NE(t.attachments[0].text.find("marker"), std::string::npos) << name;
    EXPECT_EQ(t.attachments[0].text.find("<b>"), std::string::npos) << name;
    EXPECT_EQ(t.body.find("marker"), std::string::npos) << name << ": an attached file is no body text";
  }
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
