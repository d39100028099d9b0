// A message as Web Access shows it (common/mime/message_view.h): decoded
// headers, the first text and HTML bodies in UTF-8, attachments listed and
// taken out decoded under the same index, and what a message GMime cannot
// read shows.
#include "common/mime/message_view.h"

#include <gtest/gtest.h>

#include <string>

namespace spe::mime {
namespace {

const std::string kMixed =
    "From: =?utf-8?q?J=C3=BCrgen?= <j@example.com>\r\nTo: a@example.com\r\nCc: c@example.com\r\n"
    "Bcc: b@example.com\r\nReply-To: r@example.com\r\nSubject: =?iso-8859-1?q?Gr=FC=DFe?=\r\n"
    "Date: Mon, 01 Jan 2024 12:00:00 +0000\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n"
    "--m\r\nContent-Type: multipart/alternative; boundary=a\r\n\r\n"
    "--a\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
    "caf=E9\r\n--a\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>caf\xC3\xA9</p>\r\n--a--\r\n"
    "--m\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=\"pixel.png\"\r\n"
    "Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n"
    "--m\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment\r\n\r\nraw bytes\r\n"
    "--m\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\ninner body\r\n"
    "--m\r\nContent-Type: text/plain\r\n\r\na second inline text part\r\n--m--\r\n";

TEST(MessageView, HeadersDecoded) {
  const MessageView v = viewMessage(kMixed);
  EXPECT_EQ(v.subject,
            "Gr\xC3\xBC\xC3\x9F"
            "e");
  EXPECT_EQ(v.from, "J\xC3\xBCrgen <j@example.com>");
  EXPECT_EQ(v.to, "a@example.com");
  EXPECT_EQ(v.cc, "c@example.com");
  EXPECT_EQ(v.bcc, "b@example.com");
  EXPECT_EQ(v.reply_to, "r@example.com");
  EXPECT_EQ(v.date, 1704110400);
}

TEST(MessageView, FirstTextAndHtmlBodiesInUtf8) {
  const MessageView v = viewMessage(kMixed);
  EXPECT_EQ(v.text, "caf\xC3\xA9") << "quoted-printable Latin-1 decoded; the CRLF belongs to the boundary";
  EXPECT_EQ(v.html, "<p>caf\xC3\xA9</p>");
}

TEST(MessageView, AttachmentsListedWithDecodedSizes) {
  const MessageView v = viewMessage(kMixed);
  ASSERT_EQ(v.attachments.size(), 3u) << "the second inline text part is part of the body";
  EXPECT_EQ(v.attachments[0].name, "pixel.png");
  EXPECT_EQ(v.attachments[0].content_type, "image/png");
  EXPECT_EQ(v.attachments[0].size, 8u) << "base64 decoded";
  EXPECT_EQ(v.attachments[1].name, "attachment-2") << "a part without a name";
  EXPECT_EQ(v.attachments[1].size, 9u);
  EXPECT_EQ(v.attachments[2].name, "inner.eml") << "an attached message is named by its subject";
  EXPECT_EQ(v.attachments[2].content_type, "message/rfc822");
}

TEST(MessageView, AttachmentsTakenOutUnderTheSameIndex) {
  const MessageView v = viewMessage(kMixed);
  for (std::size_t i = 0; i < v.attachments.size(); ++i) {
    const auto a = messageAttachment(kMixed, i);
    ASSERT_TRUE(a) << i;
    EXPECT_EQ(a->first.name, v.attachments[i].name);
    EXPECT_EQ(a->first.content_type, v.attachments[i].content_type);
    EXPECT_EQ(a->first.size, v.attachments[i].size);
    EXPECT_EQ(a->second.size(), a->first.size);
  }
  EXPECT_EQ(messageAttachment(kMixed, 0)->second, std::string("\x89PNG\r\n\x1A\n", 8));
  EXPECT_EQ(messageAttachment(kMixed, 1)->second, "raw bytes");
  EXPECT_NE(messageAttachment(kMixed, 2)->second.find("inner body"), std::string::npos);
  EXPECT_FALSE(messageAttachment(kMixed, 3));
  EXPECT_FALSE(messageAttachment(kMixed, static_cast<std::size_t>(-1)));
}

TEST(MessageView, AnAttachedMessageWithoutSubjectIsMessageEml) {
  const MessageView v = viewMessage(
      "Content-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\nContent-Type: message/rfc822\r\n\r\n"
      "From: x@example.com\r\n\r\nbody\r\n--m--\r\n");
  ASSERT_EQ(v.attachments.size(), 1u);
  EXPECT_EQ(v.attachments[0].name, "message.eml");
}

TEST(MessageView, AnInlinePartWithAFileNameIsAnAttachment) {
  const MessageView v = viewMessage("Content-Type: text/plain; name=notes.txt\r\n\r\nthe notes\r\n");
  EXPECT_EQ(v.text, "");
  ASSERT_EQ(v.attachments.size(), 1u);
  EXPECT_EQ(v.attachments[0].name, "notes.txt");
}

TEST(MessageView, TextWithoutAHeaderShowsAsItIs) {
  const MessageView v = viewMessage("just some text\r\n");
  EXPECT_TRUE(v.attachments.empty());
  EXPECT_NE(v.text.find("just some text"), std::string::npos);
}

TEST(MessageView, EmptyMessage) {
  const MessageView v = viewMessage("");
  EXPECT_EQ(v.subject, "");
  EXPECT_EQ(v.text, "");
  EXPECT_TRUE(v.attachments.empty());
  EXPECT_FALSE(messageAttachment("", 0));
}

TEST(MessageView, DeepMultipartNestingIsCutNotFollowed) {
  std::string raw;
  for (int i = 0; i < 60; ++i)
    raw += "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) + "\r\n\r\n--b" + std::to_string(i) + "\r\n";
  raw += "Content-Type: application/octet-stream\r\n\r\ndeep\r\n";
  const MessageView v = viewMessage(raw);
  EXPECT_TRUE(v.attachments.empty()) << "parts below 32 levels are not listed";
}

}  // namespace
}  // namespace spe::mime
