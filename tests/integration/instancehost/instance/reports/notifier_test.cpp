// The notifier (real embedded Firebird for its settings and the time of its
// last look, a fake clock, the instance's functions and the mail faked):
// one mail per kind of event, at most one per kind per 15 minutes with the
// events of the meantime batched, kinds switched off, nothing kept without
// SMTP settings, stores reported when they go to error, and no event
// reported twice across a restart.
#include "instancehost/instance/reports/notifier.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "common/base/text.h"
#include "fake_clock.h"
#include "test_dir.h"

namespace spe::instance {
namespace {

struct Mail {
  std::string subject, text;
};

class NotifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(setFirebirdLockDirectory("/tmp/spe-fblock-" + std::to_string(::getpid())).ok());
    auto opened = InstanceMasterDb::open(dir / "MailStoreMaster.fdb");
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    db = std::move(*opened);
    stores = Json::array({{{"id", 1}, {"name", "2026"}, {"error", nullptr}, {"searchIndexesNeedRebuild", false}}});
    notifier = make();
  }
  std::unique_ptr<Notifier> make() {
    auto call = [this](const std::string& fn, const Json&) -> Result<Json> {
      if (fn == "GetWorkerResults") return runs;
      if (fn == "GetStores") return stores;
      if (fn == "GetJobResults") return jobs_supported ? Result<Json>(jobs) : makeError(ErrorCode::kNotSupported, "");
      return makeError(ErrorCode::kNotSupported, fn);
    };
    auto send = [this](const std::string& subject, const std::string& text) -> Status {
      if (!smtp) return makeError(ErrorCode::kNotFound, "no SMTP settings");
      mails.push_back({subject, text});
      return okStatus();
    };
    return std::make_unique<Notifier>(
        clock, *db, call, send, [](std::function<void()> f) { f(); }, "acme");
  }
  std::string now() {
    const auto t = std::chrono::duration_cast<std::chrono::seconds>(clock.systemNow().time_since_epoch()).count();
    return utcText(t).substr(0, 19) + "+00:00";
  }
  void endRun(int id, const std::string& profile, const std::string& result) {
    runs.push_back(
        {{"id", id}, {"profileName", profile}, {"userName", "alice"}, {"result", result}, {"completeTime", now()}});
  }
  void later(std::chrono::minutes m) { clock.advance(m); }

  testing::TempDir dir;
  spe::testing::FakeClock clock;
  std::unique_ptr<InstanceMasterDb> db;
  Json runs = Json::array(), jobs = Json::array(), stores;
  bool jobs_supported = true, smtp = true;
  std::vector<Mail> mails;
  std::unique_ptr<Notifier> notifier;
};

TEST_F(NotifierTest, OneMailPerKindListingItsEvents) {
  later(std::chrono::minutes(1));
  endRun(1, "Mailbox", "failed");
  endRun(2, "Mailbox", "completedWithWarnings");
  endRun(3, "PST", "succeeded");
  jobs.push_back({{"action", "RunProfile"}, {"result", "failed"}, {"startTime", now()}, {"completeTime", now()}});
  later(std::chrono::minutes(1));
  notifier->sweep();
  ASSERT_EQ(mails.size(), 3u);
  std::string all;
  for (const auto& m : mails) all += m.subject + "\n" + m.text;
  EXPECT_NE(all.find("[acme] archiving failed (1)"), std::string::npos) << all;
  EXPECT_NE(all.find("archiving completed with warnings (1)"), std::string::npos);
  EXPECT_NE(all.find("a job did not succeed (1)"), std::string::npos);
  EXPECT_EQ(all.find("PST"), std::string::npos) << "a run that succeeded is no news";
  mails.clear();
  notifier->sweep();
  EXPECT_TRUE(mails.empty()) << "nothing new";
}

TEST_F(NotifierTest, AtMostOneMailPerKindEveryFifteenMinutes) {
  later(std::chrono::minutes(1));
  endRun(1, "A", "failed");
  later(std::chrono::minutes(1));
  notifier->sweep();
  ASSERT_EQ(mails.size(), 1u);
  for (int i = 2; i <= 4; ++i) {  // three more failures within the next 12 minutes
    endRun(i, "P" + std::to_string(i), "failed");
    later(std::chrono::minutes(4));
    notifier->sweep();
  }
  ASSERT_EQ(mails.size(), 1u) << "batched";
  later(std::chrono::minutes(5));
  notifier->sweep();
  ASSERT_EQ(mails.size(), 2u);
  EXPECT_NE(mails[1].subject.find("(3)"), std::string::npos) << mails[1].subject;
  for (const char* p : {"P2", "P3", "P4"}) EXPECT_NE(mails[1].text.find(p), std::string::npos) << p;
}

