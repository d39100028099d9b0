#include "management/api/function_registry.h"

#include <gtest/gtest.h>

namespace spe::management {
namespace {

FunctionSpec spec() {
  return {"F",
          {{"name", ArgType::kString}, {"count", ArgType::kNumber}, {"on", ArgType::kBool},
           {"config", ArgType::kJson}, {"opt", ArgType::kString, true}},
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
  for (auto [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"count", "twelve"}, {"count", ""}, {"count", "1e999"}, {"on", "True"}, {"on", "1"},
           {"config", "{not json"}}) {
    auto f = good();
    f[name] = value;
    auto r = FunctionRegistry::validate(spec(), f);
    ASSERT_FALSE(r.ok()) << name << "=" << value;
    EXPECT_NE(r.error().message.find("'" + name + "'"), std::string::npos);
  }
}

TEST(Validate, DecimalNumbersAccepted) {
  auto f = good();
  f["count"] = "1.5";
  ASSERT_TRUE(FunctionRegistry::validate(spec(), f).ok());
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
