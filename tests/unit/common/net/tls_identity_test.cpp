#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "common/net/tls.h"

namespace spe {
namespace {

namespace fs = std::filesystem;

class TlsIdentityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/spe-tls-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string dir_;
};

// The key file was written under a fixed temporary name with the process's
// umask and only then made 600: a file prepared under that name (or a
// reader quick enough) got the private key. Now it is private from its
// creation, whatever the umask, and lands in a file of its own.
TEST_F(TlsIdentityTest, ThePrivateKeyIsNeverReadableByOthers) {
  const std::string prepared = dir_ + "/tls/key.pem.tmp";
  fs::create_directories(dir_ + "/tls");
  { std::ofstream(prepared) << ""; }
  ::chmod(prepared.c_str(), 0644);
  const int spy = ::open(prepared.c_str(), O_RDONLY);  // someone holding the prepared file open
  ASSERT_GE(spy, 0);
  const mode_t old_umask = ::umask(0);
  auto identity = loadOrCreateIdentity(dir_ + "/tls", "test");
  ::umask(old_umask);
  ASSERT_TRUE(identity.ok()) << identity.error().message;
  char buf[64];
  const ssize_t n = ::read(spy, buf, sizeof buf);
  ::close(spy);
  EXPECT_EQ(n, 0) << "the key was written into a file another process held open";
  struct stat st {};
  ASSERT_EQ(::stat((dir_ + "/tls/key.pem").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  for (const auto& e : fs::directory_iterator(dir_ + "/tls")) {
    const std::string name = e.path().filename().string();
    EXPECT_TRUE(name == "key.pem" || name == "cert.pem" || name == "key.pem.tmp") << "left behind: " << name;
  }
}

}  // namespace
}  // namespace spe
