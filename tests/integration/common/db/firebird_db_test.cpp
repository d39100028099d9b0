#include "common/db/firebird_db.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "common/base/fork_gate.h"
#include "management/management_db.h"
#include "test_dir.h"

namespace spe {
namespace {

TEST(FirebirdDb, CreateInsertQueryReopen) {
  testing::TempDir dir;
  ASSERT_TRUE(setFirebirdLockDirectory(dir / ".fblock").ok());
  const std::string path = dir / "t.fdb";
  {
    auto db = FirebirdDb::openOrCreate(path);
    ASSERT_TRUE(db.ok()) << db.error().message << " " << db.error().details;
    ASSERT_TRUE((*db)->exec("CREATE TABLE T (ID BIGINT NOT NULL PRIMARY KEY, NAME VARCHAR(100), N INTEGER)").ok());
    ASSERT_TRUE(
        (*db)
            ->exec("INSERT INTO T VALUES (?, ?, ?)", {std::int64_t{1}, std::string("J\xC3\xBCrgen"), std::int64_t{7}})
            .ok());
    ASSERT_TRUE((*db)->exec("INSERT INTO T VALUES (?, ?, ?)", {std::int64_t{2}, DbValue(), DbValue()}).ok());
    auto dup = (*db)->exec("INSERT INTO T VALUES (?, ?, ?)", {std::int64_t{1}, std::string("x"), DbValue()});
    ASSERT_FALSE(dup.ok());
    EXPECT_EQ(dup.error().code, ErrorCode::kDatabase);
    EXPECT_NE(dup.error().details.find("PRIMARY"), std::string::npos) << dup.error().details;
  }
  auto db = FirebirdDb::openOrCreate(path);
  ASSERT_TRUE(db.ok());
  auto rows = (*db)->query("SELECT ID, NAME, N FROM T ORDER BY ID");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ(dbInt((*rows)[0][0]), 1);
  EXPECT_EQ(dbStr((*rows)[0][1]), "J\xC3\xBCrgen");
  EXPECT_EQ(dbInt((*rows)[0][2]), 7);
  EXPECT_TRUE(dbIsNull((*rows)[1][1]));
}

TEST(FirebirdDb, BackupAndRestoreCycleKeepsEverything) {
  testing::TempDir dir;
  ASSERT_TRUE(setFirebirdLockDirectory(dir / ".fblock").ok());
  auto db = FirebirdDb::openOrCreate(dir / "m.fdb");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->exec("CREATE TABLE T (ID BIGINT NOT NULL PRIMARY KEY, NAME VARCHAR(100))").ok());
  for (std::int64_t i = 0; i < 500; ++i) {
    ASSERT_TRUE((*db)->exec("INSERT INTO T VALUES (?, ?)", {i, "row " + std::to_string(i)}).ok());
  }
  ASSERT_TRUE((*db)->exec("DELETE FROM T WHERE ID >= 250").ok());
  auto st = (*db)->backupAndRestore();
  ASSERT_TRUE(st.ok()) << st.error().message << " " << st.error().details;
  auto rows = (*db)->query("SELECT COUNT(*), MAX(NAME) FROM T");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(dbInt((*rows)[0][0]), 250);
  EXPECT_TRUE((*db)->exec("INSERT INTO T VALUES (?, ?)", {std::int64_t{1000}, std::string("after")}).ok());
  EXPECT_FALSE(std::filesystem::exists(dir / "m.fdb.old"));
  EXPECT_FALSE(std::filesystem::exists(dir / "m.fdb.fbk"));
}

// Text of any length in a BLOB SUB_TYPE TEXT column: written and read whole
// (several segments), empty and null distinct, in and out of transactions.
TEST(FirebirdDb, TextBlobsKeepTextOfAnyLength) {
  testing::TempDir dir;
  ASSERT_TRUE(setFirebirdLockDirectory(dir / ".fblock").ok());
  auto db = FirebirdDb::openOrCreate(dir / "b.fdb");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->exec("CREATE TABLE B (ID BIGINT NOT NULL PRIMARY KEY, TXT BLOB SUB_TYPE TEXT)").ok());
  std::string big;
  for (int i = 0; big.size() < 200000; ++i) big += "folder " + std::to_string(i) + " \xC3\xA4\xE2\x82\xAC\n";
  ASSERT_TRUE((*db)->exec("INSERT INTO B VALUES (?, ?)", {std::int64_t{1}, big}).ok());
  ASSERT_TRUE((*db)->exec("INSERT INTO B VALUES (?, ?)", {std::int64_t{2}, std::string()}).ok());
  ASSERT_TRUE((*db)->exec("INSERT INTO B VALUES (?, ?)", {std::int64_t{3}, DbValue()}).ok());
  const std::string exact(32768, 'x');  // exactly one segment
  ASSERT_TRUE((*db)->exec("INSERT INTO B VALUES (?, ?)", {std::int64_t{4}, exact}).ok());
  {
    auto tx = (*db)->begin();
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE((*tx)->exec("UPDATE B SET TXT = ? WHERE ID = ?", {big + "end", std::int64_t{2}}).ok());
    ASSERT_TRUE((*tx)->commit().ok());
  }
  auto rows = (*db)->query("SELECT ID, TXT FROM B ORDER BY ID");
  ASSERT_TRUE(rows.ok()) << rows.error().message << " " << rows.error().details;
  ASSERT_EQ(rows->size(), 4u);
  EXPECT_EQ(dbStr((*rows)[0][1]), big);
  EXPECT_EQ(dbStr((*rows)[1][1]), big + "end");
  EXPECT_TRUE(dbIsNull((*rows)[2][1]));
  EXPECT_EQ(dbStr((*rows)[3][1]), exact);
  auto one = (*db)->query("SELECT TXT FROM B WHERE ID = ?", {std::int64_t{1}});
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(dbStr(one->at(0)[0]).size(), big.size());
}

