// BrandingFolder and the functions on it (GetBranding, GetBrandingFile,
// SetBrandingFiles, DeleteBrandingFile): a change is checked whole before
// anything is written, links are never followed, and the folder is what
// readBranding (and so ReloadBranding) then accepts.
#include "management/branding_folder.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "common/base/branding.h"
#include "common/base/crypto.h"
#include "management/api/function_registry.h"

namespace spe::management {
namespace {

namespace fs = std::filesystem;

std::string be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

// Enough of a PNG for the checks: the signature and the IHDR chunk.
std::string png(int w, int h) {
  return std::string("\x89PNG\r\n\x1a\n", 8) + be32(13) + "IHDR" + be32(w) + be32(h) +
         std::string("\x08\x06\0\0\0", 5) + be32(0);
}

const std::string kWeb = R"({"webName": "ACME Archive", "webHeaderBackgroundColor": "#123456",
                             "webHeaderBackgroundImage_autox36_png": "header.png"})";

class BrandingFolderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("branding_folder_test_" + std::to_string(::getpid()) + "_" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
    dir_ = (root_ / "Branding").string();
    folder_ = std::make_unique<BrandingFolder>(dir_);
  }
  void TearDown() override { fs::remove_all(root_); }

  std::set<std::string> namesInFolder() const {
    std::set<std::string> names;
    std::error_code ec;
    for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
      names.insert(it->path().filename().string());
    }
    return names;
  }
  std::string read(const std::string& name) const {
    std::ifstream in(dir_ + "/" + name, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  void write(const std::string& name, const std::string& bytes) const {
    fs::create_directories(dir_);
    std::ofstream(dir_ + "/" + name, std::ios::binary) << bytes;
  }
  void putGood() { ASSERT_TRUE(folder_->put({{"WebBranding.json", kWeb}, {"header.png", png(160, 36)}}).ok()); }

  fs::path root_;
  std::string dir_;
  std::unique_ptr<BrandingFolder> folder_;
};

const Json* entry(const Json& described, const std::string& name) {
  for (const auto& f : described["files"]) {
    if (f["name"] == name) return &f;
  }
  return nullptr;
}

TEST_F(BrandingFolderTest, NoFolderIsAnEmptyValidBranding) {
  auto d = folder_->describe();
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ((*d)["files"], Json::array());
  EXPECT_TRUE((*d)["valid"].get<bool>());
  EXPECT_TRUE((*d)["problem"].is_null());
  EXPECT_TRUE((*d)["webBranding"].is_null());
}

TEST_F(BrandingFolderTest, JsonAndThePictureItNamesGoUpTogether) {
  putGood();
  EXPECT_EQ(namesInFolder(), (std::set<std::string>{"WebBranding.json", "header.png"}));  // no temporary file left
  EXPECT_EQ(read("header.png"), png(160, 36));
  struct stat st {};
  ASSERT_EQ(::stat((dir_ + "/header.png").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  auto d = folder_->describe();
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE((*d)["valid"].get<bool>()) << (*d)["problem"];
  EXPECT_EQ((*d)["webBranding"]["webHeaderBackgroundColor"], "#123456");
  const Json* header = entry(*d, "header.png");
  ASSERT_NE(header, nullptr);
  EXPECT_EQ((*header)["type"], "png");
  EXPECT_EQ((*header)["width"], 160);
  EXPECT_EQ((*header)["height"], 36);
  EXPECT_TRUE((*header)["used"].get<bool>());
  EXPECT_EQ((*header)["size"], static_cast<std::int64_t>(png(160, 36).size()));
  EXPECT_EQ((*entry(*d, "WebBranding.json"))["type"], "json");
  EXPECT_EQ(*folder_->file("header.png"), png(160, 36));
  // What ReloadBranding reads next passes its checks.
  auto b = readBranding(dir_);
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(b->web["webName"], "ACME Archive");
}

TEST_F(BrandingFolderTest, APictureNoJsonFileNamesIsRefusedNamingIt) {
  auto st = folder_->put({{"header.png", png(160, 36)}});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(st.error().message.find("header.png"), std::string::npos) << st.error().message;
  EXPECT_NE(st.error().message.find("not a branding file"), std::string::npos) << st.error().message;
  EXPECT_TRUE(namesInFolder().empty());
}

TEST_F(BrandingFolderTest, APictureOfTheWrongSizeIsRefusedAndNothingIsWritten) {
  putGood();
  auto st = folder_->put(
      {{"WebBranding.json", R"({"webName": "Other", "webLoginHeaderImage_410x81_png": "login.png"})"},
       {"login.png", png(410, 80)}});
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("login.png"), std::string::npos) << st.error().message;
  EXPECT_NE(st.error().message.find("410x80"), std::string::npos) << st.error().message;
  EXPECT_EQ(read("WebBranding.json"), kWeb);  // the JSON file was not written either
  EXPECT_EQ(namesInFolder(), (std::set<std::string>{"WebBranding.json", "header.png"}));
  // Replacing the picture with one of the wrong size is refused the same way.
  st = folder_->put({{"header.png", png(160, 40)}});
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("160x40"), std::string::npos) << st.error().message;
  EXPECT_EQ(read("header.png"), png(160, 36));
  ASSERT_TRUE(folder_->put({{"header.png", png(300, 36)}}).ok());  // any width, 36 high
  EXPECT_EQ(read("header.png"), png(300, 36));
}

TEST_F(BrandingFolderTest, JsonFilesAreCheckedFieldByField) {
  for (const auto& [json, expected] :
       std::vector<std::pair<std::string, std::string>>{{R"({"webName": "x", "bogus": "1"})", "unknown field 'bogus'"},
                                                        {R"({"webHeaderBackgroundColor": "blue"})", "must be a color"},
                                                        {R"({"webName": 12})", "must be a string"},
                                                        {R"({"webName": )", "not valid JSON"},
                                                        {R"(["webName"])", "JSON object"},
                                                        {R"({"favicon_png": "missing.png"})", "missing.png"}}) {
    auto st = folder_->put({{"WebBranding.json", json}});
    ASSERT_FALSE(st.ok()) << json;
    EXPECT_NE(st.error().message.find("WebBranding.json"), std::string::npos) << st.error().message;
    EXPECT_NE(st.error().message.find(expected), std::string::npos) << st.error().message;
  }
  auto st = folder_->put({{"ClientBranding.json", R"({"appPrivacyUrl": "http://example.com/p"})"}});
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("https://"), std::string::npos) << st.error().message;
  EXPECT_TRUE(namesInFolder().empty());
}

TEST_F(BrandingFolderTest, AboutPageNeedsItsByteOrderMark) {
  auto st = folder_->put({{"about.html", "<p>About</p>"}});
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("byte order mark"), std::string::npos) << st.error().message;
  EXPECT_TRUE(folder_->put({{"about.html", "\xEF\xBB\xBF<p>About</p>"}}).ok());
  EXPECT_TRUE(folder_->put({{"index.html", "<title>Archive</title>"}}).ok());
}

TEST_F(BrandingFolderTest, NamesMustBePlainFileNames) {
  for (const std::string& name :
       {std::string(""), std::string("../index.html"), std::string("a/b.png"), std::string(".hidden"),
        std::string("x\ny.png"), std::string("index.html\0x", 12), std::string("a\\b"), std::string(300, 'a')}) {
    auto st = folder_->put({{name, "<title>x</title>"}});
    ASSERT_FALSE(st.ok()) << name;
    EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(st.error().message.find("plain file name"), std::string::npos) << st.error().message;
    EXPECT_FALSE(folder_->remove(name).ok()) << name;
    EXPECT_FALSE(folder_->file(name).ok()) << name;
  }
  EXPECT_TRUE(namesInFolder().empty());
  EXPECT_FALSE(folder_->put({}).ok());
}

TEST_F(BrandingFolderTest, DeletingAPictureTheJsonNamesIsRefused) {
  putGood();
  auto st = folder_->remove("header.png");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("cannot be deleted"), std::string::npos) << st.error().message;
  EXPECT_NE(st.error().message.find("WebBranding.json"), std::string::npos) << st.error().message;
  EXPECT_EQ(st.error().message.find("Branding: Branding:"), std::string::npos) << st.error().message;
  EXPECT_TRUE(fs::exists(dir_ + "/header.png"));
  // Without the JSON file the picture is unused: listed as such, deletable.
  ASSERT_TRUE(folder_->remove("WebBranding.json").ok());
  auto d = folder_->describe();
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE((*entry(*d, "header.png"))["used"].get<bool>());
  EXPECT_TRUE((*d)["valid"].get<bool>());
  EXPECT_EQ(folder_->file("header.png").error().code, ErrorCode::kNotFound);  // never read when unused
  ASSERT_TRUE(folder_->remove("header.png").ok());
  EXPECT_TRUE(namesInFolder().empty());
  EXPECT_EQ(folder_->remove("header.png").error().code, ErrorCode::kNotFound);
}

TEST_F(BrandingFolderTest, UnusedFilesNeitherBlockChangesNorAreRead) {
  putGood();
  write("notes.txt", "left here by hand");
  ASSERT_TRUE(folder_->put({{"WebBranding.json", R"({"webName": "Plain"})"}}).ok());
  auto d = folder_->describe();
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE((*d)["valid"].get<bool>()) << (*d)["problem"];
  EXPECT_FALSE((*entry(*d, "notes.txt"))["used"].get<bool>());
  EXPECT_EQ((*entry(*d, "notes.txt"))["type"], "other");
  EXPECT_FALSE((*entry(*d, "header.png"))["used"].get<bool>());
  EXPECT_TRUE(folder_->remove("notes.txt").ok());
}

TEST_F(BrandingFolderTest, ABrokenFolderIsDescribedAndMendedByTheMissingFile) {
  write("WebBranding.json", R"({"webHeaderBackgroundImage_autox36_png": "logo.png"})");
  write("old.png", png(1, 1));
  auto d = folder_->describe();
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE((*d)["valid"].get<bool>());
  EXPECT_NE((*d)["problem"].get<std::string>().find("logo.png"), std::string::npos);
  EXPECT_EQ((*d)["missing"], Json::array({"logo.png"}));
  EXPECT_TRUE(folder_->remove("old.png").ok());  // an unrelated file: the branding was broken already
  ASSERT_TRUE(folder_->put({{"logo.png", png(90, 36)}}).ok());
  EXPECT_TRUE((*folder_->describe())["valid"].get<bool>());
}

TEST_F(BrandingFolderTest, LinksAreNeverFollowedAndDeletingOneRemovesTheLinkOnly) {
  const std::string secret = (root_ / "key.pem").string();
  std::ofstream(secret) << "PRIVATE KEY";
  fs::create_directories(dir_);
  fs::create_symlink(secret, dir_ + "/index.html");
  auto d = folder_->describe();
  ASSERT_TRUE(d.ok());
  EXPECT_EQ((*entry(*d, "index.html"))["type"], "link");
  EXPECT_FALSE((*entry(*d, "index.html"))["used"].get<bool>());
  EXPECT_FALSE((*d)["valid"].get<bool>());
  EXPECT_NE((*d)["problem"].get<std::string>().find("symbolic link"), std::string::npos);
  EXPECT_EQ(d->dump().find("PRIVATE KEY"), std::string::npos);
  EXPECT_FALSE(folder_->file("index.html").ok());
  auto st = folder_->put({{"about.html", "\xEF\xBB\xBFok"}});
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("index.html"), std::string::npos) << st.error().message;
  ASSERT_TRUE(folder_->remove("index.html").ok());
  EXPECT_FALSE(fs::exists(fs::symlink_status(dir_ + "/index.html")));
  EXPECT_TRUE(fs::exists(secret));
  // A hard link (a second name of the key) is refused and removable the same way.
  fs::create_hard_link(secret, dir_ + "/index.html");
  EXPECT_FALSE(folder_->put({{"about.html", "\xEF\xBB\xBFok"}}).ok());
  ASSERT_TRUE(folder_->remove("index.html").ok());
  EXPECT_TRUE(fs::exists(secret));
  EXPECT_TRUE(folder_->put({{"about.html", "\xEF\xBB\xBFok"}}).ok());
}

