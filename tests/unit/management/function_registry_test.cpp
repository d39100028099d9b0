#include "management/api/function_registry.h"

#include <gtest/gtest.h>

namespace spe::management {
namespace {

FunctionSpec spec() {
  return {"F",
          {{"name", ArgType::kString},
           {"count", ArgType::kNumber},
           {"on", ArgType::kBool},
           {"config", ArgType::kJson},
           {"opt", ArgType::kString, true}},
          [](CallContext&) -> Result<Json> { return Json(); }};
}

std::map<std::string, std::string> good() {
  return {{"name", "n"}, {"count", "12"}, {"on", "true"}, {"config", R"({"a":1})"}};
}

TEST(Validate, AcceptsTypedArguments) {
  auto args = FunctionRegistry::validate(spec(), good());
  ASSERT_TRUE(args.ok());
  EXPECT_EQ(args->str("name"), "n");
  EXPECT_EQ(args->num("count"), 12);
  EXPECT_TRUE(args->flag("on"));
  EXPECT_EQ(args->json("config")["a"], 1);
  EXPECT_FALSE(args->has("opt"));
}

TEST(Validate, MissingRequiredArgumentIsNamed) {
  auto f = good();
  f.erase("count");
  auto r = FunctionRegistry::validate(spec(), f);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("'count'"), std::string::npos);
}

TEST(Validate, UnknownArgumentIsNamed) {
  auto f = good();
  f["bogus"] = "1";
  auto r = FunctionRegistry::validate(spec(), f);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("'bogus'"), std::string::npos);
}

TEST(Validate, WrongTypes) {
  for (auto [name, value] : std::vector<std::pair<std::string, std::string>>{{"count", "twelve"},
                                                                             {"count", ""},
                                                                             {"count", "1e999"},
                                                                             {"count", "1.5"},
                                                                             {"count", "0"},
                                                                             {"count", "-1"},
                                                                             {"count", "2147483648"},
                                                                             {"count", "99999999999999999999"},
                                                                             {"count", " 1"},
                                                                             {"count", "0x10"},
                                                                             {"on", "yes"},
                                                                             {"on", "1"},
                                                                             {"on", ""},
                                                                             {"config", "{not json"}}) {
    auto f = good();
    f[name] = value;
    auto r = FunctionRegistry::validate(spec(), f);
    ASSERT_FALSE(r.ok()) << name << "=" << value;
    EXPECT_NE(r.error().message.find("'" + name + "'"), std::string::npos);
  }
}

TEST(Validate, NumbersAreWholeAndInTheDeclaredRange) {
  auto f = good();
  f["count"] = "1.5";
  auto r = FunctionRegistry::validate(spec(), f);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("from 1 to 2147483647"), std::string::npos) << r.error().message;
  f["count"] = "2147483647";
  EXPECT_EQ(FunctionRegistry::validate(spec(), f)->num("count"), 2147483647);
  FunctionSpec port{"P", {ArgSpec{"port", ArgType::kNumber}.range(1, 65535)}, nullptr};
  EXPECT_EQ(FunctionRegistry::validate(port, {{"port", "65535"}})->num("port"), 65535);
  for (const char* bad : {"0", "65536", "-1", "80.0", "4294967377"}) {
    auto p = FunctionRegistry::validate(port, {{"port", bad}});
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_NE(p.error().message.find("'port' must be a whole number from 1 to 65535"), std::string::npos);
  }
}

TEST(Validate, BooleansIgnoreCase) {
  for (const char* v : {"True", "TRUE", "true", "tRuE"}) {
    auto f = good();
    f["on"] = v;
    EXPECT_TRUE(FunctionRegistry::validate(spec(), f)->flag("on")) << v;
  }
  auto f = good();
  f["on"] = "False";
  EXPECT_FALSE(FunctionRegistry::validate(spec(), f)->flag("on", true));
}

TEST(Validate, StringsHaveAMaximumLength) {
  auto f = good();
  f["name"] = std::string(255, 'x');
  EXPECT_TRUE(FunctionRegistry::validate(spec(), f).ok());
  f["name"] = std::string(255, 'x') + "\xc3\xa4";  // 256 characters
  auto r = FunctionRegistry::validate(spec(), f);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("'name' may have at most 255 characters"), std::string::npos);
  f["name"] = std::string(250, 'x') + "\xc3\xa4";  // 251 characters, 252 bytes
  EXPECT_TRUE(FunctionRegistry::validate(spec(), f).ok());
}

TEST(Validate, OlderNamesAreAliases) {
  FunctionSpec s{"S", {ArgSpec{"databasePath", ArgType::kString}.alias("path")}, nullptr};
  auto r = FunctionRegistry::validate(s, {{"path", "/x"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->str("databasePath"), "/x");
  auto both = FunctionRegistry::validate(s, {{"path", "/x"}, {"databasePath", "/y"}});
  ASSERT_FALSE(both.ok());
  EXPECT_NE(both.error().message.find("'path'"), std::string::npos);
  auto missing = FunctionRegistry::validate(s, {});
  ASSERT_FALSE(missing.ok());
  auto m = FunctionRegistry::validate(s, {{"path", std::string(300, 'p')}});
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("'path' may have"), std::string::npos) << m.error().message;
}

TEST(Validate, EmptyOptionalArgumentIsAbsent) {
  auto f = good();
  f["opt"] = "";
  auto r = FunctionRegistry::validate(spec(), f);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has("opt"));
  FunctionSpec s{
      "S", {{"n", ArgType::kNumber, true}, {"b", ArgType::kBool, true}, {"j", ArgType::kJson, true}}, nullptr};
  auto e = FunctionRegistry::validate(s, {{"n", ""}, {"b", ""}, {"j", ""}});
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(e->has("n") || e->has("b") || e->has("j"));
  auto zero = FunctionRegistry::validate(s, {{"n", "0"}});
  EXPECT_FALSE(zero.ok());  // 0 is a value, checked against the range
}

TEST(ClampEchoedInput, NoMoreThan200CharactersOfInput) {
  const std::string big(5000, 'a');
  std::string m = clampEchoedInput("There is no instance '" + big + "'.", {{"instanceID", big}});
  EXPECT_LT(m.size(), 260u);
  EXPECT_NE(m.find(std::string(200, 'a') + "\u2026'"), std::string::npos) << m;
  m = clampEchoedInput("bad value " + big + " here", {{"x", big}});
  EXPECT_LT(m.size(), 260u);
  m = clampEchoedInput("inside json '" + big + "'", {{"config", "{\"a\":\"" + big + "\"}"}});
  EXPECT_LT(m.size(), 260u);
  EXPECT_EQ(clampEchoedInput("short 'x' stays", {{"a", "x"}}), "short 'x' stays");
}

TEST(Registry, MetadataListsRegisteredFunctionsOnly) {
  FunctionRegistry reg;
  reg.add(spec());
  Json m = reg.metadata();
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0]["name"], "F");
  EXPECT_EQ(m[0]["args"][4]["nullable"], true);
  EXPECT_EQ(m[0]["args"][3]["type"], "json");
}

TEST(Registry, KnowsTheProductsFunctions) {
  EXPECT_TRUE(FunctionRegistry::isKnownUnsupported("CreateInstance"));
  EXPECT_TRUE(FunctionRegistry::isKnownUnsupported("VerifyStores"));
  EXPECT_FALSE(FunctionRegistry::isKnownUnsupported("NoSuchFunction"));
}

}  // namespace
}  // namespace spe::management
