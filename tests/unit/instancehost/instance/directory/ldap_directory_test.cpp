// The parts of LdapDirectory that need no server: filter escaping (RFC
// 4515), DN comparison, and the mapping of Active Directory and generic LDAP
// entries to the archive's fields.
#include "instancehost/instance/directory/ldap_directory.h"

#include <gtest/gtest.h>

namespace spe::instance {
namespace {

TEST(EscapeFilterValue, EscapesTheFiveSpecialCharacters) {
  EXPECT_EQ(escapeFilterValue("jdoe"), "jdoe");
  EXPECT_EQ(escapeFilterValue("*"), "\\2a");
  EXPECT_EQ(escapeFilterValue("a(b)c"), "a\\28b\\29c");
  EXPECT_EQ(escapeFilterValue("back\\slash"), "back\\5cslash");
  EXPECT_EQ(escapeFilterValue(std::string("nul\0x", 5)), "nul\\00x");
  // RFC 4515's own examples.
  EXPECT_EQ(escapeFilterValue("Parens R Us (for all your parenthetical needs)"),
            "Parens R Us \\28for all your parenthetical needs\\29");
  EXPECT_EQ(escapeFilterValue("***"), "\\2a\\2a\\2a");
  // UTF-8 passes unchanged (RFC 4515 allows it as is).
  EXPECT_EQ(escapeFilterValue("Jürgen"), "Jürgen");
}

TEST(EscapeFilterValue, AnInjectionAttemptStaysOneValue) {
  const std::string hostile = "*)(uid=*))(|(uid=*";
  const std::string filter = "(uid=" + escapeFilterValue(hostile) + ")";
  EXPECT_EQ(filter, "(uid=\\2a\\29\\28uid=\\2a\\29\\29\\28|\\28uid=\\2a)");
  int depth = 0;
  for (char c : filter) depth += c == '(' ? 1 : c == ')' ? -1 : 0;
  EXPECT_EQ(depth, 0);
  EXPECT_TRUE(checkLdapFilter(filter, "f").ok());
}

TEST(NormaliseDn, IgnoresCaseAndSpacesAroundSeparators) {
  EXPECT_EQ(normaliseDn("CN=John Doe, OU=Staff ,DC=Example,DC=com"), "cn=john doe,ou=staff,dc=example,dc=com");
  EXPECT_EQ(normaliseDn("cn = a + sn = b"), "cn=a+sn=b");
  EXPECT_EQ(normaliseDn("CN=a\\,b,DC=x"), "cn=a\\,b,dc=x");
  EXPECT_NE(normaliseDn("CN=a,DC=x"), normaliseDn("CN=b,DC=x"));
}

DirectoryConfig ad() {
  DirectoryConfig c;
  c.type = kDirectoryActiveDirectory;
  return c;
}

TEST(MapDirectoryEntry, ActiveDirectoryUser) {
  const LdapAttributes attrs = {
      {"samaccountname", {"jdoe"}},
      {"userprincipalname", {"john.doe@example.com"}},
      {"displayname", {"John Doe"}},
      {"cn", {"jdoe-cn"}},
      {"mail", {"John.Doe@example.com"}},
      {"proxyaddresses",
       {"smtp:jd@example.com", "X500:/o=Org/ou=x/cn=jdoe", "SMTP:john.doe@example.com", "sip:jdoe@example.com",
        "smtp:JD@example.com", "smtp:bad address@x"}},
      {"useraccountcontrol", {"512"}},
      {"memberof", {"CN=Archive Users,OU=Groups,DC=example,DC=com"}},
  };
  const auto e = mapDirectoryEntry(ad(), "CN=John Doe,OU=Staff,DC=example,DC=com", attrs);
  EXPECT_EQ(e.user_name, "jdoe");
  EXPECT_EQ(e.full_name, "John Doe");
  // mail first, then the primary SMTP:, then the others; duplicates (any
  // case), non-SMTP types and bad addresses left out.
  EXPECT_EQ(e.email_addresses, (std::vector<std::string>{"John.Doe@example.com", "jd@example.com"}));
  EXPECT_FALSE(e.disabled);
  ASSERT_EQ(e.member_of.size(), 1u);

  DirectoryConfig upn = ad();
  upn.user_name_format = "userPrincipalName";
  EXPECT_EQ(mapDirectoryEntry(upn, "CN=x", attrs).user_name, "john.doe@example.com");
}

TEST(MapDirectoryEntry, ActiveDirectoryDisabledAndFallbacks) {
  // 514 = NORMAL_ACCOUNT | ACCOUNTDISABLE; 66050 adds DONT_EXPIRE_PASSWORD.
  for (const char* uac : {"514", "66050", "2"}) {
    EXPECT_TRUE(mapDirectoryEntry(ad(), "CN=x", {{"useraccountcontrol", {uac}}}).disabled) << uac;
  }
  for (const char* uac : {"512", "66048", "", "junk"}) {
    EXPECT_FALSE(mapDirectoryEntry(ad(), "CN=x", {{"useraccountcontrol", {uac}}}).disabled) << uac;
  }
  const auto e = mapDirectoryEntry(
      ad(), "CN=x", {{"samaccountname", {"a"}}, {"cn", {"Only CN"}}, {"proxyaddresses", {"SMTP:primary@example.com"}}});
  EXPECT_EQ(e.full_name, "Only CN");
  EXPECT_EQ(e.email_addresses, (std::vector<std::string>{"primary@example.com"}));
}

TEST(MapDirectoryEntry, GenericLdapUsesTheConfiguredAttributes) {
  DirectoryConfig c;
  c.type = kDirectoryGenericLdap;
  c.user_name_attribute = "uid";
  c.full_name_attribute = "displayName";
  c.email_attributes = {"mail", "mailAlternateAddress"};
  const LdapAttributes attrs = {{"uid", {"mmuster"}},
                                {"displayname", {"Max Muster"}},
                                {"cn", {"ignored"}},
                                {"mail", {"max@example.org"}},
                                {"mailalternateaddress", {"m.muster@example.org", "MAX@example.org"}},
                                {"useraccountcontrol", {"514"}}};
  const auto e = mapDirectoryEntry(c, "uid=mmuster,ou=people,dc=example,dc=org", attrs);
  EXPECT_EQ(e.user_name, "mmuster");
  EXPECT_EQ(e.full_name, "Max Muster");
  EXPECT_EQ(e.email_addresses, (std::vector<std::string>{"max@example.org", "m.muster@example.org"}));
  EXPECT_FALSE(e.disabled);  // userAccountControl means nothing here; disabledFilter does
}

TEST(MapDirectoryEntry, BoundsWhatAHostileDirectoryGives) {
  DirectoryConfig c;
  c.type = kDirectoryGenericLdap;
  std::vector<std::string> many;
  for (int i = 0; i < 500; ++i) many.push_back("a" + std::to_string(i) + "@example.org");
  const auto e = mapDirectoryEntry(c, "uid=x",
                                   {{"uid", {"x"}}, {"cn", {std::string(300, 'n') + "\xC3\xA4"}}, {"mail", many}});
  EXPECT_EQ(e.email_addresses.size(), 100u);
  EXPECT_LE(e.full_name.size(), 255u);
}

TEST(DirectoryQuery, FiltersAndAttributes) {
  DirectoryConfig c = ad();
  EXPECT_EQ(directoryUserFilter(c), "(sAMAccountType=805306368)");
  c.microsoft_exchange_users_only = true;
  EXPECT_EQ(directoryUserFilter(c), "(&(sAMAccountType=805306368)(msExchMailboxGuid=*))");
  c.users_visible_in_address_lists_only = true;
  EXPECT_EQ(directoryUserFilter(c),
            "(&(sAMAccountType=805306368)(msExchMailboxGuid=*)(!(msExchHideFromAddressLists=TRUE)))");
  c.microsoft_exchange_users_only = false;
  EXPECT_EQ(directoryUserFilter(c), "(&(sAMAccountType=805306368)(!(msExchHideFromAddressLists=TRUE)))");
  EXPECT_TRUE(checkLdapFilter(directoryUserFilter(c), "f").ok());
  DirectoryConfig g;
  g.type = kDirectoryGenericLdap;
  g.user_filter = "(objectClass=posixAccount)";
  g.email_attributes = {"mail", "otherMail"};
  EXPECT_EQ(directoryUserFilter(g), "(objectClass=posixAccount)");
  const auto attrs = directoryAttributes(g);
  EXPECT_NE(std::find(attrs.begin(), attrs.end(), "otherMail"), attrs.end());
  EXPECT_NE(std::find(attrs.begin(), attrs.end(), "memberOf"), attrs.end());
}

TEST(LdapDirectory, EmptyPasswordIsRefusedWithoutAsking) {
  DirectoryConfig c = ad();
  c.server_name = "192.0.2.1";  // TEST-NET-1: would time out if asked
  c.timeout_seconds = 1;
  LdapDirectory d(c, "/nonexistent");
  auto st = d.bindAs("CN=x,DC=example,DC=com", "");
  EXPECT_EQ(st.error().code, ErrorCode::kUnauthenticated);
}

TEST(LdapDirectory, NothingListeningIsUnavailable) {
  DirectoryConfig c;
  c.type = kDirectoryGenericLdap;
  c.server_name = "127.0.0.1";
  c.port = 1;  // nothing listens on port 1 here
  c.timeout_seconds = 2;
  c.authentication_type = "anonymous";
  LdapDirectory d(c, "/nonexistent");
  auto st = d.bindAs("uid=x,dc=example,dc=org", "pw");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kUnavailable) << st.error().message;
  EXPECT_NE(st.error().message.find("ldap://127.0.0.1:1"), std::string::npos) << st.error().message;
}

}  // namespace
}  // namespace spe::instance