TEST(FirebirdDb, UncommittedTransactionRollsBack) {
  testing::TempDir dir;
  ASSERT_TRUE(setFirebirdLockDirectory(dir / ".fblock").ok());
  auto db = FirebirdDb::openOrCreate(dir / "t.fdb");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->exec("CREATE TABLE T (ID BIGINT)").ok());
  {
    auto tx = (*db)->begin();
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE((*tx)->exec("INSERT INTO T VALUES (1)").ok());
  }
  EXPECT_EQ(dbInt((*db)->query("SELECT COUNT(*) FROM T")->at(0)[0]), 0);
}

TEST(FirebirdDb, SyntaxErrorIsReported) {
  testing::TempDir dir;
  ASSERT_TRUE(setFirebirdLockDirectory(dir / ".fblock").ok());
  auto db = FirebirdDb::openOrCreate(dir / "t.fdb");
  ASSERT_TRUE(db.ok());
  auto r = (*db)->query("SELEKT 1 FROM RDB$DATABASE");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().details.find("Token unknown"), std::string::npos) << r.error().details;
}

TEST(FirebirdDb, GarbageFileIsRefused) {
  testing::TempDir dir;
  ASSERT_TRUE(setFirebirdLockDirectory(dir / ".fblock").ok());
  {
    std::ofstream out(dir / "bad.fdb");
    out << std::string(40000, 'x');
  }
  auto db = FirebirdDb::openOrCreate(dir / "bad.fdb");
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code, ErrorCode::kDatabase);
}

