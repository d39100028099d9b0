// DirectoryConfig: the strict reader of SetDirectoryServicesConfiguration's
// object, its public form (no password) and its stored form (sealed password).
#include "instancehost/instance/directory/directory_config.h"

#include <gtest/gtest.h>

namespace spe::instance {
namespace {

Json adConfig() {
  return Json{{"type", "activeDirectory"},
              {"serverName", "dc1.example.com"},
              {"protocol", "LDAPS"},
              {"userName", "svc-archive@example.com"},
              {"password", "s3cret"},
              {"baseDN", "OU=Staff,DC=example,DC=com"},
              {"groups", {"CN=Archive Users,OU=Groups,DC=example,DC=com"}}};
}

std::string errorOf(const Json& j, const DirectoryConfig& stored = {}) {
  auto c = parseDirectoryConfig(j, stored);
  return c ? std::string() : c.error().message;
}

TEST(DirectoryConfig, ReadsEveryFieldWithDefaults) {
  auto c = parseDirectoryConfig(adConfig(), DirectoryConfig{});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->type, "activeDirectory");
  EXPECT_EQ(c->url(), "ldaps://dc1.example.com:636");
  EXPECT_EQ(c->password, "s3cret");
  EXPECT_EQ(c->timeout_seconds, 15);
  EXPECT_TRUE(c->enabled_users_only);
  EXPECT_FALSE(c->delete_users);
  EXPECT_FALSE(c->ignore_ssl_policy_errors);
  EXPECT_EQ(c->user_name_format, "samAccountName");
  ASSERT_EQ(c->groups.size(), 1u);
}

TEST(DirectoryConfig, PortZeroMeansTheProtocolDefault) {
  Json j = adConfig();
  j["protocol"] = "LDAP-StartTLS";
  EXPECT_EQ(parseDirectoryConfig(j, {})->url(), "ldap://dc1.example.com:389");
  j["port"] = 3269;
  EXPECT_EQ(parseDirectoryConfig(j, {})->url(), "ldap://dc1.example.com:3269");
  j["serverName"] = "fd00::5";
  EXPECT_EQ(parseDirectoryConfig(j, {})->url(), "ldap://[fd00::5]:3269");
}

TEST(DirectoryConfig, PasswordAbsentOrNullKeepsTheStoredOneEmptyClearsIt) {
  DirectoryConfig stored;
  stored.password = "old";
  Json j = adConfig();
  j.erase("password");
  EXPECT_EQ(parseDirectoryConfig(j, stored)->password, "old");
  j["password"] = nullptr;
  EXPECT_EQ(parseDirectoryConfig(j, stored)->password, "old");
  j["password"] = "";
  EXPECT_EQ(parseDirectoryConfig(j, stored)->password, "");
  j["password"] = "new";
  EXPECT_EQ(parseDirectoryConfig(j, stored)->password, "new");
}

TEST(DirectoryConfig, UnknownKeyIsRefusedByName) {
  Json j = adConfig();
  j["serverPort"] = 389;
  EXPECT_NE(errorOf(j).find("config.serverPort"), std::string::npos) << errorOf(j);
}

TEST(DirectoryConfig, EachBadFieldIsNamed) {
  struct Case {
    const char* key;
    Json value;
  };
  const std::vector<Case> cases = {
      {"type", "ldap"},
      {"type", 5},
      {"port", 70000},
      {"port", -1},
      {"port", "389"},
      {"protocol", "ldaps"},
      {"ignoreSslPolicyErrors", "yes"},
      {"authenticationType", "kerberos"},
      {"timeoutSeconds", 0},
      {"timeoutSeconds", 301},
      {"serverName", "ldap://dc1"},
      {"serverName", "dc1:389"},
      {"serverName", "dc1/x"},
      {"baseDN", "not a dn"},
      {"groups", "CN=x"},
      {"groups", Json::array({"no dn here"})},
      {"userFilter", "objectClass=person"},
      {"userFilter", "(a=b))(c=d)"},
      {"userFilter", "((a=b)"},
      {"disabledFilter", "x"},
      {"userNameAttribute", "uid)(x"},
      {"emailAttributes", Json::array({"mail", "bad attr"})},
      {"userNameFormat", "upn"},
      {"caCertificates", "not pem"},
      {"userName", std::string("a\nb")},
      {"usersVisibleInAddressListsOnly", "yes"},
      {"authenticationProtocol", 5},
      {"authenticationProtocol", std::string(65, 'a')},
      {"authenticationProtocol", std::string("a\tb")},
      {"openIdDiscoveryUrl", "ftp://adfs.example.com/"},
      {"openIdDiscoveryUrl", "https://" + std::string(1000, 'a')},
      {"openIdClientID", 7},
      {"openIdClientID", std::string(257, 'c')},
      {"openIdRedirectUrl", "not a url"},
      {"openIdRedirectUrl", "https://a b/"},
      {"openIdForceAdfsLogin", "true"},
      {"credentialId", 12},
      {"credentialId", std::string("a\rb")},
      {"licensedExchangeOnlineUsersOnly", 1},
      {"redirectUrl", "https://"},
      {"redirectUrl", "https:///path"},
  };
  for (const auto& c : cases) {
    Json j = adConfig();
    j[c.key] = c.value;
    const std::string e = errorOf(j);
    EXPECT_NE(e.find(std::string("config.") + c.key), std::string::npos)
        << c.key << " = " << c.value.dump() << ": " << e;
  }
}

TEST(DirectoryConfig, LongValuesAreRefusedWithTheirLimit) {
  Json j = adConfig();
  j["baseDN"] = "DC=" + std::string(1000, 'a');
  EXPECT_NE(errorOf(j).find("1000"), std::string::npos);
  j = adConfig();
  j["groups"] = Json::array();
  for (int i = 0; i < 101; ++i) j["groups"].push_back("CN=g" + std::to_string(i) + ",DC=x");
  EXPECT_NE(errorOf(j).find("config.groups"), std::string::npos);
  j = adConfig();
  j["caCertificates"] = "-----BEGIN CERTIFICATE-----" + std::string(7000, 'A');
  EXPECT_NE(errorOf(j).find("config.caCertificates"), std::string::npos);
}

TEST(DirectoryConfig, LdapTypesNeedServerBaseAndBindUser) {
  Json j = adConfig();
  j.erase("serverName");
  EXPECT_NE(errorOf(j).find("config.serverName"), std::string::npos);
  j = adConfig();
  j.erase("baseDN");
  EXPECT_NE(errorOf(j).find("config.baseDN"), std::string::npos);
  j = adConfig();
  j.erase("userName");
  EXPECT_NE(errorOf(j).find("config.userName"), std::string::npos);
  j["authenticationType"] = "anonymous";
  EXPECT_EQ(errorOf(j), "");
  // Cloud types and none are stored without LDAP settings.
  EXPECT_EQ(errorOf(Json{{"type", "office365"}}), "");
  EXPECT_EQ(errorOf(Json::object()), "");
}

TEST(DirectoryConfig, PublicJsonNeverHasThePassword) {
  auto c = parseDirectoryConfig(adConfig(), {});
  ASSERT_TRUE(c.ok());
  const Json pub = toPublicJson(*c);
  EXPECT_TRUE(pub.at("password").is_null());
  EXPECT_EQ(pub.dump().find("s3cret"), std::string::npos);
  // What Get answers, Set takes back unchanged (password null keeps it).
  auto again = parseDirectoryConfig(pub, *c);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(toPublicJson(*again), pub);
  EXPECT_EQ(again->password, "s3cret");
}

// The shapes GetDirectoryServicesConfiguration answers in the product
// (PRODUCT-SPEC 1.10): scripts read them back and write them again.
Json productM365Shape() {
  return Json{{"type", "office365OpenIDConnect"},
              {"credentialId", "3"},
              {"licensedExchangeOnlineUsersOnly", true},
              {"enabledUsersOnly", true},
              {"groups", {"Archive Users", "legal@example.com"}},
              {"redirectUrl", "https://cas.example.com/inst1/oidc/signin"},
              {"deleteUsers", false}};
}

Json productAdShape() {
  return Json{{"type", "activeDirectory"},
              {"serverName", "dc1.example.com"},
              {"protocol", "LDAP"},
              {"authenticationType", "standardAuthentication"},
              {"userName", "svc-archive@example.com"},
              {"password", nullptr},
              {"baseDN", "DC=example,DC=com"},
              {"microsoftExchangeUsersOnly", true},
              {"enabledUsersOnly", true},
              {"usersVisibleInAddressListsOnly", true},
              {"groups", {"CN=Archive Users,OU=Groups,DC=example,DC=com"}},
              {"userNameFormat", "samAccountName"},
              {"authenticationProtocol", "networkAuthentication"},
              {"openIdDiscoveryUrl", "https://adfs.example.com/adfs/.well-known/openid-configuration"},
              {"openIdClientID", "5c1d0a7e-0000-4000-8000-000000000001"},
              {"openIdRedirectUrl", "https://cas.example.com/inst1/oidc/signin"},
              {"openIdForceAdfsLogin", true},
              {"deleteUsers", true}};
}

TEST(DirectoryConfig, ProductShapesComeBackAsTheyWent) {
  for (const Json& shape : {productM365Shape(), productAdShape()}) {
    DirectoryConfig stored;
    stored.password = "kept";
    auto c = parseDirectoryConfig(shape, stored);
    ASSERT_TRUE(c.ok()) << shape.at("type") << ": " << c.error().message;
    const Json pub = toPublicJson(*c);
    for (const auto& [key, value] : shape.items()) {
      ASSERT_TRUE(pub.contains(key)) << key;
      EXPECT_EQ(pub.at(key), value) << key;
    }
    // At rest too, and Set takes Get's answer back unchanged.
    const Key256 key = randomKey();
    auto back = fromStoredJson(toStoredJson(*c, key, "inst1"), key, "inst1");
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(toPublicJson(*back), pub);
    auto again = parseDirectoryConfig(pub, *back);
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_EQ(toPublicJson(*again), pub);
  }
  // Defaults of the added fields.
  const Json none = toPublicJson(*parseDirectoryConfig(Json::object(), {}));
  EXPECT_EQ(none.at("authenticationProtocol"), "networkAuthentication");
  EXPECT_EQ(none.at("credentialId"), "");
  EXPECT_EQ(none.at("redirectUrl"), "");
  EXPECT_EQ(none.at("usersVisibleInAddressListsOnly"), false);
  EXPECT_EQ(none.at("openIdForceAdfsLogin"), false);
}

TEST(DirectoryConfig, CloudGroupsAreNamesLdapGroupsAreDns) {
  Json j = productM365Shape();
  j["groups"] = Json::array({""});
  EXPECT_NE(errorOf(j).find("config.groups[0]"), std::string::npos) << errorOf(j);
  j["groups"] = Json::array({"ok", std::string(1001, 'g')});
  EXPECT_NE(errorOf(j).find("config.groups[1]"), std::string::npos) << errorOf(j);
  j["groups"] = Json::array({"ok", std::string("a\nb")});
  EXPECT_NE(errorOf(j).find("config.groups[1]"), std::string::npos) << errorOf(j);
  j["groups"] = Json::array();
  for (int i = 0; i < 101; ++i) j["groups"].push_back("group " + std::to_string(i));
  EXPECT_NE(errorOf(j).find("config.groups"), std::string::npos) << errorOf(j);
  // The same names are not DNs for an LDAP type.
  j = productAdShape();
  j["groups"] = productM365Shape()["groups"];
  EXPECT_NE(errorOf(j).find("config.groups[0]"), std::string::npos) << errorOf(j);
}

TEST(DirectoryConfig, UrlChecks) {
  EXPECT_TRUE(checkUrl("", "u").ok());
  EXPECT_TRUE(checkUrl("https://cas.example.com/inst1/oidc/signin", "u").ok());
  EXPECT_TRUE(checkUrl("HTTP://[fd00::5]:8080/x?y=1", "u").ok());
  EXPECT_FALSE(checkUrl("cas.example.com/signin", "u").ok());
  EXPECT_FALSE(checkUrl("javascript:alert(1)", "u").ok());
  EXPECT_FALSE(checkUrl("https://", "u").ok());
  EXPECT_FALSE(checkUrl("https://a\nb", "u").ok());
  EXPECT_NE(checkUrl("https://" + std::string(kMaxUrlBytes, 'a'), "u").error().message.find("1000"), std::string::npos);
}

TEST(DirectoryConfig, StoredPasswordIsSealedAndBoundToTheInstance) {
  auto c = parseDirectoryConfig(adConfig(), {});
  ASSERT_TRUE(c.ok());
  const Key256 key = randomKey();
  const Json stored = toStoredJson(*c, key, "inst1");
  EXPECT_EQ(stored.dump().find("s3cret"), std::string::npos);
  EXPECT_FALSE(stored.contains("password"));
  auto back = fromStoredJson(stored, key, "inst1");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->password, "s3cret");
  EXPECT_EQ(toPublicJson(*back), toPublicJson(*c));
  // Another instance's ID or key does not open it.
  EXPECT_EQ(fromStoredJson(stored, key, "inst2").error().code, ErrorCode::kCorrupt);
  EXPECT_EQ(fromStoredJson(stored, randomKey(), "inst1").error().code, ErrorCode::kCorrupt);
  // No password: nothing sealed.
  c->password.clear();
  EXPECT_TRUE(toStoredJson(*c, key, "inst1").at("passwordSealed").is_null());
}