TEST_F(BrandingFolderTest, AFolderThatIsALinkIsRefused) {
  fs::create_directories(root_ / "elsewhere");
  fs::create_directory_symlink(root_ / "elsewhere", dir_);
  auto st = folder_->put({{"index.html", "<title>x</title>"}});
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(fs::is_empty(root_ / "elsewhere"));
  EXPECT_FALSE((*folder_->describe())["valid"].get<bool>());
}

// The functions as the API calls them: arguments checked by the registry.
class NullProgress : public Progress {
 public:
  void update(std::optional<int>, const std::string&) override {}
  void log(const std::string&) override {}
  bool cancelled() const override { return false; }
};

class BrandingFunctionsTest : public BrandingFolderTest {
 protected:
  void SetUp() override {
    BrandingFolderTest::SetUp();
    registerBrandingFolderFunctions(registry_, std::make_shared<BrandingFolder>(dir_));
  }
  Result<Json> call(const std::string& fn, const std::map<std::string, std::string>& form) {
    const FunctionSpec* spec = registry_.find(fn);
    if (!spec) return makeError(ErrorCode::kNotFound, "no " + fn);
    auto args = FunctionRegistry::validate(*spec, form);
    if (!args) return args.error();
    const Caller caller{"admin", {}};
    NullProgress progress;
    CallContext c{caller, *args, progress};
    return spec->handler(c);
  }
  FunctionRegistry registry_;
};

