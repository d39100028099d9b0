#include "common/mapi/msg_reader.h"

#include <gtest/gtest.h>

#include "common/mapi/mime_builder.h"
#include "msg_writer.h"

namespace spe::mapi {
namespace {

using testing::bin;
using testing::i32;
using testing::MsgNode;
using testing::str;

MsgNode sampleNode() {
  MsgNode n;
  n.props = {str(prop::kMessageClass, "IPM.Note"),
             str(prop::kSubject, "Zürich meeting"),
             str(prop::kSenderName, "Alice"),
             str(prop::kSenderEmail, "alice@example.com"),
             str(prop::kBody, "Body text"),
             i32(prop::kMessageFlags, 1),
             i32(prop::kInternetCodepage, 65001),
             {prop::kClientSubmitTime, kTypeTime, std::string("\x00\x80\x3e\xd5\xde\xb1\x9d\x01", 8)}};
  n.recipients = {{i32(prop::kRecipientType, 1), str(prop::kDisplayName, "Bob"), str(prop::kAddrType, "SMTP"),
                   str(prop::kEmailAddress, "bob@example.com")},
                  {i32(prop::kRecipientType, 2), str(prop::kDisplayName, "Exchange User"), str(prop::kAddrType, "EX"),
                   str(prop::kEmailAddress, "/O=ORG/OU=SITE/CN=RECIPIENTS/CN=EXUSER"),
                   str(prop::kSmtpAddress, "ex.user@example.com")}};
  MsgNode::Attachment file;
  file.props = {str(prop::kAttachLongFilename, "data.bin"), str(prop::kAttachFilename, "DATA.BIN"),
                i32(prop::kAttachMethod, 1), bin(prop::kAttachData, std::string("\x00\x01\x02\xff", 4))};
  MsgNode::Attachment mail;
  mail.props = {i32(prop::kAttachMethod, 5), str(prop::kDisplayName, "Inner")};
  mail.embedded = std::make_shared<MsgNode>();
  mail.embedded->props = {str(prop::kMessageClass, "IPM.Note"), str(prop::kSubject, "Inner mail"),
                          str(prop::kBody, "inner body")};
  n.attachments = {file, mail};
  return n;
}

TEST(MsgReader, ReadsPropertiesRecipientsAttachmentsAndEmbedded) {
  auto m = readMsgBytes(testing::writeMsg(sampleNode()));
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->message_class, "IPM.Note");
  EXPECT_EQ(m->subject, "Zürich meeting");
  EXPECT_EQ(m->sender_name, "Alice");
  EXPECT_EQ(m->sender_address, "alice@example.com");
  EXPECT_EQ(m->body_text.value_or(""), "Body text");
  EXPECT_TRUE(m->read);
  ASSERT_TRUE(m->submit_time);
  ASSERT_EQ(m->recipients.size(), 2u);
  EXPECT_EQ(m->recipients[0].address, "bob@example.com");
  EXPECT_EQ(m->recipients[1].type, RecipientType::kCc);
  EXPECT_EQ(m->recipients[1].address, "ex.user@example.com");  // the SMTP address, not the DN
  ASSERT_EQ(m->attachments.size(), 2u);
  EXPECT_EQ(m->attachments[0].name, "data.bin");
  EXPECT_EQ(m->attachments[0].data, std::string("\x00\x01\x02\xff", 4));
  ASSERT_TRUE(m->attachments[1].embedded);
  EXPECT_EQ(m->attachments[1].embedded->subject, "Inner mail");
  EXPECT_EQ(m->attachments[1].embedded->body_text.value_or(""), "inner body");

  auto mime = toRfc5322(*m);
  ASSERT_TRUE(mime);
  EXPECT_NE(mime->raw.find("Subject: =?"), std::string::npos) << mime->raw;
  EXPECT_NE(mime->raw.find("Content-Type: message/rfc822"), std::string::npos) << mime->raw;
  EXPECT_NE(mime->raw.find("Subject: Inner mail"), std::string::npos) << mime->raw;
}

TEST(MsgReader, AnsiStringsUseTheCodePage) {
  MsgNode n;
  n.props = {{prop::kSubject, kTypeString8,
              "Gr\xFC\xDF"
              "e"},
             i32(prop::kMessageCodepage, 1252)};
  auto m = readMsgBytes(testing::writeMsg(n));
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->subject, "Grüße");
}

TEST(MsgReader, NotACompoundFileIsCorrupt) {
  auto m = readMsgBytes("From: a@b\r\n\r\nplain mail");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code, ErrorCode::kCorrupt);
}

TEST(MsgReader, CompoundFileWithoutPropertiesIsCorrupt) {
  gsf_init();
  GsfOutput* mem = gsf_output_memory_new();
  GsfOutfile* ole = gsf_outfile_msole_new(mem);
  testing::writeStream(ole, "WordDocument", "not a message");
  gsf_output_close(GSF_OUTPUT(ole));
  g_object_unref(ole);
  std::string bytes(reinterpret_cast<const char*>(gsf_output_memory_get_bytes(GSF_OUTPUT_MEMORY(mem))),
                    static_cast<std::size_t>(gsf_output_size(mem)));
  g_object_unref(mem);
  auto m = readMsgBytes(bytes);
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().message.find("__properties_version1.0"), std::string::npos);
}

TEST(MsgReader, SizeLimitIsEnforced) {
  auto m = readMsgBytes(testing::writeMsg(sampleNode()), 20);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code, ErrorCode::kResourceExhausted);
}

TEST(MsgReader, TruncatedFilesFailCleanly) {
  const std::string bytes = testing::writeMsg(sampleNode());
  for (std::size_t n = 0; n < bytes.size(); n += 97) (void)readMsgBytes(bytes.substr(0, n));
}

}  // namespace
}  // namespace spe::mapi
