// A job's action: spe-cli's argument forms and quoting, and the checks
// against the function registry (exists, instance-scoped, arguments).
#include "management/functions/job_action.h"

#include <gtest/gtest.h>

namespace spe::management {
namespace {

JobAction parsed(const std::string& text) {
  auto a = parseJobAction(text);
  EXPECT_TRUE(a.ok()) << text << ": " << (a ? "" : a.error().message);
  return a ? *a : JobAction{};
}

std::string refusal(const std::string& text) {
  auto a = parseJobAction(text);
  EXPECT_FALSE(a.ok()) << text;
  return a ? "" : a.error().message;
}

TEST(JobAction, ArgumentFormsOfSpeCli) {
  auto a = parsed("RunProfile --id=3");
  EXPECT_EQ(a.function, "RunProfile");
  EXPECT_EQ(a.args, (std::map<std::string, std::string>{{"id", "3"}}));
  a = parsed("  SetUserFullName --userName alice -fullName \"Alice \\\"Al\\\" Liddell\"  ");
  EXPECT_EQ(a.args, (std::map<std::string, std::string>{{"userName", "alice"}, {"fullName", "Alice \"Al\" Liddell"}}));
  a = parsed("SetUserFullName --userName='o''brien' --fullName=\"\"");
  EXPECT_EQ(a.args, (std::map<std::string, std::string>{{"userName", "obrien"}, {"fullName", ""}}));
  a = parsed("GetJobs");
  EXPECT_TRUE(a.args.empty());
  a = parsed("X --a=b=c");
  EXPECT_EQ(a.args.at("a"), "b=c");
}

TEST(JobAction, MalformedActionsAreRefusedNamingWhy) {
  EXPECT_NE(refusal("").find("empty"), std::string::npos);
  EXPECT_NE(refusal("Run-Profile").find("not a function name"), std::string::npos);
  EXPECT_NE(refusal("RunProfile id=3").find("not an argument"), std::string::npos);
  EXPECT_NE(refusal("RunProfile --id").find("no value"), std::string::npos);
  EXPECT_NE(refusal("RunProfile --id=1 --id=2").find("twice"), std::string::npos);
  EXPECT_NE(refusal("RunProfile --id=\"1").find("not closed"), std::string::npos);
  EXPECT_NE(refusal("RunProfile --id='1").find("not closed"), std::string::npos);
  EXPECT_NE(refusal("RunProfile --=1").find("names no argument"), std::string::npos);
  EXPECT_NE(refusal("RunProfile\n--id=1").find("one line"), std::string::npos);
  EXPECT_NE(refusal(std::string(4001, 'a')).find("4000"), std::string::npos);
  EXPECT_EQ(refusal("").rfind("'action': ", 0), 0u);
}

class JobActionRegistry : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ok = [](CallContext&) -> Result<Json> { return Json(); };
    registry.add({"RunProfile",
                  {ArgSpec{"instanceID", ArgType::kString}, ArgSpec{"id", ArgType::kNumber}},
                  ok,
                  true,
                  Scope::kInstance});
    registry.add({"VerifyStores",
                  {ArgSpec{"instanceID", ArgType::kString}, ArgSpec{"includeIndexes", ArgType::kBool, true}},
                  ok,
                  true,
                  Scope::kInstanceStoreOrIndex});
    registry.add({"StopInstances", {ArgSpec{"instanceFilter", ArgType::kString}}, ok, false, Scope::kSystem});
  }
  FunctionRegistry registry;
};

TEST_F(JobActionRegistry, ChecksTheFunctionAndItsArguments) {
  auto call = checkJobAction(registry, "RunProfile --id=3", "acme");
  ASSERT_TRUE(call.ok()) << call.error().message;
  EXPECT_EQ(*call, (Json{{"function", "RunProfile"}, {"args", {{"id", 3}}}}));
  call = checkJobAction(registry, "VerifyStores --includeIndexes=true", "acme");
  ASSERT_TRUE(call.ok()) << call.error().message;
  EXPECT_EQ((*call)["args"], (Json{{"includeIndexes", true}}));

  auto refused = [&](const std::string& text, const std::string& mentions) {
    auto r = checkJobAction(registry, text, "acme");
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(r.error().message.find(mentions), std::string::npos) << r.error().message;
  };
  refused("NoSuchFunction", "no function 'NoSuchFunction'");
  refused("StopInstances --instanceFilter=*", "not a function of an instance");
  refused("RunProfile", "RunProfile: ");
  refused("RunProfile --id=abc", "'id'");
  refused("RunProfile --id=1 --bogus=2", "bogus");
  refused("RunProfile --id=1 --instanceID=other", "instanceID");
}

}  // namespace
}  // namespace spe::management
