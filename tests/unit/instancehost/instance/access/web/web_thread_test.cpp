#include "instancehost/instance/access/web/web_thread.h"

#include <gtest/gtest.h>

namespace spe::instance {
namespace {

TEST(ConversationSubject, ReplyAndForwardPrefixesInManyLanguages) {
  for (const char* s : {"Offer", "Re: Offer", "RE: re: Offer", "Fwd: Offer", "AW: WG: Offer", "SV: Offer",
                        "Antw: Offer", "TR: Offer", "RE[2]: Offer", "Re(3): Offer", "[team] Re: Offer",
                        "Re: [team] Offer", "  re:offer  ", "\xE5\x9B\x9E\xE5\xA4\x8D\xEF\xBC\x9AOffer"}) {
    EXPECT_EQ(conversationSubject(s), "offer") << s;
  }
}

TEST(ConversationSubject, WordsThatOnlyLookLikePrefixes) {
  EXPECT_EQ(conversationSubject("Regarding: offer"), "regarding: offer");
  EXPECT_EQ(conversationSubject("Re offer"), "re offer");
  EXPECT_EQ(conversationSubject("RE[x]: offer"), "re[x]: offer");
  EXPECT_EQ(conversationSubject("Über  die\tLieferung"), "über die lieferung");
  EXPECT_EQ(conversationSubject(""), "");
}

TEST(IsReplySubject, OnlyWithAPrefix) {
  EXPECT_TRUE(isReplySubject("Re: x"));
  EXPECT_TRUE(isReplySubject("[list] AW: x"));
  EXPECT_FALSE(isReplySubject("x"));
  EXPECT_FALSE(isReplySubject("[list] x"));
}

TEST(ThreadHeaders, IdsFromFoldedHeadersReferencesThenInReplyTo) {
  const auto h = threadHeaders(
      "Message-ID: <c@x>\r\nSubject: Re: Offer\r\nReferences: <a@x>\r\n <b@x>\r\nIn-Reply-To: <b@x> (note)\r\n\r\n"
      "References: <not@header>\r\n",
      "Re: Offer");
  EXPECT_EQ(h.message_id, "<c@x>");
  EXPECT_EQ(h.references, (std::vector<std::string>{"<a@x>", "<b@x>", "<b@x>"}));
  EXPECT_EQ(h.subject, "offer");
  EXPECT_TRUE(h.reply);
}

TEST(ThreadHeaders, MissingAndMalformed) {
  const auto h = threadHeaders("Subject: x\r\nMessage-ID: no brackets\r\nReferences: <>\r\n\r\n", "x");
  EXPECT_EQ(h.message_id, "");
  EXPECT_TRUE(h.references.empty());
  EXPECT_TRUE(threadHeaders("", "").message_id.empty());
}

ThreadHeaders msg(std::string id, std::vector<std::string> refs, std::string subject) {
  ThreadHeaders h;
  h.message_id = std::move(id);
  h.references = std::move(refs);
  h.reply = isReplySubject(subject);
  h.subject = conversationSubject(subject);
  return h;
}

TEST(ConversationOf, LinkedByReferencesThroughOthers) {
  const std::vector<ThreadHeaders> m{msg("<a>", {}, "Offer"), msg("<b>", {"<a>"}, "Re: Offer"),
                                     msg("<c>", {"<b>"}, "Re: Offer"), msg("<d>", {}, "Offer")};
  EXPECT_EQ(conversationOf(m, 2), (std::vector<std::size_t>{0, 1, 2}));
  EXPECT_EQ(conversationOf(m, 3), (std::vector<std::size_t>{3}));  // same subject, no reply: its own
}

TEST(ConversationOf, ARenamedReplyStaysByItsReferences) {
  const std::vector<ThreadHeaders> m{msg("<a>", {}, "Offer"), msg("<b>", {"<a>"}, "Re: Offer (new prices)")};
  EXPECT_EQ(conversationOf(m, 0), (std::vector<std::size_t>{0, 1}));
}

TEST(ConversationOf, RepliesWithoutReferencesJoinBySubject) {
  const std::vector<ThreadHeaders> m{msg("<a>", {}, "Offer"), msg("<b>", {}, "AW: Offer"), msg("", {}, "Re: Re: Offer"),
                                     msg("<x>", {}, "Other")};
  EXPECT_EQ(conversationOf(m, 0), (std::vector<std::size_t>{0, 1, 2}));
  EXPECT_EQ(conversationOf(m, 3), (std::vector<std::size_t>{3}));
}

TEST(ConversationOf, RecurringSubjectsStayApart) {
  // Two weeks of "Weekly meeting", each with its reply.
  const std::vector<ThreadHeaders> m{msg("<w1>", {}, "Weekly meeting"), msg("<r1>", {"<w1>"}, "Re: Weekly meeting"),
                                     msg("<w2>", {}, "Weekly meeting"), msg("<r2>", {"<w2>"}, "Re: Weekly meeting")};
  EXPECT_EQ(conversationOf(m, 1), (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(conversationOf(m, 2), (std::vector<std::size_t>{2, 3}));
}

TEST(ConversationOf, OutOfRangeIsEmpty) { EXPECT_TRUE(conversationOf({}, 0).empty()); }

}  // namespace
}  // namespace spe::instance
