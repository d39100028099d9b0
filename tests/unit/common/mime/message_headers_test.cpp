// The header fields a store keeps (common/mime/message_headers.h): what is
// read from well-formed and broken messages, the warning for the latter,
// UTF-8 clamping for the database and the recipients for multidrop.
#include "common/mime/message_headers.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace spe::mime {
namespace {

TEST(MessageHeaders, FieldsOfAWellFormedMessage) {
  const auto h = parseMessageHeaders(
      "From: =?utf-8?q?J=C3=BCrgen?= <j@example.com>\r\nTo: a@example.com\r\nCc: B <b@example.org>\r\n"
      "Subject: =?iso-8859-1?q?Gr=FC=DFe?= aus Bonn\r\nDate: Tue, 02 Jan 2024 10:00:00 +0100\r\n\r\nHello\r\n");
  EXPECT_EQ(h.subject,
            "Gr\xC3\xBC\xC3\x9F"
            "e aus Bonn");
  EXPECT_EQ(h.from, "J\xC3\xBCrgen <j@example.com>");
  EXPECT_EQ(h.recipients, "a@example.com, B <b@example.org>") << "To and Cc";
  EXPECT_EQ(h.date, 1704186000) << "09:00 UTC";
  EXPECT_FALSE(h.has_attachments);
  EXPECT_EQ(h.warning, "");
}

TEST(MessageHeaders, CcAloneIsTheRecipients) {
  EXPECT_EQ(parseMessageHeaders("Cc: c@example.org\r\n\r\nx").recipients, "c@example.org");
}

TEST(MessageHeaders, AnAttachmentIsNoticedInAnyPart) {
  const auto h = parseMessageHeaders(
      "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\ntext\r\n"
      "--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=a.pdf\r\n\r\n%PDF\r\n"
      "--b--\r\n");
  EXPECT_TRUE(h.has_attachments);
}

TEST(MessageHeaders, InlinePartsAreNoAttachments) {
  const auto h = parseMessageHeaders(
      "Content-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nt\r\n"
      "--b\r\nContent-Type: text/html\r\n\r\n<p>t</p>\r\n--b--\r\n");
  EXPECT_FALSE(h.has_attachments);
}

TEST(MessageHeaders, MissingOrUnparsableDateIsZero) {
  EXPECT_EQ(parseMessageHeaders("Subject: x\r\n\r\n").date, 0);
  EXPECT_EQ(parseMessageHeaders("Date: yesterday at noon\r\n\r\n").date, 0);
}

TEST(MessageHeaders, TextWithoutAHeaderIsWarnedAbout) {
  const auto h = parseMessageHeaders("Dear Sir,\r\nthis is no message.\r\n");
  EXPECT_EQ(h.warning, "The message does not start with a header; it was archived as it is.");
  EXPECT_EQ(parseMessageHeaders("").warning, "The message does not start with a header; it was archived as it is.");
  EXPECT_EQ(parseMessageHeaders(": no name\r\n\r\n").warning,
            "The message does not start with a header; it was archived as it is.");
  EXPECT_EQ(parseMessageHeaders("Bad Name: x\r\n\r\n").warning,
            "The message does not start with a header; it was archived as it is.")
      << "a space in the field name";
}

TEST(MessageHeaders, AnMboxSeparatorLeftInPlaceIsNoWarning) {
  const auto h = parseMessageHeaders("From alice@example.com Mon Jan  1 00:00:00 2024\nSubject: kept\n\nbody\n");
  EXPECT_EQ(h.warning, "");
}

TEST(MessageHeaders, UndeclaredEightBitBytesComeThroughForClampUtf8) {
  // GMime keeps them as they are; the store clamps every field (clampUtf8).
  const auto h = parseMessageHeaders("Subject: caf\xE9\r\n\r\n");
  EXPECT_EQ(clampUtf8(h.subject, 500).find('\xE9'), std::string::npos);
  EXPECT_NE(h.subject.find("caf"), std::string::npos);
}

TEST(ClampUtf8, CutsAtCharacterBoundariesAndReplacesInvalidBytes) {
  EXPECT_EQ(clampUtf8("h\xC3\xA4llo", 2), "h");
  EXPECT_EQ(clampUtf8("h\xC3\xA4llo", 3), "h\xC3\xA4");
  EXPECT_EQ(clampUtf8("a\xFF"
                      "b",
                      10),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(clampUtf8("a\x01"
                      "b",
                      10),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(clampUtf8("ab\xFF", 4), "ab") << "no room for the replacement";
  EXPECT_EQ(clampUtf8("a\r\nb\x01", 20),
            "a\xEF\xBF\xBD\xEF\xBF\xBD"
            "b\xEF\xBF\xBD")
      << "for the database";
  EXPECT_EQ(clampUtf8("a\r\nb\x01", 20, true), "a\r\nb\xEF\xBF\xBD") << "texts to index keep their lines";
  EXPECT_EQ(clampUtf8("\xFF\xFE", 6), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(clampUtf8("abc\xE2\x82", 10), "abc\xEF\xBF\xBD\xEF\xBF\xBD") << "a cut-off sequence";
  EXPECT_EQ(clampUtf8("", 5), "");
  EXPECT_EQ(clampUtf8("tab\there", 100), "tab\there");
}

TEST(ClampUtf8, OverlongFormsAreReplaced) {
  // "\xC0\xAE" is '.' written in two bytes: no UTF-8 (Firebird refuses it).
  EXPECT_EQ(clampUtf8("a\xC0\xAE"
                      "b",
                      20),
            "a\xEF\xBF\xBD\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(clampUtf8("\xE0\x80\xAF", 20), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(clampUtf8("\xF0\x80\x80\xAF", 20), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(clampUtf8("\xC2\x80", 20), "\xC2\x80") << "the least two-byte character is fine";
}

TEST(ClampUtf8, SurrogatesAreReplaced) {
  EXPECT_EQ(clampUtf8("\xED\xA0\x80", 20), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(clampUtf8("\xED\x9F\xBF", 20), "\xED\x9F\xBF") << "U+D7FF is fine";
}

TEST(ClampUtf8, CodePointsAboveTheLastAreReplaced) {
  EXPECT_EQ(clampUtf8("\xF4\x90\x80\x80", 20), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(clampUtf8("\xF4\x8F\xBF\xBF", 20), "\xF4\x8F\xBF\xBF") << "U+10FFFF is fine";
}

TEST(MessageRecipients, HeadersEnvelopeAndJournalReports) {
  EXPECT_EQ(messageRecipients("From: a@x\r\nTo: Alice <Alice@Example.org>, b@example.org\r\nCc: c@example.org\r\n"
                              "Bcc: d@example.org\r\n\r\nhi\r\n"),
            (std::vector<std::string>{"alice@example.org", "b@example.org", "c@example.org", "d@example.org"}));
  EXPECT_EQ(messageRecipients("To: list@lists.example.net\r\nX-Original-To: carol@example.org\r\n"
                              "Delivered-To: dave@example.org\r\n\r\nhi\r\n"),
            (std::vector<std::string>{"carol@example.org", "dave@example.org", "list@lists.example.net"}));
  EXPECT_EQ(messageRecipients("To: team: x@example.org, y@example.org;\r\n\r\n"),
            (std::vector<std::string>{"x@example.org", "y@example.org"}));
  const std::string journal =
      "From: boss@example.com\r\nTo: journal@example.org\r\nX-MS-Journal-Report:\r\nMIME-Version: 1.0\r\n"
      "Content-Type: multipart/mixed; boundary=J\r\n\r\n--J\r\nContent-Type: text/plain\r\n\r\n"
      "Sender: boss@example.com\r\nRecipient: dave@example.org\r\nRecipient: erin@example.org, Expanded: "
      "team@example.org\r\n\r\n--J\r\nContent-Type: message/rfc822\r\n\r\nSubject: x\r\n\r\nbody\r\n--J--\r\n";
  EXPECT_EQ(messageRecipients(journal),
            (std::vector<std::string>{"dave@example.org", "erin@example.org", "journal@example.org"}));
  EXPECT_TRUE(messageRecipients("no header at all").empty());
}

TEST(MessageRecipients, ResentAndEnvelopeHeadersCountEachAddressOnce) {
  EXPECT_EQ(messageRecipients("Resent-To: r@example.org\r\nResent-Cc: R@EXAMPLE.ORG, s@example.org\r\n"
                              "Envelope-To: e@example.org\r\nX-Envelope-To: e@example.org\r\n\r\n"),
            (std::vector<std::string>{"e@example.org", "r@example.org", "s@example.org"}));
}

TEST(MessageRecipients, NamesWithoutADomainAreNoRecipients) {
  EXPECT_EQ(messageRecipients("To: undisclosed-recipients:;\r\nCc: postmaster, x@example.org\r\n\r\n"),
            (std::vector<std::string>{"x@example.org"}));
}

TEST(MessageRecipients, JournalLinesOnlyInAJournalReport) {
  const std::string not_journal =
      "To: a@example.org\r\nContent-Type: multipart/mixed; boundary=J\r\n\r\n--J\r\nContent-Type: text/plain\r\n\r\n"
      "Recipient: hidden@example.org\r\n--J--\r\n";
  EXPECT_EQ(messageRecipients(not_journal), (std::vector<std::string>{"a@example.org"}));
}

}  // namespace
}  // namespace spe::mime