TEST_F(NotifierTest, KindsSwitchedOffSendNothing) {
  ASSERT_TRUE(db->setSetting(kNotificationSettingsKey, Json{{"archivingFailed", false}}).ok());
  later(std::chrono::minutes(1));
  endRun(1, "A", "failed");
  endRun(2, "B", "completedWithWarnings");
  later(std::chrono::minutes(1));
  notifier->sweep();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_NE(mails[0].subject.find("warnings"), std::string::npos);
}

TEST_F(NotifierTest, WithoutSmtpSettingsNothingIsKeptForLater) {
  smtp = false;
  later(std::chrono::minutes(1));
  endRun(1, "A", "failed");
  later(std::chrono::minutes(1));
  notifier->sweep();
  smtp = true;
  later(std::chrono::minutes(20));
  notifier->sweep();
  EXPECT_TRUE(mails.empty());
}

TEST_F(NotifierTest, StoresAreReportedWhenTheyGoToErrorAndOnceAtStart) {
  stores[0]["error"] = "The folder is not readable.";
  notifier->sweep();
  ASSERT_EQ(mails.size(), 1u) << "in error at start: once";
  EXPECT_NE(mails[0].text.find("The folder is not readable."), std::string::npos);
  later(std::chrono::minutes(20));
  notifier->sweep();
  EXPECT_EQ(mails.size(), 1u) << "still the same error";
  stores[0]["error"] = nullptr;
  stores[0]["searchIndexesNeedRebuild"] = true;
  later(std::chrono::minutes(20));
  notifier->sweep();
  ASSERT_EQ(mails.size(), 2u);
  EXPECT_NE(mails[1].subject.find("search index"), std::string::npos);
  stores[0]["error"] = "Again.";
  later(std::chrono::minutes(20));
  notifier->sweep();
  EXPECT_EQ(mails.size(), 3u) << "a new error";
}

TEST_F(NotifierTest, ARestartNeitherRepeatsNorLosesEvents) {
  later(std::chrono::minutes(1));
  endRun(1, "A", "failed");
  later(std::chrono::minutes(1));
  notifier->sweep();
  ASSERT_EQ(mails.size(), 1u);
  notifier.reset();
  later(std::chrono::minutes(30));  // stopped meanwhile; a run ended while stopped
  endRun(2, "WhileStopped", "failed");
  later(std::chrono::minutes(1));
  notifier = make();
  notifier->sweep();
  ASSERT_EQ(mails.size(), 2u);
  EXPECT_EQ(mails[1].text.find("'A'"), std::string::npos) << "not repeated";
  EXPECT_NE(mails[1].text.find("WhileStopped"), std::string::npos) << "not lost";
}

TEST_F(NotifierTest, TheTimerSweepsEveryFiveMinutes) {
  notifier->start();
  later(std::chrono::minutes(1));
  endRun(1, "A", "failed");
  later(std::chrono::minutes(3));
  EXPECT_TRUE(mails.empty());
  later(std::chrono::minutes(1));
  EXPECT_EQ(mails.size(), 1u);
}

TEST_F(NotifierTest, TheSweepIntervalCanBeShorter) {  // notificationSweepSeconds of instancehost.json
  notifier = std::make_unique<Notifier>(
      clock, *db,
      [this](const std::string& fn, const Json&) -> Result<Json> {
        if (fn == "GetWorkerResults") return runs;
        if (fn == "GetStores") return stores;
        return jobs;
      },
      [this](const std::string& subject, const std::string& text) -> Status {
        mails.push_back({subject, text});
        return okStatus();
      },
      [](std::function<void()> f) { f(); }, "acme", std::chrono::seconds(2));
  notifier->start();
  clock.advance(std::chrono::seconds(1));
  endRun(1, "A", "failed");
  EXPECT_TRUE(mails.empty());
  clock.advance(std::chrono::seconds(1));
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_NE(mails[0].text.find("Profile 'A'"), std::string::npos) << mails[0].text;
}

TEST(NotificationSettings, KeysAreCheckedByName) {
  auto ok = NotificationSettings::fromJson(Json{{"jobFailed", false}}, NotificationSettings{});
  ASSERT_TRUE(ok.ok());
  EXPECT_FALSE(ok->enabled.at(NotificationKind::kJobFailed));
  EXPECT_TRUE(ok->enabled.at(NotificationKind::kStoreError));
  EXPECT_EQ(ok->toJson()["jobFailed"], false);
  auto unknown = NotificationSettings::fromJson(Json{{"everything", true}}, NotificationSettings{});
  EXPECT_NE(unknown.error().message.find("'settings.everything'"), std::string::npos);
  auto typed = NotificationSettings::fromJson(Json{{"storeError", "yes"}}, NotificationSettings{});
  EXPECT_NE(typed.error().message.find("'settings.storeError'"), std::string::npos);
  EXPECT_FALSE(NotificationSettings::fromJson(Json::array(), NotificationSettings{}).ok());
}

}  // namespace
}  // namespace spe::instance
