// A message as Web Access shows it (common/mime/message_view.h): decoded
// headers, the first text and HTML bodies in UTF-8, attachments listed and
// taken out decoded under the same index, and what a message GMime cannot
// read shows.
#include "common/mime/message_view.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "common/mime/mime_structure.h"

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
    EXPECT_EQ(a->first.part, v.attachments[i].part);
    EXPECT_EQ(a->second.size(), a->first.size);
  }
  EXPECT_EQ(messageAttachment(kMixed, 0)->second, std::string("\x89PNG\r\n\x1A\n", 8));
  EXPECT_EQ(messageAttachment(kMixed, 1)->second, "raw bytes");
  EXPECT_NE(messageAttachment(kMixed, 2)->second.find("inner body"), std::string::npos);
  EXPECT_FALSE(messageAttachment(kMixed, 3));
  EXPECT_FALSE(messageAttachment(kMixed, static_cast<std::size_t>(-1)));
}

TEST(MessageView, AttachmentsCarryTheirImapPartNumbers) {
  const MessageView v = viewMessage(kMixed);
  ASSERT_EQ(v.attachments.size(), 3u);
  EXPECT_EQ(v.attachments[0].part, "2");
  EXPECT_EQ(v.attachments[1].part, "3");
  EXPECT_EQ(v.attachments[2].part, "4");
  EXPECT_EQ(messageAttachment(kMixed, 2)->first.part, "4");
  const MessageView single = viewMessage("Content-Type: application/pdf; name=a.pdf\r\n\r\nPDF");
  ASSERT_EQ(single.attachments.size(), 1u);
  EXPECT_EQ(single.attachments[0].part, "1") << "the body of a message that is not multipart is part 1";
}

// The attachments as "part:name:type:size", and each part number checked
// against the IMAP walk: it names a part of that type there.
std::string listed(const std::string& raw) {
  const MimeEntity top = parseMimeStructure(raw);
  std::string out;
  for (const auto& a : viewMessage(raw).attachments) {
    std::vector<int> path;
    std::stringstream numbers(a.part);
    for (std::string n; std::getline(numbers, n, '.');) path.push_back(std::stoi(n));
    const MimeEntity* part = findMimePart(top, path);
    if (!part || part->type + "/" + part->subtype != a.content_type)
      return "part " + a.part + " is not " + a.content_type;
    out += (out.empty() ? "" : " ; ") + a.part + ":" + a.name + ":" + a.content_type + ":" + std::to_string(a.size);
  }
  return out;
}

TEST(MessageView, TheSameStructureAsBodystructureForOddShapes) {
  struct Case {
    const char* what;
    std::string raw, attachments;
  };
  const Case cases[] = {
      {"a nested multipart reusing the outer boundary",
       "Subject: m1\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: multipart/alternative; "
       "boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\none\r\n--b\r\nContent-Type: "
       "text/html\r\n\r\n<p>two</p>"
       "\r\n--b--\r\n--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=a.pdf\r\n\r\n"
       "PDF\r\n--b--\r\n",
       "2:a.pdf:application/pdf:3"},
      {"a header without a blank line (all header: empty)",
       "Subject: m2\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nbody\r\n"
       "--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=x.bin\r\nDATA\r\n"
       "--b\r\nContent-Type: application/pdf; name=y.pdf\r\n\r\nPDF\r\n--b--\r\n",
       "2:x.bin:application/octet-stream:0 ; 3:y.pdf:application/pdf:3"},
      {"an inner multipart without its closing delimiter",
       "Subject: m3\r\nContent-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\nContent-Type: multipart/alternative; "
       "boundary=b\r\n\r\n--b\r\n\r\none\r\n--a\r\nContent-Type: image/gif; name=g.gif\r\n\r\nGIF\r\n--a--\r\n",
       "2:g.gif:image/gif:3"},
      {"an attached message whose multipart reuses the outer boundary (taken out as archived: 120 bytes)",
       "Subject: m4\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nbody\r\n--b\r\nContent-Type: "
       "message/rfc822\r\n\r\nSubject: in\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: "
       "application/zip; name=z.zip\r\n\r\nZIP\r\n--b--\r\n--b\r\nContent-Type: text/csv; "
       "name=t.csv\r\n\r\na,b\r\n--b--\r\n",
       "2:in.eml:message/rfc822:120 ; 3:t.csv:text/csv:3"},
      {"an empty part between two delimiters, a last part without a line break or closing delimiter",
       "Subject: m6\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nbody\r\n--b\r\nContent-Type: "
       "application/pdf; name=p.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nUERG\r\n--b\r\n--b\r\nContent-Type: "
       "image/png; name=i.png\r\n\r\nPNG",
       "2:p.pdf:application/pdf:3 ; 4:i.png:image/png:3"},
      {"a digest: parts without a type are messages",
       "Subject: d\r\nContent-Type: multipart/digest; boundary=d\r\n\r\n--d\r\n\r\nSubject: one\r\n\r\nfirst\r\n"
       "--d\r\n\r\nSubject: =?UTF-8?Q?zw=C3=B6lf?=\r\n\r\nsecond\r\n--d--\r\n",
       "1:one.eml:message/rfc822:21 ; 2:zw\xC3\xB6lf.eml:message/rfc822:41"},
  };
  for (const auto& c : cases) EXPECT_EQ(listed(c.raw), c.attachments) << c.what;
}

TEST(MessageView, AnAttachedMessageIsTakenOutAsArchived) {
  const std::string inner = "Subject: in\r\nX-Odd:   spacing kept\r\n\r\nbody";
  const std::string raw =
      "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: message/rfc822\r\n\r\n" + inner +
      "\r\n--b--\r\n";
  const auto a = messageAttachment(raw, 0);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->second, inner) << "GMime's copy was re-serialised";
  EXPECT_EQ(a->first.size, inner.size());
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
