// Worker results keep their whole report, however many folders and warnings
// it lists (real embedded Firebird).
#include <gtest/gtest.h>

#include "instancehost/instance/model/master_db.h"
#include "instancehost/instance/model/profiles.h"
#include "test_dir.h"

namespace spe::instance {
namespace {

Json bigReport(int folders, int warnings) {
  Json report{{"archived", folders}, {"duplicates", 0}, {"skipped", 0}, {"failed", 0}};
  Json f = Json::object();
  for (int i = 0; i < folders; ++i) {
    f["Inbox/Projects/Folder with a long name number " + std::to_string(i)] = Json{
        {"archived", i}, {"duplicates", 0}, {"failed", 0}};
  }
  Json w = Json::array();
  for (int i = 0; i < warnings; ++i) w.push_back("message " + std::to_string(i) + ": no Date header");
  report["folders"] = f;
  report["warnings"] = w;
  report["errors"] = Json::array();
  return report;
}

TEST(WorkerResults, ReportOfManyFoldersAndWarningsIsKeptWhole) {
  testing::TempDir dir;
  ASSERT_TRUE(setFirebirdLockDirectory(dir / ".fblock").ok());
  auto db = InstanceMasterDb::open(dir / "MailStoreMaster.fdb");
  ASSERT_TRUE(db.ok()) << db.error().message << " " << db.error().details;
  WorkerResults results(**db);
  WorkerResult w;
  w.profile_name = "many folders";
  w.user_name = "admin";
  w.start_time = 1000;
  auto id = results.start(w);
  ASSERT_TRUE(id.ok()) << id.error().message << " " << id.error().details;
  w.id = *id;
  w.result = RunResult::kCompletedWithWarnings;
  w.complete_time = 1010;
  w.report = bigReport(400, 1000);  // about 68 KB: far beyond the old 8,000 bytes
  ASSERT_GT(dumpJson(w.report).size(), 60000u);
  auto st = results.finish(w);
  ASSERT_TRUE(st.ok()) << st.error().message << " " << st.error().details;

  auto got = results.get(*id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->report, w.report);
  EXPECT_EQ(got->report["folders"].size(), 400u);
  EXPECT_EQ(got->report["warnings"].size(), 1000u);
  // Lists leave the report out; get() has it.
  auto listed = results.range(0, 2000, std::nullopt, "");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->at(0).result, RunResult::kCompletedWithWarnings);
  EXPECT_EQ(listed->at(0).report, Json::object());
}

// A database made before reports became BLOBs (schema version 5, REPORT
// VARCHAR(8000)) keeps its reports through the migration.
TEST(WorkerResults, MigrationKeepsOldReports) {
  testing::TempDir dir;
  ASSERT_TRUE(setFirebirdLockDirectory(dir / ".fblock").ok());
  const std::string path = dir / "MailStoreMaster.fdb";
  {
    auto old = FirebirdDb::openOrCreate(path);
    ASSERT_TRUE(old.ok());
    ASSERT_TRUE((*old)->exec("CREATE TABLE SCHEMA_VERSION (VERSION INTEGER NOT NULL)").ok());
    ASSERT_TRUE((*old)->exec("INSERT INTO SCHEMA_VERSION (VERSION) VALUES (5)").ok());
    // The users' table of version 5 (later migrations add columns to it).
    ASSERT_TRUE((*old)
                    ->exec("CREATE TABLE USERS (USER_KEY VARCHAR(255) NOT NULL PRIMARY KEY, USER_NAME VARCHAR(255) "
                           "NOT NULL, MFA_STATUS VARCHAR(32) NOT NULL)")
                    .ok());
    ASSERT_TRUE((*old)
                    ->exec("CREATE TABLE WORKER_RESULTS (ID BIGINT NOT NULL PRIMARY KEY, PROFILE_ID BIGINT, "
                           "PROFILE_NAME VARCHAR(255), USER_NAME VARCHAR(255), RESULT VARCHAR(32) NOT NULL, "
                           "ITEMS_ARCHIVED BIGINT DEFAULT 0 NOT NULL, START_TIME BIGINT NOT NULL, COMPLETE_TIME "
                           "BIGINT, MACHINE_NAME VARCHAR(255), REPORT VARCHAR(8000))")
                    .ok());
    ASSERT_TRUE((*old)
                    ->exec("INSERT INTO WORKER_RESULTS (ID, PROFILE_NAME, USER_NAME, RESULT, START_TIME, REPORT) "
                           "VALUES (1, 'p', 'admin', 'succeeded', 5, ?)",
                           {std::string(R"({"archived":3,"folders":{"Inbox":{"archived":3}}})")})
                    .ok());
  }
  auto db = InstanceMasterDb::open(path);
  ASSERT_TRUE(db.ok()) << db.error().message << " " << db.error().details;
  WorkerResults results(**db);
  auto got = results.get(1);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->report["archived"], 3);
  EXPECT_EQ(got->report["folders"]["Inbox"]["archived"], 3);
  // And the migrated column takes a long report.
  WorkerResult w = *got;
  w.report = bigReport(300, 0);
  ASSERT_TRUE(results.finish(w).ok());
  EXPECT_EQ(results.get(1)->report, w.report);
}

}  // namespace
}  // namespace spe::instance

