// Address lists as ENVELOPE shows them (common/mime/address_list.h). Each
// case was compared with Dovecot 2.3's ENVELOPE of the same header; where
// ours differs, the test says so. One entry per address:
// name|route|mailbox|host, "(" for a group start, ")" for its end.
#include "common/mime/address_list.h"

#include <gtest/gtest.h>

#include <string>

namespace spe::mime {
namespace {

std::string show(std::string_view value) {
  std::string out;
  for (const auto& a : parseAddressList(value)) {
    if (!out.empty()) out += " ; ";
    switch (a.kind) {
      case MimeAddress::Kind::kGroupStart: out += "(" + a.mailbox; break;
      case MimeAddress::Kind::kGroupEnd: out += ")"; break;
      case MimeAddress::Kind::kMailbox: out += a.name + "|" + a.route + "|" + a.mailbox + "|" + a.host; break;
    }
  }
  return out;
}

TEST(AddressList, PlainForms) {
  EXPECT_EQ(show("x@y.org"), "||x|y.org");
  EXPECT_EQ(show("<x@y.org>"), "||x|y.org");
  EXPECT_EQ(show("Ann Smith <ann@y.org>"), "Ann Smith||ann|y.org");
  EXPECT_EQ(show("\"Smith, Ann\" <ann@y.org>, bob@y.org"), "Smith, Ann||ann|y.org ; ||bob|y.org");
  EXPECT_EQ(show("\"quoted \\\"name\\\"\" <x@y.org>"), "quoted \"name\"||x|y.org");
  EXPECT_EQ(show("J. Smith <j@y.org>"), "J. Smith||j|y.org");
  EXPECT_EQ(show("john.doe@y.org"), "||john.doe|y.org");
  EXPECT_EQ(show("x@[1.2.3.4]"), "||x|[1.2.3.4]");
  EXPECT_EQ(show(""), "");
  EXPECT_EQ(show("  "), "");
}

TEST(AddressList, AddressesWithoutADomain) {
  EXPECT_EQ(show("postmaster"), "||postmaster|");
  EXPECT_EQ(show("root (Cron Daemon)"), "Cron Daemon||root|") << "the comment names a bare address";
  EXPECT_EQ(show("\"Only Name\" <local>"), "Only Name||local|");
  EXPECT_EQ(show("Ann <ann>, bob"), "Ann||ann| ; ||bob|");
  EXPECT_EQ(show("x@"), "||x|");
  EXPECT_EQ(show("<>"), "|||") << "the null address";
  EXPECT_EQ(show("Name <>"), "Name|||");
  EXPECT_EQ(show("foo bar"), "foo bar|||") << "words without an address are a name";
}

TEST(AddressList, Groups) {
  EXPECT_EQ(show("undisclosed-recipients:;"), "(undisclosed-recipients ; )");
  // GMime read this list as one group named "postmaster, team".
  EXPECT_EQ(show("undisclosed-recipients:;, postmaster, team: ann, bob@x.org;"),
            "(undisclosed-recipients ; ) ; ||postmaster| ; (team ; ||ann| ; ||bob|x.org ; )");
  EXPECT_EQ(show("grp: a@b.org, c@d.org;, e@f.org"), "(grp ; ||a|b.org ; ||c|d.org ; ) ; ||e|f.org");
  EXPECT_EQ(show("grp: a@b.org, c@d.org"), "(grp ; ||a|b.org ; ||c|d.org ; )") << "a missing ';' ends at the end";
  EXPECT_EQ(show("a@b.org; c@d.org"), "||a|b.org") << "';' outside a group ends the list, as in Dovecot";
}

TEST(AddressList, DisplayNamesAsWrittenUnfolded) {
  EXPECT_EQ(show("\"Bob\r\n Builder\" <bob@x.org>"), "Bob Builder||bob|x.org");
  EXPECT_EQ(show("\"Ann\r\n\tSmith\" <ann@x.org>"), "Ann Smith||ann|x.org");
  EXPECT_EQ(show("Ann\r\n  Smith <ann@x.org>"), "Ann Smith||ann|x.org");
  EXPECT_EQ(show("=?UTF-8?Q?J=C3=B6?=\r\n =?UTF-8?Q?rg?= <j@x.org>"), "=?UTF-8?Q?J=C3=B6?= =?UTF-8?Q?rg?=||j|x.org")
      << "encoded words stay: clients decode them";
  EXPECT_EQ(show("\"M\xC3\xBCller\" <m@x.org>"), "M\xC3\xBCller||m|x.org") << "8-bit stays as it is";
  EXPECT_EQ(show("Ann (the (nested) comment) <a@b.org>"), "Ann||a|b.org");
  EXPECT_EQ(show("Name <x@y.org> (trailing)"), "Name||x|y.org");
  EXPECT_EQ(show("(Leading Comment) x@y.org"), "||x|y.org") << "a comment before the address names nothing";
  EXPECT_EQ(show("x@y.org (Comment Name)"), "Comment Name||x|y.org");
}

TEST(AddressList, RoutesAndQuotedLocalParts) {
  EXPECT_EQ(show("<@a.org,@b.org:x@y.org>"), "|@a.org,@b.org|x|y.org");
  EXPECT_EQ(show("\"weird local\"@y.org"), "||weird local|y.org");
}

TEST(AddressList, GarbageIsSkippedNotFatal) {
  // Dovecot shows an empty element, or one it cannot read, as
  // MISSING_MAILBOX; we skip it (up to the next comma).
  EXPECT_EQ(show("a@b.org, , c@d.org"), "||a|b.org ; ||c|d.org");
  EXPECT_EQ(show(",a@b.org,"), "||a|b.org");
  EXPECT_EQ(show(">>> junk, a@b.org"), "||a|b.org");
  EXPECT_EQ(show("Ann <a@b.org"), "Ann||a|b.org") << "an unclosed angle bracket (Dovecot: SYNTAX_ERROR)";
  EXPECT_EQ(show("\"unterminated <x@y.org>"), "||unterminated <x@y.org>|") << "the quote runs to the end";
  EXPECT_EQ(show("(unterminated"), "");
}

TEST(AddressList, AtMostTheLimit) {
  std::string many;
  for (std::size_t i = 0; i < kMaxAddresses + 50; ++i) many += "a@b.org,";
  EXPECT_EQ(parseAddressList(many).size(), kMaxAddresses);
}

}  // namespace
}  // namespace spe::mime
