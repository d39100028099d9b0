// A full disk under an embedded Firebird database, on a small tmpfs (needs
// root to mount it; skipped where mounting is not allowed).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include "common/db/firebird_db.h"
#include "test_dir.h"

namespace spe {
namespace {

namespace fs = std::filesystem;

// Writes `path` until the file system is full; false when it never filled.
bool fillUp(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  const std::string chunk(64 * 1024, 'x');
  bool full = false;
  for (int i = 0; i < 100000 && !full; ++i) {
    if (::write(fd, chunk.data(), chunk.size()) < static_cast<ssize_t>(chunk.size())) full = true;
  }
  // The last partial chunk may have taken the last blocks: write single bytes
  // until nothing more fits.
  while (full && ::write(fd, "x", 1) == 1) {
  }
  ::close(fd);
  return full;
}

// The engine's error when the database file cannot grow says the disk is
// full and names the file, not only "The database refused a statement."
// (the words a provider saw when an archive store's database filled its
// disk); what was committed before stays, and once there is space again
// the same database takes writes without being reopened.
TEST(FirebirdDb, FullDiskIsNamedAndTheDatabaseTakesWritesAgain) {
  testing::TempDir dir;
  ASSERT_TRUE(setFirebirdLockDirectory(dir / ".fblock").ok());
  const std::string small = dir / "small";
  fs::create_directories(small);
  if (::mount("tmpfs", small.c_str(), "tmpfs", 0, "size=4m") != 0) {
    GTEST_SKIP() << "cannot mount a tmpfs here (" << std::strerror(errno) << ")";
  }
  struct Unmount {
    std::string path;
    ~Unmount() { ::umount2(path.c_str(), MNT_DETACH); }
  } unmount{small};
  const std::string path = small + "/full.fdb";
  auto db = FirebirdDb::openOrCreate(path);
  ASSERT_TRUE(db.ok()) << db.error().message << " " << db.error().details;
  ASSERT_TRUE((*db)->exec("CREATE TABLE T (ID BIGINT NOT NULL PRIMARY KEY, BODY VARCHAR(4000))").ok());
  ASSERT_TRUE(fillUp(small + "/filler"));

  std::int64_t committed = 0;
  Error error;
  for (std::int64_t i = 0; i < 100000; ++i) {
    auto st = (*db)->exec("INSERT INTO T VALUES (?, ?)", {i, std::string(4000, static_cast<char>('a' + i % 26))});
    if (!st) {
      error = st.error();
      break;
    }
    committed = i + 1;
  }
  ASSERT_FALSE(error.message.empty()) << "the database never ran out of space";
  EXPECT_EQ(error.code, ErrorCode::kIo) << error.message << " | " << error.details;
  EXPECT_NE(error.message.find("the disk is full (no space left on the device)"), std::string::npos)
      << error.message << " | " << error.details;
  EXPECT_NE(error.message.find("'" + path + "'"), std::string::npos) << error.message;
  EXPECT_FALSE(error.details.empty());  // the engine's own words stay in the details

  fs::remove(small + "/filler");
  auto rows = (*db)->query("SELECT COUNT(*) FROM T");
  ASSERT_TRUE(rows.ok()) << rows.error().message << " " << rows.error().details;
  EXPECT_EQ(dbInt((*rows)[0][0]), committed);
  auto again = (*db)->exec("INSERT INTO T VALUES (?, ?)", {committed, std::string("after")});
  EXPECT_TRUE(again.ok()) << again.error().message << " " << again.error().details;
  db->reset();
  auto reopened = FirebirdDb::openOrCreate(path);
  ASSERT_TRUE(reopened.ok()) << reopened.error().message << " " << reopened.error().details;
  rows = (*reopened)->query("SELECT COUNT(*) FROM T");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(dbInt((*rows)[0][0]), committed + 1);
}

// Other engine errors keep their code and words.
TEST(FirebirdDb, OtherErrorsAreNotCalledAFullDisk) {
  testing::TempDir dir;
  ASSERT_TRUE(setFirebirdLockDirectory(dir / ".fblock").ok());
  auto db = FirebirdDb::openOrCreate(dir / "t.fdb");
  ASSERT_TRUE(db.ok());
  auto bad = (*db)->exec("SELECT NOTHING FROM NOWHERE");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kDatabase);
  EXPECT_EQ(bad.error().message, "The database refused a statement.");
  EXPECT_EQ(bad.error().message.find("disk"), std::string::npos);
}

}  // namespace
}  // namespace spe