namespace spe::instance {
namespace {

// The entries beyond a report's lists: kept in order, per kind and result,
// read page by page; bytes that are not UTF-8 come back as U+FFFD.
TEST(WorkerResults, EntriesBeyondTheReportAreKeptAndReadInPages) {
  testing::TempDir dir;
  ASSERT_TRUE(setFirebirdLockDirectory(dir / ".fblock").ok());
  auto db = InstanceMasterDb::open(dir / "MailStoreMaster.fdb");
  ASSERT_TRUE(db.ok()) << db.error().message;
  WorkerResults results(**db);
  WorkerResult w;
  w.profile_name = "noisy";
  w.start_time = 1000;
  auto a = results.start(w);
  auto b = results.start(w);
  ASSERT_TRUE(a.ok() && b.ok());
  std::vector<std::string> first, second;
  for (int i = 0; i < 1000; ++i) first.push_back("warning " + std::to_string(50000 + i));
  for (int i = 0; i < 500; ++i) second.push_back("warning " + std::to_string(51000 + i));
  ASSERT_TRUE(results.appendEntries(*a, "warnings", 50000, first).ok());
  ASSERT_TRUE(results.appendEntries(*a, "warnings", 51000, second).ok());
  ASSERT_TRUE(results.appendEntries(*a, "errors", 50000, {"bad \xff byte"}).ok());
  ASSERT_TRUE(results.appendEntries(*b, "warnings", 50000, {"other run"}).ok());
  auto page = results.entries(*a, "warnings", 50990, 20);
  ASSERT_TRUE(page.ok()) << page.error().message;
  ASSERT_EQ(page->size(), 20u);
  EXPECT_EQ(page->front(), "warning 50990");
  EXPECT_EQ(page->back(), "warning 51009");
  auto tail = results.entries(*a, "warnings", 51490, 100);
  ASSERT_TRUE(tail.ok());
  EXPECT_EQ(tail->size(), 10u);
  auto errors = results.entries(*a, "errors", 0, 100);
  ASSERT_TRUE(errors.ok());
  ASSERT_EQ(errors->size(), 1u);
  EXPECT_EQ(errors->front(), "bad \xEF\xBF\xBD byte");
  auto other = results.entries(*b, "warnings", 0, 100);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(*other, std::vector<std::string>{"other run"});
}

// A deleted profile's id is never given again: its worker results (and a
// job naming it) must not pass to a new profile.
TEST(ProfileStore, IdsAreNeverGivenTwice) {
  testing::TempDir dir;
  ASSERT_TRUE(setFirebirdLockDirectory(dir / ".fblock").ok());
  auto db = InstanceMasterDb::open(dir / "MailStoreMaster.fdb");
  ASSERT_TRUE(db.ok()) << db.error().message << " " << db.error().details;
  ProfileStore profiles(**db, Key256{});
  Profile p;
  p.name = "first";
  p.owner = "admin";
  p.connector = "emlDirectory";
  auto first = profiles.create(p);
  ASSERT_TRUE(first.ok()) << first.error().message;
  auto second = profiles.create(p);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, *first + 1);
  ASSERT_TRUE(profiles.remove(*second).ok());
  auto third = profiles.create(p);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(*third, *second + 1);  // not *second again
  // A database from before the counter: the ids its worker results name count.
  WorkerResults results(**db);
  WorkerResult w;
  w.profile_id = 40;
  w.profile_name = "gone";
  w.user_name = "admin";
  w.start_time = 1000;
  ASSERT_TRUE(results.start(w).ok());
  ASSERT_TRUE((*db)->setSetting("LastProfileId", Json()).ok());
  auto fourth = profiles.create(p);
  ASSERT_TRUE(fourth.ok());
  EXPECT_EQ(*fourth, 41);
}

}  // namespace
}  // namespace spe::instance
