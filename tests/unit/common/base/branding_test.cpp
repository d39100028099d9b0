// Branding folders: only regular files with the documented names are read;
// a symbolic link (to a TLS key, say) or a FIFO under such a name is
// refused with its name, and other files are never read nor served.
#include "common/base/branding.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace spe {
namespace {

namespace fs = std::filesystem;

// A PNG header of `width` x `height` (the checks read only the IHDR chunk).
std::string png(int width, int height) {
  std::string b("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16);
  for (int v : {width, height}) {
    b += {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
  }
  return b + std::string(13, '\0');
}

class BrandingFolder : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "spe-branding-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    dir_ = root_ / "Branding";
    fs::create_directories(dir_);
    // The key of a role, outside the branding folder.
    write(root_ / "key.pem", "-----BEGIN PRIVATE KEY-----\nsecret-key-material\n-----END PRIVATE KEY-----\n");
    write(dir_ / "WebBranding.json",
          R"({"webName": "ACME archive", "webRoot_html": "index.html", "favicon_png": "favicon.png"})");
    write(dir_ / "index.html", "<html>ACME</html>");
    write(dir_ / "favicon.png", png(196, 196));
  }
  void TearDown() override { fs::remove_all(root_); }
  static void write(const fs::path& p, const std::string& bytes) { std::ofstream(p, std::ios::binary) << bytes; }
  static bool mentionsKey(const Branding& b) {
    for (const auto& [name, bytes] : b.files) {
      if (bytes.find("secret-key-material") != std::string::npos) return true;
    }
    return false;
  }

  fs::path root_, dir_;
};

TEST_F(BrandingFolder, RegularFilesWithDocumentedNamesAreRead) {
  auto b = readBranding(dir_.string());
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(b->files.size(), 3u);
  EXPECT_EQ(b->files.at("index.html"), "<html>ACME</html>");
  EXPECT_EQ(b->web.value("webName", ""), "ACME archive");
}

TEST_F(BrandingFolder, OtherFilesAreNeverRead) {
  write(dir_ / "README.md", "notes");
  write(dir_ / "server.key", "secret-key-material");
  fs::create_symlink(root_ / "key.pem", dir_ / "tls.pem");
  auto b = readBranding(dir_.string());
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(b->files.count("README.md"), 0u);
  EXPECT_EQ(b->files.count("server.key"), 0u);
  EXPECT_EQ(b->files.count("tls.pem"), 0u);
  EXPECT_FALSE(mentionsKey(*b));
}

TEST_F(BrandingFolder, SymbolicLinkUnderADocumentedNameIsRefused) {
  // index.html is served as the CAS's root page: a link to the key would publish it.
  for (const std::string name : {"index.html", "about.html", "favicon.png", "WebBranding.json"}) {
    SCOPED_TRACE(name);
    const std::string saved = name + ".saved";
    if (fs::exists(dir_ / name)) fs::rename(dir_ / name, dir_ / saved);
    fs::create_symlink(root_ / "key.pem", dir_ / name);
    auto b = readBranding(dir_.string());
    ASSERT_FALSE(b.ok());
    EXPECT_NE(b.error().message.find(name), std::string::npos) << b.error().message;
    EXPECT_NE(b.error().message.find("symbolic link"), std::string::npos) << b.error().message;
    fs::remove(dir_ / name);
    if (fs::exists(dir_ / saved)) fs::rename(dir_ / saved, dir_ / name);
  }
  // A link to a harmless file inside the folder is refused as well: no links at all.
  fs::rename(dir_ / "index.html", dir_ / "page.html");
  fs::create_symlink("page.html", dir_ / "index.html");
  auto b = readBranding(dir_.string());
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().message.find("index.html"), std::string::npos) << b.error().message;
}

TEST_F(BrandingFolder, FifoOrFolderUnderADocumentedNameIsRefusedWithoutBlocking) {
  ASSERT_EQ(::mkfifo((dir_ / "about.html").c_str(), 0600), 0);
  auto b = readBranding(dir_.string());
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().message.find("about.html"), std::string::npos) << b.error().message;
  EXPECT_NE(b.error().message.find("not a regular file"), std::string::npos) << b.error().message;
  fs::remove(dir_ / "about.html");
  fs::create_directory(dir_ / "about.html");
  b = readBranding(dir_.string());
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().message.find("about.html"), std::string::npos) << b.error().message;
}

// A second name (hard link) of the role's key under a documented name
// passes every other check: refused.
TEST_F(BrandingFolder, HardLinkUnderADocumentedNameIsRefused) {
  fs::remove(dir_ / "index.html");
  fs::create_hard_link(root_ / "key.pem", dir_ / "index.html");
  auto b = readBranding(dir_.string());
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().message.find("index.html"), std::string::npos) << b.error().message;
  EXPECT_NE(b.error().message.find("hard links"), std::string::npos) << b.error().message;
}

// The branding folder itself is not followed through a symbolic link.
TEST_F(BrandingFolder, SymbolicLinkAsTheFolderIsRefused) {
  fs::create_directory_symlink(dir_, root_ / "Linked");
  auto b = readBranding((root_ / "Linked").string());
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().message.find("symbolic link"), std::string::npos) << b.error().message;
  EXPECT_TRUE(readBranding(dir_.string()).ok());
}

// Only the documented fields name files: a crafted JSON file with other
// fields ending in _png or _html (thousands of them, each naming a 4 MiB
// file) makes nothing more be read. The FIFO would be refused by name if
// it were opened.
TEST_F(BrandingFolder, OnlyDocumentedFieldsNameFilesToRead) {
  ASSERT_EQ(::mkfifo((dir_ / "extra.png").c_str(), 0600), 0);
  write(dir_ / "other.html", "x");
  write(dir_ / "WebBranding.json",
        R"({"webName": "ACME", "webRoot_html": "index.html", "extraImage_10x10_png": "extra.png",)"
        R"( "more_html": "other.html"})");
  auto b = readBranding(dir_.string());
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().message.find("extra.png"), std::string::npos) << b.error().message;
  EXPECT_NE(b.error().message.find("unknown field 'extraImage_10x10_png'"), std::string::npos) << b.error().message;
  // In memory too: a file named only by an undocumented field is not part of the branding.
  auto c = checkBranding({{"WebBranding.json", R"({"more_html": "key.pem"})"}, {"key.pem", "secret-key-material"}});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("key.pem: is not a branding file"), std::string::npos) << c.error().message;
}

TEST(Branding, CheckRefusesFilesWithOtherNames) {
  auto b = checkBranding({{"index.html", "<html></html>"}, {"key.pem", "secret-key-material"}});
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().message.find("key.pem"), std::string::npos) << b.error().message;
  EXPECT_TRUE(checkBranding({{"index.html", "<html></html>"}}).ok());
}

}  // namespace
}  // namespace spe