TEST_F(BrandingFunctionsTest, MetadataListsTheFunctionsWithTheirArguments) {
  Json listed = Json::object();  // name -> args (other keys of an entry, e.g. a description, aside)
  for (const auto& f : registry_.metadata()) listed[f["name"].get<std::string>()] = f["args"];
  const Json name = Json::array({{{"name", "name"}, {"type", "string"}, {"nullable", false}}});
  EXPECT_EQ(listed,
            (Json{{"DeleteBrandingFile", name},
                  {"GetBranding", Json::array()},
                  {"GetBrandingFile", name},
                  {"SetBrandingFiles", Json::array({{{"name", "files"}, {"type", "json"}, {"nullable", false}}})}}));
}

TEST_F(BrandingFunctionsTest, UploadReadBackAndDelete) {
  const Json files{{"WebBranding.json", base64Encode(kWeb)}, {"header.png", base64Encode(png(120, 36))}};
  auto r = call("SetBrandingFiles", {{"files", files.dump()}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  auto got = call("GetBrandingFile", {{"name", "header.png"}});
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ((*got)["content"], base64Encode(png(120, 36)));
  EXPECT_EQ((*got)["size"], static_cast<std::int64_t>(png(120, 36).size()));
  auto d = call("GetBranding", {});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ((*d)["files"].size(), 2u);
  EXPECT_TRUE(call("DeleteBrandingFile", {{"name", "WebBranding.json"}}).ok());
  EXPECT_FALSE(call("GetBrandingFile", {{"name", "header.png"}}).ok());
}

TEST_F(BrandingFunctionsTest, BadArgumentsAreNamed) {
  for (const auto& [files, expected] : std::vector<std::pair<std::string, std::string>>{
           {R"({"about.html": "%%%"})", "'files.about.html' is not valid base64"},
           {R"({"about.html": 1})", "'files.about.html' must be a string"},
           {R"([])", "'files' must be a JSON object"},
           {R"({})", "'files' must be a JSON object"},
           {"not json", "'files' is not valid JSON"}}) {
    auto r = call("SetBrandingFiles", {{"files", files}});
    ASSERT_FALSE(r.ok()) << files;
    EXPECT_NE(r.error().message.find(expected), std::string::npos) << r.error().message;
  }
  auto r = call("SetBrandingFiles", {{"files", Json{{"logo.png", base64Encode(png(10, 10))}}.dump()}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("logo.png"), std::string::npos);
  EXPECT_FALSE(call("DeleteBrandingFile", {}).ok());
  EXPECT_TRUE(namesInFolder().empty());
}

}  // namespace
}  // namespace spe::management
