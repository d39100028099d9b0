#include "common/base/atomic_file.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace spe {
namespace {

namespace fs = std::filesystem;

class AtomicFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "atomic_file_test.XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  static std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  static mode_t modeOf(const fs::path& p) {
    struct stat st {};
    EXPECT_EQ(::stat(p.c_str(), &st), 0);
    return st.st_mode & 07777;
  }
  std::size_t entries() const {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()));
  }
  fs::path dir_;
};

TEST_F(AtomicFileTest, WritesAndReplaces) {
  const fs::path f = dir_ / "key.json";
  ASSERT_TRUE(writeFileAtomically(f.string(), "first").ok());
  EXPECT_EQ(read(f), "first");
  ASSERT_TRUE(writeFileAtomically(f.string(), std::string(100000, 'x')).ok());
  EXPECT_EQ(read(f), std::string(100000, 'x'));
  ASSERT_TRUE(writeFileAtomically(f.string(), "").ok());
  EXPECT_EQ(read(f), "");
  EXPECT_EQ(entries(), 1u);  // no temporary file left behind
}

// The mode is the one asked for, whatever the umask: 0600 stays private
// under a permissive umask, and 0644 is not narrowed by a strict one.
TEST_F(AtomicFileTest, TheModeIsTheOneAskedForWhateverTheUmask) {
  const mode_t saved = ::umask(0);
  const Status a = writeFileAtomically((dir_ / "private").string(), "secret", 0600);
  ::umask(077);
  const Status b = writeFileAtomically((dir_ / "public").string(), "hello", 0644);
  ::umask(saved);
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(modeOf(dir_ / "private"), 0600u);
  EXPECT_EQ(modeOf(dir_ / "public"), 0644u);
}

// Replacing a world-readable file with a key: the key never sits in the
// old file's inode (whose mode would be 0644).
TEST_F(AtomicFileTest, ReplacingAReadableFileGivesANewPrivateOne) {
  const fs::path f = dir_ / "key";
  { std::ofstream(f) << "old"; }
  fs::permissions(f, fs::perms(0644));
  struct stat before {};
  ASSERT_EQ(::stat(f.c_str(), &before), 0);
  ASSERT_TRUE(writeFileAtomically(f.string(), "new key", 0600).ok());
  struct stat after {};
  ASSERT_EQ(::stat(f.c_str(), &after), 0);
  EXPECT_NE(before.st_ino, after.st_ino);
  EXPECT_EQ(after.st_mode & 07777, 0600u);
}

// A write that fails half way (here: the file size limit) leaves the old
// content in place and no temporary file.
TEST_F(AtomicFileTest, AFailedWriteKeepsTheOldContent) {
  const fs::path f = dir_ / "state.json";
  ASSERT_TRUE(writeFileAtomically(f.string(), "old content").ok());
  struct rlimit saved {};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  auto* previous = std::signal(SIGXFSZ, SIG_IGN);  // EFBIG instead of the signal
  struct rlimit small = saved;
  small.rlim_cur = 16;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  const Status st = writeFileAtomically(f.string(), std::string(4096, 'n'));
  ::setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, previous);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kIo);
  EXPECT_NE(st.error().message.find(f.string()), std::string::npos) << st.error().message;
  EXPECT_EQ(read(f), "old content");
  EXPECT_EQ(entries(), 1u);
}

TEST_F(AtomicFileTest, AMissingDirectoryIsAnError) {
  const Status st = writeFileAtomically((dir_ / "no" / "such" / "file").string(), "x");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kIo);
}

}  // namespace
}  // namespace spe