// A child between fork and exec holds a copy of the descriptor Firebird
// flocked; closing and opening the database again in that window failed
// with "Database already opened with engine instance, incompatible with
// current" (a CreateStore did, once, on a loaded CI machine). Opening waits
// for children started under ForkGate::Starting to let go.
TEST(FirebirdDb, OpeningWaitsForAChildHoldingItsDescriptors) {
  testing::TempDir dir;
  ASSERT_TRUE(setFirebirdLockDirectory(dir / ".fblock").ok());
  const std::string path = dir / "f.fdb";
  auto db = FirebirdDb::openOrCreate(path);
  ASSERT_TRUE(db.ok());
  int told[2];
  ASSERT_EQ(::pipe2(told, O_CLOEXEC), 0);
  std::promise<void> forked;
  std::thread starter([&] {
    ForkGate::Starting starting;
    const pid_t pid = ::fork();
    if (pid == 0) {
      // Like a child before its exec: it keeps every descriptor, here until
      // the parent has opened the database again (without the gate) or for
      // a second (with it, the open waits for this child).
      ::close(told[1]);
      pollfd p{told[0], POLLIN, 0};
      ::poll(&p, 1, 1000);
      ::_exit(0);
    }
    forked.set_value();
    int status = 0;
    while (pid > 0 && ::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  });
  forked.get_future().wait();
  db->reset();  // closes this process's descriptor; the child's copy keeps the lock
  auto again = FirebirdDb::openOrCreate(path);
  ::close(told[1]);
  starter.join();
  ::close(told[0]);
  ASSERT_TRUE(again.ok()) << again.error().message << " " << again.error().details;
  EXPECT_TRUE((*again)->query("SELECT 1 FROM RDB$DATABASE").ok());
}

TEST(ManagementDb, MigratesOnceAndKeepsData) {
  testing::TempDir dir;
  ASSERT_TRUE(setFirebirdLockDirectory(dir / ".fblock").ok());
  {
    auto db = management::ManagementDb::open(dir / "management.fdb");
    ASSERT_TRUE(db.ok()) << db.error().message << db.error().details;
    EXPECT_EQ((*db)->schemaVersion(), management::ManagementDb::kSchemaVersion);
    ASSERT_TRUE(
        (*db)
            ->insertAdmin({"Admin", "A", "a@example.com", "hash", "", "Disabled", "", std::nullopt, std::nullopt})
            .ok());
    ASSERT_TRUE((*db)->setSetting("k", Json{{"v", 1}}).ok());
    ASSERT_TRUE((*db)->setSetting("k", Json{{"v", 2}}).ok());
  }
  auto db = management::ManagementDb::open(dir / "management.fdb");
  ASSERT_TRUE(db.ok());
  auto a = (*db)->admin("admin");  // case-insensitive
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(a->has_value());
  EXPECT_EQ((*a)->user_name, "Admin");
  EXPECT_EQ((**(*db)->setting("k"))["v"], 2);
}

// CreateLicenseRequest's memory: one row per instance, replaced by each new
// count, gone with its instance (a new instance of the same ID starts
// uncounted), never made for an instance that does not exist.
TEST(ManagementDb, LicenseCountsAreReplacedAndGoWithTheirInstance) {
  testing::TempDir dir;
  ASSERT_TRUE(setFirebirdLockDirectory(dir / ".fblock").ok());
  auto db = management::ManagementDb::open(dir / "management.fdb");
  ASSERT_TRUE(db.ok()) << db.error().message;
  for (const char* id : {"alpha", "beta"}) {
    management::InstanceRecord r;
    r.instance_id = id;
    r.instance_host = "host1";
    r.base_directory = std::string("/srv/") + id;
    ASSERT_TRUE((*db)->insertInstance(r).ok());
  }
  auto none = (*db)->licenseCounts();
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  ASSERT_TRUE((*db)->recordLicenseCount({"beta", 7, 1767225600, 0}).ok());
  ASSERT_TRUE((*db)->recordLicenseCount({"alpha", 3, 1767225600, 1}).ok());
  ASSERT_TRUE((*db)->recordLicenseCount({"alpha", 4, 1767229200, 0}).ok());
  auto counts = (*db)->licenseCounts();
  ASSERT_TRUE(counts.ok()) << counts.error().message;
  ASSERT_EQ(counts->size(), 2u);
  EXPECT_EQ((*counts)[0].instance_id, "alpha");
  EXPECT_EQ((*counts)[0].used, 4);
  EXPECT_EQ((*counts)[0].counted_at, 1767229200);
  EXPECT_EQ((*counts)[0].stores_not_counted, 0);
  EXPECT_EQ((*counts)[1].instance_id, "beta");
  EXPECT_EQ((*counts)[1].used, 7);
  ASSERT_TRUE((*db)->deleteInstance("alpha").ok());
  // A count that arrives after the deletion (a request under way), or of an unknown instance, is dropped.
  ASSERT_TRUE((*db)->recordLicenseCount({"alpha", 5, 1767232800, 0}).ok());
  ASSERT_TRUE((*db)->recordLicenseCount({"ghost", 1, 1767232800, 0}).ok());
  counts = (*db)->licenseCounts();
  ASSERT_TRUE(counts.ok());
  ASSERT_EQ(counts->size(), 1u);
  EXPECT_EQ((*counts)[0].instance_id, "beta");
}

// Migration 6 on a database an older version left at schema 5: its data stays,
// the license counts' table is new and empty.
TEST(ManagementDb, Version5GainsTheLicenseCountTable) {
  testing::TempDir dir;
  ASSERT_TRUE(setFirebirdLockDirectory(dir / ".fblock").ok());
  const std::string path = dir / "management.fdb";
  {
    auto db = management::ManagementDb::open(path);
    ASSERT_TRUE(db.ok()) << db.error().message;
    management::InstanceRecord r;
    r.instance_id = "kept";
    r.instance_host = "host1";
    r.base_directory = "/srv/kept";
    ASSERT_TRUE((*db)->insertInstance(r).ok());
  }
  {
    auto raw = FirebirdDb::openOrCreate(path);
    ASSERT_TRUE(raw.ok());
    ASSERT_TRUE((*raw)->exec("DROP TABLE INSTANCE_LICENSE_COUNTS").ok());
    ASSERT_TRUE((*raw)->exec("UPDATE SCHEMA_VERSION SET VERSION = 5").ok());
  }
  auto db = management::ManagementDb::open(path);
  ASSERT_TRUE(db.ok()) << db.error().message << " " << db.error().details;
  EXPECT_EQ((*db)->schemaVersion(), 6);
  auto kept = (*db)->instance("kept");
  ASSERT_TRUE(kept.ok());
  EXPECT_TRUE(kept->has_value());
  auto counts = (*db)->licenseCounts();
  ASSERT_TRUE(counts.ok()) << counts.error().message;
  EXPECT_TRUE(counts->empty());
  EXPECT_TRUE((*db)->recordLicenseCount({"kept", 2, 1767225600, 0}).ok());
}

}  // namespace
}  // namespace spe
