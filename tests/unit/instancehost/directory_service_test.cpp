#include "instancehost/directory_service.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace spe::instancehost {
namespace {
namespace fs = std::filesystem;

class DirectoryServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("spe-dirs-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "base" / "a");
    fs::create_directories(root_ / "outside");
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path root_;
};

TEST_F(DirectoryServiceTest, ListsAndCreatesUnderBase) {
  DirectoryService d((root_ / "base").string());
  ASSERT_TRUE(d.create("b/c").ok());
  auto l = d.list("");
  ASSERT_TRUE(l.ok());
  ASSERT_EQ(l->size(), 2u);
  EXPECT_EQ((*l)[0]["name"], "a");
  EXPECT_EQ((*l)[1]["name"], "b");
  auto sub = d.list((root_ / "base" / "b").string());
  ASSERT_TRUE(sub.ok());
  EXPECT_EQ((*sub)[0]["name"], "c");
  EXPECT_TRUE(d.create("a").ok());  // existing is fine
}

TEST_F(DirectoryServiceTest, RefusesPathsOutsideBase) {
  DirectoryService d((root_ / "base").string());
  for (const std::string& p : {std::string("../outside"), (root_ / "outside").string(), std::string("/etc"),
                               std::string("a/../../outside/x"), (root_ / "base2").string()}) {
    auto r = d.list(p);
    ASSERT_FALSE(r.ok()) << p;
    EXPECT_FALSE(d.create(p).ok()) << p;
  }
  EXPECT_FALSE(fs::exists(root_ / "outside" / "x"));
}

TEST_F(DirectoryServiceTest, RefusesSymlinkEscape) {
  fs::create_directory_symlink(root_ / "outside", root_ / "base" / "link");
  DirectoryService d((root_ / "base").string());
  EXPECT_FALSE(d.list("link").ok());
  EXPECT_FALSE(d.create("link/new").ok());
  EXPECT_FALSE(fs::exists(root_ / "outside" / "new"));
}

TEST_F(DirectoryServiceTest, MissingDirectoryIsNotFound) {
  DirectoryService d((root_ / "base").string());
  auto r = d.list("nope");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace spe::instancehost
