// The roots an instance's imports and stores must stay in: "..", symbolic
// links (also one inside a root that leads out) and a sibling that only
// shares a name prefix are all outside.
#include "instancehost/instance/model/path_roots.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace spe::instance {
namespace {
namespace fs = std::filesystem;

class PathRootsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("spe-roots-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "base" / "Data");
    fs::create_directories(root_ / "imports");
    fs::create_directories(root_ / "base-evil");
    fs::create_directories(root_ / "other");
    setAllowedPathRoots({(root_ / "base").string(), (root_ / "imports").string() + "/"});
  }
  void TearDown() override {
    setAllowedPathRoots({});
    fs::remove_all(root_);
  }
  bool allowed(const fs::path& p) { return confinePath(p.string(), "details.path").ok(); }
  fs::path root_;
};

TEST_F(PathRootsTest, InsideTheRootsIsAllowed) {
  EXPECT_TRUE(allowed(root_ / "base"));
  EXPECT_TRUE(allowed(root_ / "base" / "Data"));
  EXPECT_TRUE(allowed(root_ / "base" / "Data" / "not-yet" / "there"));
  EXPECT_TRUE(allowed(root_ / "imports" / "a.mbox"));
  EXPECT_TRUE(allowed(root_ / "imports" / ".." / "base" / "x"));
}

TEST_F(PathRootsTest, OutsideIsRefusedNamingTheRoots) {
  auto r = confinePath((root_ / "other").string(), "details.path");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kPermissionDenied);
  EXPECT_NE(r.error().message.find("'details.path'"), std::string::npos);
  EXPECT_NE(r.error().message.find("'" + (root_ / "base").string() + "'"), std::string::npos);
  EXPECT_NE(r.error().message.find("'" + (root_ / "imports").string() + "/'"), std::string::npos);
  EXPECT_FALSE(allowed(root_ / "base" / ".." / "other"));
  EXPECT_FALSE(allowed(root_ / "base-evil"));  // shares a prefix, not a directory
  EXPECT_FALSE(allowed("/etc/passwd"));
  EXPECT_FALSE(allowed("/"));
}

TEST_F(PathRootsTest, SymbolicLinksAreResolved) {
  fs::create_symlink(root_ / "other", root_ / "base" / "link");
  EXPECT_FALSE(allowed(root_ / "base" / "link"));
  EXPECT_FALSE(allowed(root_ / "base" / "link" / "Data" / "new-store"));
  fs::create_symlink(root_ / "base" / "Data", root_ / "other" / "in");
  EXPECT_TRUE(allowed(root_ / "other" / "in"));  // where it leads counts
}

TEST_F(PathRootsTest, NoRootsMeansNotConfined) {
  setAllowedPathRoots({});
  EXPECT_TRUE(allowed("/etc/passwd"));
  EXPECT_TRUE(allowedPathRoots().empty());
}

}  // namespace
}  // namespace spe::instance
