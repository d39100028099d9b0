// The GMime helpers (common/mime/gmime_support.h): initialisation once from
// any thread, ownership of GMime's strings, address lists as text, and
// whole-message parsing of what is and is not a message.
#include "common/mime/gmime_support.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace spe::mime {
namespace {

TEST(GMimeSupport, InitialisesOnceFromManyThreads) {
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) threads.emplace_back([] { initGMime(); });
  for (auto& t : threads) t.join();
  initGMime();
  GMimeMessage* m = parseMessage("Subject: after init\r\n\r\nx");
  ASSERT_NE(m, nullptr);
  EXPECT_STREQ(g_mime_message_get_subject(m), "after init");
  g_object_unref(m);
}

TEST(GMimeSupport, TakeGStringCopiesAndFrees) {
  EXPECT_EQ(takeGString(nullptr), "");
  EXPECT_EQ(takeGString(g_strdup("owned")), "owned");  // LeakSanitizer would see a missing g_free
  EXPECT_EQ(takeGString(g_strdup("")), "");
}

TEST(GMimeSupport, AddressListsAsText) {
  initGMime();
  EXPECT_EQ(addressListText(nullptr), "");
  InternetAddressList* empty = internet_address_list_new();
  EXPECT_EQ(addressListText(empty), "");
  g_object_unref(empty);
  InternetAddressList* list = internet_address_list_parse(nullptr,
                                                          "=?utf-8?q?J=C3=BCrgen?= <j@example.com>, b@example.org");
  ASSERT_NE(list, nullptr);
  EXPECT_EQ(addressListText(list), "J\xC3\xBCrgen <j@example.com>, b@example.org") << "decoded, not RFC 2047";
  g_object_unref(list);
}

TEST(GMimeSupport, ParsesAMessageWithItsHeaders) {
  GMimeMessage* m = parseMessage(
      "From: a@example.com\r\nTo: b@example.com\r\nSubject: =?iso-8859-1?q?Gr=FC=DFe?=\r\n\r\nbody\r\n");
  ASSERT_NE(m, nullptr);
  EXPECT_STREQ(g_mime_message_get_subject(m),
               "Gr\xC3\xBC\xC3\x9F"
               "e");
  EXPECT_EQ(addressListText(g_mime_message_get_from(m)), "a@example.com");
  g_object_unref(m);
}

TEST(GMimeSupport, TheInputNeedNotOutliveTheCall) {
  std::string raw = "Subject: copied\r\n\r\nbody";
  GMimeMessage* m = parseMessage(raw);
  raw.assign(raw.size(), 'x');
  ASSERT_NE(m, nullptr);
  EXPECT_STREQ(g_mime_message_get_subject(m), "copied");
  g_object_unref(m);
}

TEST(GMimeSupport, WhatIsNoMessageIsNull) {
  // Callers handle it: parseMessageHeaders warns, viewMessage shows the raw text.
  for (const std::string& raw : {std::string(), std::string("no header"), std::string("\0\0\0", 3)}) {
    GMimeMessage* m = parseMessage(raw);
    EXPECT_EQ(m, nullptr) << raw.size() << " bytes";
    if (m) g_object_unref(m);
  }
}

TEST(GMimeSupport, AHeaderWithoutBodyIsAMessage) {
  GMimeMessage* m = parseMessage("Subject: x");
  ASSERT_NE(m, nullptr);
  EXPECT_STREQ(g_mime_message_get_subject(m), "x");
  g_object_unref(m);
}

}  // namespace
}  // namespace spe::mime
