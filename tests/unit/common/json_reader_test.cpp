#include "common/json_reader.h"

#include <gtest/gtest.h>

namespace spe {
namespace {

TEST(JsonReader, ReadsTypedValues) {
  Json doc = Json::parse(R"({"name":"x","port":8472,"on":true,"list":["a"],"sub":{"tp":"t"}})");
  JsonReader r(doc, "config");
  std::string name, tp;
  std::uint16_t port = 0;
  bool on = false;
  std::vector<std::string> list;
  r.str("name", name, true);
  r.port("port", port);
  r.boolean("on", on);
  r.strList("list", list);
  if (JsonReader* sub = r.object("sub")) sub->str("tp", tp);
  ASSERT_TRUE(r.finish().ok());
  EXPECT_EQ(name, "x");
  EXPECT_EQ(port, 8472);
  EXPECT_TRUE(on);
  EXPECT_EQ(list.size(), 1u);
  EXPECT_EQ(tp, "t");
}

TEST(JsonReader, UnknownKeyIsNamed) {
  Json doc = Json::parse(R"({"name":"x","nmae":"y"})");
  JsonReader r(doc, "config");
  std::string name;
  r.str("name", name);
  auto st = r.finish();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("config.nmae"), std::string::npos);
}

TEST(JsonReader, UnknownNestedKeyIsNamed) {
  Json doc = Json::parse(R"({"sub":{"a":1,"b":2}})");
  JsonReader r(doc, "config");
  std::int64_t a = 0;
  if (JsonReader* sub = r.object("sub")) sub->integer("a", a);
  auto st = r.finish();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("config.sub.b"), std::string::npos);
}

TEST(JsonReader, WrongTypeAndMissingAndRange) {
  {
    Json doc = Json::parse(R"({"port":"8472"})");
    JsonReader r(doc, "c");
    std::uint16_t port = 0;
    r.port("port", port);
    EXPECT_NE(r.finish().error().message.find("must be an integer"), std::string::npos);
  }
  {
    Json doc = Json::parse(R"({})");
    JsonReader r(doc, "c");
    std::string s;
    r.str("userName", s, true);
    EXPECT_NE(r.finish().error().message.find("'c.userName' is required"), std::string::npos);
  }
  {
    Json doc = Json::parse(R"({"port":70000})");
    JsonReader r(doc, "c");
    std::uint16_t port = 0;
    r.port("port", port);
    EXPECT_FALSE(r.finish().ok());
  }
}

TEST(JsonReader, NotAnObject) {
  Json doc = Json::parse("[1]");
  JsonReader r(doc, "config");
  EXPECT_FALSE(r.finish().ok());
}

TEST(ParseJson, ErrorNamesPosition) {
  auto r = parseJson("{\"a\":", "config");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("config is not valid JSON"), std::string::npos);
}

}  // namespace
}  // namespace spe
