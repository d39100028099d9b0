#include "instancehost/instance/model/compliance.h"

#include <gtest/gtest.h>

#include "instancehost/instance/model/audit_events.h"

namespace spe::instance {
namespace {

Json seedExample() {
  return Json::parse(R"({"adminEmailPreviewEnabled": true, "legalHoldEnabled": false,
    "logSuccessfulUserActivities": ["AdminRestored", "ComplianceChangeSettings", "FileGroupAttach",
      "FileGroupCreate", "FileGroupDetach", "FileGroupRename", "FileGroupSetProperties",
      "FileGroupSetRequestedState", "ProfileChangeUserName", "UserAdd", "UserDelete", "UserRename",
      "UserSetFolderAccess", "UserSetMappings", "UserUpdate"]})");
}

TEST(ComplianceConfig, DefaultsLogEveryKnownEventWithHoldAndPreviewOff) {
  const auto d = ComplianceConfig::defaults();
  EXPECT_FALSE(d.legal_hold_enabled);
  EXPECT_FALSE(d.admin_email_preview_enabled);
  EXPECT_EQ(d.log_successful_user_activities.size(),
            audit_events::kProductEvents.size() + audit_events::kProjectEvents.size());
  EXPECT_TRUE(d.shouldLog("UserAdd", true));
  EXPECT_TRUE(d.shouldLog("LegalHoldRefused", true));
}

TEST(ComplianceConfig, ParsesTheSeedExample) {
  auto c = ComplianceConfig::parse(seedExample(), ComplianceConfig::defaults());
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_TRUE(c->admin_email_preview_enabled);
  EXPECT_FALSE(c->legal_hold_enabled);
  EXPECT_EQ(c->log_successful_user_activities.size(), 15u);
  EXPECT_TRUE(c->log_successful_user_activities.count("UserSetMappings"));
}

TEST(ComplianceConfig, ToJsonRoundTripsSorted) {
  auto c = ComplianceConfig::parse(seedExample(), ComplianceConfig::defaults());
  ASSERT_TRUE(c);
  const Json j = c->toJson();
  EXPECT_EQ(j.begin().key(), "legalHoldEnabled");
  EXPECT_EQ(j["logSuccessfulUserActivities"][0], "AdminRestored");
  EXPECT_EQ(j["logSuccessfulUserActivities"].back(), "UserUpdate");
  auto again = ComplianceConfig::parse(j, ComplianceConfig{});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->toJson(), j);
}

TEST(ComplianceConfig, AbsentOrNullKeysKeepTheBase) {
  ComplianceConfig base;
  base.legal_hold_enabled = true;
  base.log_successful_user_activities = {"UserAdd"};
  auto c = ComplianceConfig::parse(Json::parse(R"({"adminEmailPreviewEnabled": true,
    "logSuccessfulUserActivities": null})"),
                                   base);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_TRUE(c->legal_hold_enabled);
  EXPECT_TRUE(c->admin_email_preview_enabled);
  EXPECT_EQ(c->log_successful_user_activities, std::set<std::string>{"UserAdd"});
  auto empty = ComplianceConfig::parse(Json::object(), base);
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->toJson(), base.toJson());
}

TEST(ComplianceConfig, EmptyListLogsNoSuccessButEveryFailure) {
  auto c = ComplianceConfig::parse(Json::parse(R"({"logSuccessfulUserActivities": []})"), ComplianceConfig::defaults());
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->log_successful_user_activities.empty());
  EXPECT_FALSE(c->shouldLog("UserAdd", true));
  EXPECT_TRUE(c->shouldLog("UserAdd", false));
  EXPECT_TRUE(c->shouldLog("SomethingNew", true));  // unknown events are never dropped
}

TEST(ComplianceConfig, DuplicateNamesCountOnce) {
  auto c = ComplianceConfig::parse(Json::parse(R"({"logSuccessfulUserActivities": ["UserAdd", "UserAdd"]})"),
                                   ComplianceConfig{});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->log_successful_user_activities.size(), 1u);
}

void expectRefusedNaming(const char* json, const std::string& word) {
  auto c = ComplianceConfig::parse(Json::parse(json), ComplianceConfig::defaults());
  ASSERT_FALSE(c) << json;
  EXPECT_EQ(c.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(c.error().message.find(word), std::string::npos) << c.error().message;
}

TEST(ComplianceConfig, UnknownEventNameIsRefusedNamingIt) {
  expectRefusedNaming(R"({"logSuccessfulUserActivities": ["UserAdd", "UserFly"]})", "'UserFly'");
  // Names are case-sensitive, as the product spells them.
  expectRefusedNaming(R"({"logSuccessfulUserActivities": ["useradd"]})", "'useradd'");
  expectRefusedNaming(R"({"logSuccessfulUserActivities": [""]})", "''");
}

TEST(ComplianceConfig, WrongTypesAndUnknownKeysAreRefusedNamingTheKey) {
  expectRefusedNaming(R"({"legalHoldEnabled": "yes"})", "config.legalHoldEnabled");
  expectRefusedNaming(R"({"adminEmailPreviewEnabled": 1})", "config.adminEmailPreviewEnabled");
  expectRefusedNaming(R"({"logSuccessfulUserActivities": "UserAdd"})", "config.logSuccessfulUserActivities");
  expectRefusedNaming(R"({"logSuccessfulUserActivities": [1]})", "config.logSuccessfulUserActivities");
  expectRefusedNaming(R"({"globalRetentionTimeYears": 10})", "globalRetentionTimeYears");
  expectRefusedNaming(R"({"legalHoldEnable": true})", "legalHoldEnable");
  auto c = ComplianceConfig::parse(Json::array(), ComplianceConfig::defaults());
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("config"), std::string::npos);
}

TEST(ComplianceConfig, LegalHoldErrorNamesTheHold) {
  const Error e = legalHoldError("CompactStore of store 1");
  EXPECT_EQ(e.code, ErrorCode::kPermissionDenied);
  EXPECT_NE(e.message.find("CompactStore of store 1"), std::string::npos);
  EXPECT_NE(e.message.find("legal hold"), std::string::npos);
}

TEST(AuditEvents, CatalogueHasNoDuplicatesAndKnowsBothKinds) {
  std::set<std::string_view> all;
  for (auto e : audit_events::kProductEvents) EXPECT_TRUE(all.insert(e).second) << e;
  for (auto e : audit_events::kProjectEvents) EXPECT_TRUE(all.insert(e).second) << e;
  EXPECT_TRUE(audit_events::isProductEvent("ComplianceChangeSettings"));
  EXPECT_FALSE(audit_events::isProductEvent("AdminEmailPreview"));
  EXPECT_TRUE(audit_events::isKnownEvent("AdminEmailPreview"));
  EXPECT_FALSE(audit_events::isKnownEvent("Nope"));
}

}  // namespace
}  // namespace spe::instance
