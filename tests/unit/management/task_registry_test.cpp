#include "management/api/task_registry.h"

#include <gtest/gtest.h>

namespace spe::management {
namespace {

TEST(Task, VersionsAndWaiters) {
  TaskRegistry reg;
  auto t = reg.create("admin");
  EXPECT_EQ(t->snapshot().status_version, 1);
  int woken = 0;
  t->addWaiter(1, [&] { ++woken; });
  t->update(40, "working");
  EXPECT_EQ(woken, 1);
  EXPECT_EQ(t->snapshot().status_version, 2);
  EXPECT_EQ(t->snapshot().percent, 40);
  // A waiter with an old version is woken at once.
  t->addWaiter(1, [&] { ++woken; });
  EXPECT_EQ(woken, 2);
  t->finish(Json{{"x", 1}});
  auto s = t->snapshot();
  EXPECT_EQ(s.state, TaskState::kSucceeded);
  EXPECT_EQ(s.percent, 100);
  EXPECT_EQ(reg.find(s.token), t);
  EXPECT_EQ(reg.find("nope"), nullptr);
}

TEST(Task, CancelIsCooperative) {
  TaskRegistry reg;
  auto t = reg.create("admin");
  EXPECT_FALSE(t->cancelled());
  t->requestCancel();
  EXPECT_TRUE(t->cancelled());
  EXPECT_EQ(t->snapshot().state, TaskState::kRunning);
  t->finish(makeError(ErrorCode::kCancelled, "Cancelled by the user."));
  EXPECT_EQ(t->snapshot().state, TaskState::kFailed);
}

// Every cancelled function ends with the same first sentence (docs/api.md).
TEST(Task, CancelledErrorsBeginAlike) {
  TaskRegistry reg;
  for (const auto& [said, shown] : std::vector<std::pair<std::string, std::string>>{
           {"Cancelled.", "The operation was cancelled."},
           {"", "The operation was cancelled."},
           {"The operation was cancelled.", "The operation was cancelled."},
           {"3 of 9 instances were started before.",
            "The operation was cancelled. 3 of 9 instances were started before."}}) {
    auto t = reg.create("admin");
    t->finish(makeError(ErrorCode::kCancelled, said));
    EXPECT_EQ(t->snapshot().error->message, shown);
  }
  auto other = reg.create("admin");
  other->finish(makeError(ErrorCode::kIo, "Cancelled."));
  EXPECT_EQ(other->snapshot().error->message, "Cancelled.");  // only kCancelled is rewritten
}

TEST(Envelope, HasEightFieldsInOrderAndBom) {
  Json env = succeededEnvelope(Json{{"a", 1}});
  std::vector<std::string> keys;
  for (auto& [k, v] : env.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"error", "token", "statusVersion", "statusCode", "percentProgress",
                                            "statusText", "result", "logOutput"}));
  EXPECT_EQ(env["statusVersion"], 2);
  EXPECT_TRUE(env["percentProgress"].is_null());
  const std::string body = envelopeBody(env);
  EXPECT_EQ(body.substr(0, 3), "\xEF\xBB\xBF");
  Json failed = failedEnvelope(makeError(ErrorCode::kInvalidArgument, "bad", "why"));
  EXPECT_EQ(failed["statusCode"], "failed");
  EXPECT_EQ(failed["error"]["message"], "bad");
  EXPECT_EQ(failed["error"]["details"], "why");
}

// The state is an enum inside; the envelope spells it as the spec does.
TEST(Envelope, SpellsEachStateAsTheSpecDoes) {
  TaskRegistry reg;
  auto t = reg.create("admin");
  EXPECT_EQ(envelopeFor(t->snapshot(), true)["statusCode"], "running");
  EXPECT_EQ(succeededEnvelope(Json())["statusCode"], "succeeded");
  EXPECT_STREQ(taskStateName(TaskState::kRunning), "running");
  EXPECT_STREQ(taskStateName(TaskState::kSucceeded), "succeeded");
  EXPECT_STREQ(taskStateName(TaskState::kFailed), "failed");
}

// A result kept as JSON text (GetInstances) reads back as the same envelope
// a Json result makes, also when other fields hold the text "result":null.
TEST(Envelope, EmbedsARawResultWhereTheResultGoes) {
  const Json result = Json::array({Json{{"instanceID", "a"}, {"note", "\"result\":null"}}, Json{{"n", 2}}});
  Task with_json("", "admin");
  with_json.log("\"result\":null in the log");
  with_json.finish(result);
  Task with_text("", "admin");
  with_text.log("\"result\":null in the log");
  with_text.finish(Json(), std::make_shared<const std::string>(result.dump()));
  const std::string expected = envelopeBody(with_json.snapshot(), false);
  const std::string got = envelopeBody(with_text.snapshot(), false);
  EXPECT_EQ(got, expected);
  ASSERT_EQ(got.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_EQ(Json::parse(got.substr(3))["result"], result);
  // Without a raw result the text is the envelope of the Json result.
  EXPECT_EQ(envelopeBody(with_json.snapshot(), true), envelopeBody(envelopeFor(with_json.snapshot(), true)));
}

}  // namespace
}  // namespace spe::management