TEST(DirectoryConfig, FilterChecks) {
  EXPECT_TRUE(checkLdapFilter("(objectClass=inetOrgPerson)", "f").ok());
  EXPECT_TRUE(checkLdapFilter("(&(objectClass=person)(|(ou=a)(ou=b)))", "f").ok());
  EXPECT_TRUE(checkLdapFilter("(cn=a\\28b\\29)", "f").ok());
  EXPECT_FALSE(checkLdapFilter("", "f").ok());
  EXPECT_FALSE(checkLdapFilter("(a=b)(c=d)", "f").ok());
  EXPECT_FALSE(checkLdapFilter(std::string("(a=\0)", 5), "f").ok());
  EXPECT_FALSE(checkLdapFilter(std::string(40, '(') + "a=b" + std::string(40, ')'), "f").ok());
}

TEST(DirectoryConfig, AttributeNames) {
  EXPECT_TRUE(checkAttributeName("mail", "a").ok());
  EXPECT_TRUE(checkAttributeName("msExch-Mail1", "a").ok());
  EXPECT_TRUE(checkAttributeName("2.5.4.3", "a").ok());
  EXPECT_FALSE(checkAttributeName("", "a").ok());
  EXPECT_FALSE(checkAttributeName("1mail", "a").ok());
  EXPECT_FALSE(checkAttributeName("mail;binary", "a").ok());
  EXPECT_FALSE(checkAttributeName("*", "a").ok());
  EXPECT_FALSE(checkAttributeName("2.5.", "a").ok());
}

}  // namespace
}  // namespace spe::instance
