// Which archives a user may read (real embedded Firebird): each archive
// once, however it was granted, so searches list each message once.
#include "instancehost/instance/model/readable_archives.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <memory>

#include "instancehost/instance/model/master_db.h"
#include "test_dir.h"

namespace spe::instance {
namespace {

class ReadableArchivesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // One lock directory per process (Firebird takes it once).
    ASSERT_TRUE(setFirebirdLockDirectory("/tmp/spe-fblock-" + std::to_string(::getpid())).ok());
    auto opened = InstanceMasterDb::open(dir / "MailStoreMaster.fdb");
    ASSERT_TRUE(opened.ok()) << opened.error().message << " " << opened.error().details;
    db = std::move(*opened);
    users = std::make_unique<UserDirectory>(*db);
    for (const char* name : {"alice", "bob", "carol", "root"}) {
      User u;
      u.name = name;
      u.privileges = std::string(name) == "root" ? std::vector<std::string>{"admin"} : std::vector<std::string>{};
      ASSERT_TRUE(users->create(u).ok()) << name;
    }
  }
  std::optional<std::vector<std::string>> readable(const std::string& user) {
    auto r = readableArchives(*users, user);
    EXPECT_TRUE(r.ok()) << user;
    return r ? *r : std::nullopt;
  }
  testing::TempDir dir;
  std::unique_ptr<InstanceMasterDb> db;
  std::unique_ptr<UserDirectory> users;
};

using Archives = std::optional<std::vector<std::string>>;

TEST_F(ReadableArchivesTest, OwnArchiveGrantedExplicitlyIsListedOnce) {
  ASSERT_TRUE(users->setGrant("alice", "alice", {"read"}).ok());
  EXPECT_EQ(readable("alice"), Archives({{"alice"}}));
}

TEST_F(ReadableArchivesTest, EveryGrantedArchiveOnceOwnFirst) {
  ASSERT_TRUE(users->setGrant("alice", "bob", {"read"}).ok());
  ASSERT_TRUE(users->setGrant("alice", "alice", {"read", "write"}).ok());
  ASSERT_TRUE(users->setGrant("alice", "carol", {"read"}).ok());
  ASSERT_TRUE(users->setGrant("alice", "bob", {"read", "write"}).ok());  // replaces the first grant on bob
  auto got = readable("alice");
  ASSERT_TRUE(got);
  ASSERT_FALSE(got->empty());
  EXPECT_EQ(got->front(), "alice");
  std::vector<std::string> sorted = *got;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, (std::vector<std::string>{"alice", "bob", "carol"}));
}

TEST_F(ReadableArchivesTest, GrantsWithoutReadAddNothingAdminsReadEverything) {
  ASSERT_TRUE(users->setGrant("bob", "carol", {"write"}).ok());
  EXPECT_EQ(readable("bob"), Archives({{"bob"}}));
  EXPECT_EQ(readable("root"), Archives());
  EXPECT_EQ(readable(UserDirectory::archiveAdmin().name), Archives());
  EXPECT_FALSE(readableArchives(*users, "nobody").ok());
}

}  // namespace
}  // namespace spe::instance
