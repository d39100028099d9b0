// The host's own small files (instancehost/instance_setup.h): the cached
// list of instances and the host key are written whole, with their final
// mode, through a temporary file nobody could have prepared.
#include "instancehost/instance_setup.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace spe::instancehost {
namespace {

namespace fs = std::filesystem;

class InstanceSetupFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("spe-instance-setup-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::string read(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  static mode_t modeOf(const fs::path& p) {
    struct stat st {};
    EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
    return st.st_mode & 07777;
  }

  fs::path dir_;
};

TEST_F(InstanceSetupFiles, TheInstanceListRoundTripsWithMode600AndNoTemporaryFileLeft) {
  const fs::path list = dir_ / "instances.json";
  const std::vector<InstanceSpec> specs{{"acme", "/srv/acme", "automatic", false}, {"beta", "/srv/b", "manual", true}};
  ASSERT_TRUE(saveInstanceList(list.string(), specs));
  EXPECT_EQ(modeOf(list), 0600u);
  auto back = loadInstanceList(list.string());
  ASSERT_TRUE(back);
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[1].id, "beta");
  EXPECT_EQ((*back)[1].base_directory, "/srv/b");
  EXPECT_TRUE((*back)[1].debug_log);
  ASSERT_TRUE(saveInstanceList(list.string(), {}));  // replaced, not appended
  EXPECT_TRUE(loadInstanceList(list.string())->empty());
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);
}

TEST_F(InstanceSetupFiles, APreparedTemporaryNameIsNotFollowed) {
  // A link at the old fixed temporary name ("<list>.tmp") was opened and
  // written through: another file got the list, readable by others until
  // the chmod.
  const fs::path list = dir_ / "instances.json";
  const fs::path elsewhere = dir_ / "elsewhere";
  { std::ofstream(elsewhere) << "untouched"; }
  fs::create_symlink(elsewhere, list.string() + ".tmp");
  ASSERT_TRUE(saveInstanceList(list.string(), {{"acme", "/srv/acme", "manual", false}}));
  EXPECT_EQ(read(elsewhere), "untouched");
  EXPECT_TRUE(fs::is_regular_file(fs::symlink_status(list)));
  EXPECT_EQ(loadInstanceList(list.string())->size(), 1u);
}

TEST_F(InstanceSetupFiles, AListThatCannotBeWrittenIsAnErrorNamingTheFile) {
  const std::string list = (dir_ / "missing" / "instances.json").string();
  const Status st = saveInstanceList(list, {});
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("instances.json"), std::string::npos) << st.error().message;
}

TEST_F(InstanceSetupFiles, TheHostKeyIsCreatedOnceWithMode600InADirectoryOf700) {
  const fs::path key = dir_ / "keys" / "host.key";
  const std::string first = loadOrCreateHostKey(key.string());
  ASSERT_EQ(first.size(), 64u);
  EXPECT_EQ(modeOf(key), 0600u);
  EXPECT_EQ(modeOf(key.parent_path()), 0700u);
  EXPECT_EQ(read(key), first + "\n");
  EXPECT_EQ(loadOrCreateHostKey(key.string()), first);  // read, not replaced
  { std::ofstream(key) << "short\n"; }
  EXPECT_EQ(loadOrCreateHostKey(key.string()), "");  // damaged: refused, not replaced
  EXPECT_EQ(read(key), "short\n");
}

}  // namespace
}  // namespace spe::instancehost
