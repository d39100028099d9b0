#include "common/mapi/mime_builder.h"

#include <gmime/gmime.h>
#include <gtest/gtest.h>

#include "common/mapi/rtf_compression.h"
#include "common/mime/gmime_support.h"

namespace spe::mapi {
namespace {

std::string build(const MapiMessage& m) {
  auto r = toRfc5322(m);
  EXPECT_TRUE(r) << (r ? "" : r.error().message);
  return r ? r->raw : "";
}

std::string headerBlock(const std::string& raw) { return raw.substr(0, raw.find("\r\n\r\n")); }

std::string partBytes(GMimeObject* obj) {
  GMimePart* part = GMIME_PART(obj);
  GMimeDataWrapper* w = g_mime_part_get_content(part);
  GMimeStream* mem = g_mime_stream_mem_new();
  g_mime_data_wrapper_write_to_stream(w, mem);
  GByteArray* a = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
  std::string out(reinterpret_cast<const char*>(a->data), a->len);
  g_object_unref(mem);
  return out;
}

MapiMessage sample() {
  MapiMessage m;
  m.subject = "Quarterly report";
  m.sender_name = "Alice Example";
  m.sender_address = "alice@example.com";
  m.recipients.push_back({RecipientType::kTo, "Bob", "bob@example.com", "SMTP"});
  m.recipients.push_back({RecipientType::kCc, "Carol", "carol@example.com", "SMTP"});
  m.recipients.push_back({RecipientType::kBcc, "", "dave@example.com", "SMTP"});
  m.submit_time = 1700000000;  // 2023-11-14 22:13:20 UTC
  m.message_id = "<abc@example.com>";
  m.in_reply_to = "<prev@example.com>";
  m.body_text = "Hello Bob,\nthe numbers.\n";
  return m;
}

TEST(MimeBuilder, HeadersFromProperties) {
  const std::string raw = build(sample());
  const std::string h = headerBlock(raw);
  EXPECT_NE(h.find("From: Alice Example <alice@example.com>"), std::string::npos) << h;
  EXPECT_NE(h.find("To: Bob <bob@example.com>"), std::string::npos) << h;
  EXPECT_NE(h.find("Cc: Carol <carol@example.com>"), std::string::npos) << h;
  EXPECT_NE(h.find("Bcc: dave@example.com"), std::string::npos) << h;
  EXPECT_NE(h.find("Subject: Quarterly report"), std::string::npos) << h;
  EXPECT_NE(h.find("Date: Tue, 14 Nov 2023 22:13:20 +0000"), std::string::npos) << h;
  EXPECT_NE(h.find("Message-Id: <abc@example.com>"), std::string::npos) << h;
  EXPECT_NE(h.find("In-Reply-To: <prev@example.com>"), std::string::npos) << h;
  EXPECT_NE(h.find("MIME-Version: 1.0"), std::string::npos) << h;
  EXPECT_NE(h.find("Content-Type: text/plain; charset=utf-8"), std::string::npos) << h;
  EXPECT_NE(raw.find("Hello Bob,\r\nthe numbers.\r\n"), std::string::npos) << raw;
}

TEST(MimeBuilder, NonAsciiBecomesEncodedWords) {
  MapiMessage m = sample();
  m.subject = "Grüße aus Köln";
  m.sender_name = "Jürgen Müller";
  m.body_text = "Schöne Grüße";
  const std::string raw = build(m);
  const std::string h = headerBlock(raw);
  for (unsigned char c : h) ASSERT_LT(c, 0x80) << h;
  mime::initGMime();
  GMimeMessage* msg = mime::parseMessage(raw);
  ASSERT_TRUE(msg);
  EXPECT_STREQ(g_mime_message_get_subject(msg), "Grüße aus Köln");
  InternetAddress* from = internet_address_list_get_address(g_mime_message_get_from(msg), 0);
  EXPECT_STREQ(internet_address_get_name(from), "Jürgen Müller");
  GMimeObject* body = g_mime_message_get_body(msg);
  EXPECT_EQ(partBytes(body), "Schöne Grüße");
  g_object_unref(msg);
}

TEST(MimeBuilder, TransportHeadersAreKept) {
  MapiMessage m = sample();
  m.transport_headers =
      "Received: from mx.example.com by mail.example.org; Tue, 14 Nov 2023 22:13:21 +0000\r\n"
      "From: \"Original Sender\" <orig@example.com>\r\nTo: bob@example.com\r\n"
      "Subject: =?utf-8?q?Original_subject?=\r\nDate: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
      "Message-ID: <orig@example.com>\r\nMIME-Version: 1.0\r\n"
      "Content-Type: multipart/signed; boundary=\"xyz\"\r\nX-Custom: kept\r\n\r\n";
  const std::string h = headerBlock(build(m));
  EXPECT_NE(h.find("Received: from mx.example.com by mail.example.org;"), std::string::npos) << h;
  EXPECT_NE(h.find("From: \"Original Sender\" <orig@example.com>"), std::string::npos) << h;
  EXPECT_NE(h.find("Subject: =?utf-8?q?Original_subject?="), std::string::npos) << h;
  EXPECT_NE(h.find("X-Custom: kept"), std::string::npos) << h;
  EXPECT_EQ(h.find("multipart/signed"), std::string::npos) << h;
  EXPECT_EQ(h.find("Cc:"), std::string::npos) << h;  // the transport headers decide
  EXPECT_NE(h.find("Content-Type: text/plain"), std::string::npos) << h;
}

TEST(MimeBuilder, AlternativeAttachmentsAndEmbeddedMessage) {
  MapiMessage m = sample();
  m.body_html = std::string("<html><body><p>Hi <img src=\"cid:logo@x\"></p></body></html>");
  m.html_code_page = 65001;
  std::string binary;
  for (int i = 0; i < 256; ++i) binary += static_cast<char>(i);
  MapiAttachment pdf;
  pdf.name = "Bericht März.pdf";
  pdf.data = binary;
  MapiAttachment logo;
  logo.name = "logo.png";
  logo.mime_type = "image/png";
  logo.content_id = "logo@x";
  logo.data = "\x89PNG fake";
  MapiAttachment mail;
  mail.method = 5;
  mail.name = "Forwarded";
  mail.embedded = std::make_shared<MapiMessage>(sample());
  mail.embedded->subject = "Inner subject";
  MapiAttachment inner_file;
  inner_file.name = "inner.txt";
  inner_file.data = "inner\r\nbytes";
  mail.embedded->attachments.push_back(inner_file);
  m.attachments = {pdf, logo, mail};
  const std::string raw = build(m);

  mime::initGMime();
  GMimeMessage* msg = mime::parseMessage(raw);
  ASSERT_TRUE(msg);
  GMimeObject* top = g_mime_message_get_mime_part(msg);
  ASSERT_TRUE(GMIME_IS_MULTIPART(top));
  EXPECT_STREQ(g_mime_content_type_get_media_subtype(g_mime_object_get_content_type(top)), "mixed");
  GMimeMultipart* mixed = GMIME_MULTIPART(top);
  ASSERT_EQ(g_mime_multipart_get_count(mixed), 3);
  GMimeObject* related = g_mime_multipart_get_part(mixed, 0);
  EXPECT_STREQ(g_mime_content_type_get_media_subtype(g_mime_object_get_content_type(related)), "related");
  ASSERT_EQ(g_mime_multipart_get_count(GMIME_MULTIPART(related)), 2);
  GMimeObject* alt = g_mime_multipart_get_part(GMIME_MULTIPART(related), 0);
  EXPECT_STREQ(g_mime_content_type_get_media_subtype(g_mime_object_get_content_type(alt)), "alternative");
  GMimeObject* img = g_mime_multipart_get_part(GMIME_MULTIPART(related), 1);
  EXPECT_STREQ(g_mime_object_get_content_id(img), "logo@x");
  EXPECT_EQ(partBytes(img), "\x89PNG fake");
  GMimeObject* att = g_mime_multipart_get_part(mixed, 1);
  EXPECT_STREQ(g_mime_part_get_filename(GMIME_PART(att)), "Bericht März.pdf");
  EXPECT_STREQ(g_mime_content_type_get_mime_type(g_mime_object_get_content_type(att)), "application/pdf");
  EXPECT_EQ(partBytes(att), binary);
  GMimeObject* embedded = g_mime_multipart_get_part(mixed, 2);
  ASSERT_TRUE(GMIME_IS_MESSAGE_PART(embedded));
  GMimeMessage* inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(embedded));
  EXPECT_STREQ(g_mime_message_get_subject(inner), "Inner subject");
  GMimeObject* inner_top = g_mime_message_get_mime_part(inner);
  ASSERT_TRUE(GMIME_IS_MULTIPART(inner_top));
  EXPECT_EQ(partBytes(g_mime_multipart_get_part(GMIME_MULTIPART(inner_top), 1)), "inner\r\nbytes");
  g_object_unref(msg);
}

TEST(MimeBuilder, SameMessageSameBytes) {
  MapiMessage m = sample();
  m.body_html = std::string("<p>x</p>");
  MapiAttachment a;
  a.name = "a.txt";
  a.data = "abc";
  m.attachments = {a};
  const std::string first = build(m);
  EXPECT_EQ(build(m), first);
  m.attachments[0].data = "abd";
  EXPECT_NE(build(m), first);
}

TEST(MimeBuilder, HtmlFromEncapsulatingRtf) {
  const std::string rtf = "{\\rtf1\\ansi\\fromhtml1 {\\*\\htmltag0 <p>}Hi{\\*\\htmltag0 </p>}}";
  std::string stream(16, '\0');
  stream += rtf;
  const std::uint32_t comp = static_cast<std::uint32_t>(stream.size() - 4),
                      raw_size = static_cast<std::uint32_t>(rtf.size());
  for (int i = 0; i < 4; ++i) {
    stream[i] = static_cast<char>((comp >> (8 * i)) & 0xFF);
    stream[4 + i] = static_cast<char>((raw_size >> (8 * i)) & 0xFF);
  }
  stream.replace(8, 4, "MELA");
  MapiMessage m = sample();
  m.body_text.reset();
  m.rtf_compressed = stream;
  const std::string raw = build(m);
  EXPECT_NE(raw.find("Content-Type: text/html; charset=utf-8"), std::string::npos) << raw;
  EXPECT_NE(raw.find("<p>Hi</p>"), std::string::npos) << raw;
}

TEST(MimeBuilder, DamagedRtfIsAWarning) {
  MapiMessage m = sample();
  m.body_text.reset();
  m.rtf_compressed = std::string("garbage");
  auto r = toRfc5322(m);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_NE(r->warnings[0].find("RTF"), std::string::npos);
}

TEST(MimeBuilder, DeepEmbeddingIsCutWithAWarning) {
  MapiMessage m = sample();
  MapiMessage* cur = &m;
  for (int i = 0; i < kMaxEmbeddingDepth + 3; ++i) {
    MapiAttachment a;
    a.method = 5;
    a.embedded = std::make_shared<MapiMessage>(sample());
    cur->attachments.push_back(a);
    cur = cur->attachments.back().embedded.get();
  }
  auto r = toRfc5322(m);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->warnings.empty());
}

}  // namespace
}  // namespace spe::mapi
