#include "common/base/json_reader.h"

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
TEST(JsonDepth, DeepDocumentsAreRefusedBeforeParsing) {
  const std::string deep = std::string(50000, '[') + std::string(50000, ']');
  auto parsed = parseJson(deep, "argument");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().message.find("deeper than 64 levels"), std::string::npos);
  EXPECT_FALSE(tryParseJson(deep).has_value());
  std::string objects;
  for (int i = 0; i < 65; ++i) objects += "{\"a\":";
  objects += "1" + std::string(65, '}');
  EXPECT_FALSE(parseJson(objects, "x").ok());
  // 64 levels are fine; brackets inside strings (and escaped quotes) do not count.
  EXPECT_TRUE(parseJson(std::string(64, '[') + std::string(64, ']'), "x").ok());
  EXPECT_TRUE(
      parseJson(R"(["\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["])", "x").ok());
  EXPECT_FALSE(checkJsonDepth(std::string(65, '['), "x").ok());
  // Numbers beyond a double's range are an error, not an exception (found by json_fuzz).
  EXPECT_FALSE(parseJson(R"({"a":1e400})", "x").ok());
  EXPECT_FALSE(tryParseJson(R"([-1e400])").has_value());  // not even valid JSON: refused by depth first
}

TEST(JsonFields, WrongTypesAreNamedAndNeverThrow) {
  const Json doc = Json::parse(R"({"s":"text","n":7,"big":18446744073709551615,"neg":-3,"f":1.5,"b":true,"z":null,
                                 "arr":[],"obj":{}})");
  EXPECT_EQ(stringField(doc, "s").value(), "text");
  EXPECT_EQ(stringField(doc, "absent", "dflt").value(), "dflt");
  EXPECT_EQ(stringField(doc, "z", "dflt").value(), "dflt");  // null is absent
  for (const char* key : {"n", "big", "f", "b", "arr", "obj"}) {
    auto r = stringField(doc, key);
    ASSERT_FALSE(r.ok()) << key;
    EXPECT_EQ(r.error().message, "'" + std::string(key) + "' must be a string.");
  }
  EXPECT_FALSE(stringField(doc, "s", {}, 3).ok());
  EXPECT_EQ(intField(doc, "n", 0, 0, 10).value(), 7);
  EXPECT_EQ(intField(doc, "neg", 0, -5, 10).value(), -3);
  for (const char* key : {"s", "big", "f", "b", "arr", "obj", "neg"}) {
    auto r = intField(doc, key, 0, 0, 100);
    ASSERT_FALSE(r.ok()) << key;
    EXPECT_EQ(r.error().message, "'" + std::string(key) + "' must be a whole number from 0 to 100.");
  }
  EXPECT_FALSE(intField(doc, "n", 0, 8, 10).ok());
  EXPECT_EQ(boolField(doc, "b", false).value(), true);
  EXPECT_FALSE(boolField(doc, "s", false).ok());
  EXPECT_EQ(stringOf(doc, "n"), std::nullopt);
  EXPECT_EQ(stringOf(Json::array(), "s"), std::nullopt);
  EXPECT_EQ(stringField(Json("x"), "s", "d").value(), "d");  // not an object: nothing in it
}

TEST(JsonReader, UnsignedBeyondTheRangeIsRefused) {
  Json doc = Json::parse(R"({"port":18446744073709551615,"n":9223372036854775808})");
  JsonReader r(doc, "config");
  std::uint16_t port = 1;
  std::int64_t n = 0;
  r.port("port", port);
  EXPECT_FALSE(r.finish().ok());
  JsonReader r2(doc, "config");
  r2.port("port", port);  // read, so finish() does not stop at an unknown key first
  r2.integer("n", n);
  auto st = r2.finish();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("config.port"), std::string::npos);
}

}  // namespace spe
