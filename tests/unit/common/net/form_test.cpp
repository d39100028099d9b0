#include "common/net/form.h"

#include <gtest/gtest.h>

namespace spe {
namespace {

TEST(Form, ParsesFieldsAndEscapes) {
  auto f = parseForm("config=%7B%22a%22%3A1%7D&password=p%40ss+word&empty=");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->at("config"), R"({"a":1})");
  EXPECT_EQ(f->at("password"), "p@ss word");
  EXPECT_EQ(f->at("empty"), "");
}

TEST(Form, RepeatedFieldIsError) {
  auto f = parseForm("a=1&a=2");
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.error().message.find("'a'"), std::string::npos);
}

TEST(Form, MalformedEscapeIsError) {
  EXPECT_FALSE(parseForm("a=%zz").ok());
  EXPECT_FALSE(parseForm("a=%4").ok());
  EXPECT_FALSE(parseForm("a=%").ok());
}

TEST(Form, InvalidUtf8IsError) { EXPECT_FALSE(parseForm("a=%C3%28").ok()); }

TEST(Form, Utf8Accepted) {
  auto f = parseForm("name=J%C3%BCrgen");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->at("name"), "J\xC3\xBCrgen");
}

TEST(Form, RoundTrip) {
  std::map<std::string, std::string> in{{"a b", "x&y=z"}, {"c", "\xC3\xA4"}};
  auto out = parseForm(encodeForm(in));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, in);
}

TEST(BasicAuth, ParsesAndRoundTrips) {
  auto c = parseBasicAuth(makeBasicAuth("admin", "pa:ss"));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->user, "admin");
  EXPECT_EQ(c->password, "pa:ss");
}

TEST(BasicAuth, RejectsOtherSchemesAndGarbage) {
  EXPECT_FALSE(parseBasicAuth("Bearer abc").ok());
  EXPECT_FALSE(parseBasicAuth("Basic !!!").ok());
  EXPECT_FALSE(parseBasicAuth("Basic YWRtaW4=").ok());  // no colon
}

TEST(Cookie, TheNamedValueAmongOthers) {
  EXPECT_EQ(cookieValue("a=1; spe_session=abc; b=2", "spe_session"), "abc");
  EXPECT_EQ(cookieValue("spe_session=abc", "spe_session"), "abc");
  EXPECT_EQ(cookieValue("x_spe_session=abc; spe_session2=d", "spe_session"), "");  // not a prefix or suffix match
  EXPECT_EQ(cookieValue("spe_session", "spe_session"), "");                        // no '='
  EXPECT_EQ(cookieValue("", "spe_session"), "");
  EXPECT_EQ(cookieValue("spe_session=; other=1", "spe_session"), "");
}

}  // namespace
}  // namespace spe
