#include "management/branding_folder.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <vector>

#include "common/base/atomic_file.h"
#include "common/base/branding.h"

namespace spe::management {
namespace {

namespace fs = std::filesystem;

using Files = std::map<std::string, std::string>;

constexpr std::size_t kMaxName = 255;  // one file name on Linux file systems
const char* const kFixed[] = {"ClientBranding.json", "WebBranding.json", "index.html", "about.html"};

Error bad(const std::string& file, const std::string& why) {
  return makeError(ErrorCode::kInvalidArgument, "Branding: " + file + ": " + why);
}

// A name the folder may hold: one plain file name of printable characters,
// not hidden. checkBranding refuses '/' and '..'; a NUL or other control
// character is refused here too, since the name becomes a path.
Status checkPlainName(const std::string& name) {
  const bool control = std::any_of(name.begin(), name.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
  if (name.empty() || name.size() > kMaxName || control || name.front() == '.' || name.find('/') != std::string::npos ||
      name.find('\\') != std::string::npos) {
    std::string shown;
    for (char c : name) shown += static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c;
    return bad("'" + shown + "'",
               "a branding file name must be a plain file name (1 to 255 bytes, no '/', no control "
               "characters, not starting with '.').");
  }
  return okStatus();
}

// The files of `files` the branding made of them uses.
Files usedFiles(const Files& files) {
  const std::set<std::string> names = brandingNames(files);
  Files used;
  for (const auto& [name, bytes] : files) {
    if (names.count(name)) used.emplace(name, bytes);
  }
  return used;
}

bool endsWith(const std::string& s, const char* suffix) {
  const std::size_t n = std::strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

Json jsonContent(const Files& files, const char* name) {
  auto it = files.find(name);
  if (it == files.end()) return Json();
  std::string text = it->second;
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
  auto parsed = tryParseJson(text);
  return parsed && parsed->is_object() ? *parsed : Json();
}

bool isJson(const std::string& name) { return endsWith(name, ".json"); }

// The folder must not be a link (readBrandingFiles refuses it too).
Status checkFolder(const std::string& directory) {
  struct stat st {};
  if (::lstat(directory.c_str(), &st) != 0) {
    if (errno == ENOENT) return okStatus();
    return makeError(ErrorCode::kIo, "Branding: cannot read '" + directory + "': " + std::strerror(errno));
  }
  if (!S_ISDIR(st.st_mode)) {
    return makeError(ErrorCode::kInvalidArgument,
                     "Branding: '" + directory +
                         "' is not a folder (a symbolic link?); the branding folder must be a "
                         "folder.");
  }
  return okStatus();
}

}  // namespace

BrandingFolder::BrandingFolder(std::string directory) : directory_(std::move(directory)) {}

Result<Json> BrandingFolder::describe() const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto read = readBrandingFiles(directory_);
  const Files have = read ? *read : Files{};
  const std::set<std::string> names = brandingNames(have);

  struct Entry {
    std::string name;
    Json json;
  };
  std::vector<Entry> entries;
  std::error_code ec;
  const bool listable = fs::is_directory(fs::symlink_status(directory_, ec));
  ec.clear();  // no folder: no files
  if (listable) {
    for (fs::directory_iterator it(directory_, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      struct stat st {};
      if (::lstat(it->path().c_str(), &st) != 0 || S_ISDIR(st.st_mode)) continue;
      const bool regular = S_ISREG(st.st_mode);
      const auto bytes = have.find(name);
      std::string type = "other";
      if (S_ISLNK(st.st_mode)) {
        type = "link";
      } else if (regular && isJson(name)) {
        type = "json";
      } else if (regular && (endsWith(name, ".html") || endsWith(name, ".htm"))) {
        type = "html";
      } else if (regular && (bytes != have.end() ? pngDimensions(bytes->second).has_value() : endsWith(name, ".png"))) {
        type = "png";
      } else if (regular && endsWith(name, ".ico")) {
        type = "ico";
      }
      Json f{{"name", name},
             {"size", regular ? static_cast<std::int64_t>(st.st_size) : 0},
             {"used", bytes != have.end()},
             {"type", type}};
      if (bytes != have.end()) {
        if (auto size = pngDimensions(bytes->second)) {
          f["width"] = size->first;
          f["height"] = size->second;
        }
      }
      entries.push_back({name, std::move(f)});
    }
  }
  if (ec) return makeError(ErrorCode::kIo, "Branding: cannot list '" + directory_ + "': " + ec.message());
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.name < b.name; });

  Json files = Json::array();
  for (auto& e : entries) files.push_back(std::move(e.json));
  Json missing = Json::array();
  for (const auto& name : names) {
    const bool fixed = std::find(std::begin(kFixed), std::end(kFixed), name) != std::end(kFixed);
    if (!fixed && !have.count(name)) missing.push_back(name);
  }
  Json problem;
  if (!read) {
    problem = read.error().message;
  } else if (auto checked = checkBranding(have); !checked) {
    problem = checked.error().message;
  }
  return Json{{"directory", directory_},
              {"files", std::move(files)},
              {"missing", std::move(missing)},
              {"clientBranding", jsonContent(have, "ClientBranding.json")},
              {"webBranding", jsonContent(have, "WebBranding.json")},
              {"valid", problem.is_null()},
              {"problem", problem}};
}

Result<std::string> BrandingFolder::file(const std::string& name) const {
  SPE_TRY(checkPlainName(name));
  std::lock_guard<std::mutex> lock(mutex_);
  auto read = readBrandingFiles(directory_);
  if (!read) return read.error();
  auto it = read->find(name);
  if (it == read->end()) {
    return makeError(ErrorCode::kNotFound, "Branding: '" + name + "' is not a file of the branding.");
  }
  return it->second;
}

Status BrandingFolder::put(const std::map<std::string, std::string>& files) {
  if (files.empty()) return makeError(ErrorCode::kInvalidArgument, "Branding: give at least one file.");
  for (const auto& [name, bytes] : files) SPE_TRY(checkPlainName(name));
  std::lock_guard<std::mutex> lock(mutex_);
  SPE_TRY(checkFolder(directory_));
  auto read = readBrandingFiles(directory_);
  if (!read) return read.error();
  Files merged = std::move(*read);
  for (const auto& [name, bytes] : files) merged[name] = bytes;
  const std::set<std::string> names = brandingNames(merged);
  for (const auto& [name, bytes] : files) {
    if (!names.count(name)) {
      return bad(name,
                 "is not a branding file: only ClientBranding.json, WebBranding.json, index.html, about.html and the "
                 "files they name are. Upload it together with the JSON file that names it.");
    }
  }
  auto checked = checkBranding(usedFiles(merged));
  if (!checked) return checked.error();

  std::error_code ec;
  fs::create_directories(directory_, ec);
  if (ec) return makeError(ErrorCode::kIo, "Branding: cannot create '" + directory_ + "': " + ec.message());
  // Pictures and pages first, the JSON files that name them last.
  for (const bool json : {false, true}) {
    for (const auto& [name, bytes] : files) {
      if (isJson(name) == json) SPE_TRY(writeFileAtomically(directory_ + "/" + name, bytes, 0644));
    }
  }
  return okStatus();
}

Status BrandingFolder::remove(const std::string& name) {
  SPE_TRY(checkPlainName(name));
  std::lock_guard<std::mutex> lock(mutex_);
  SPE_TRY(checkFolder(directory_));
  const std::string path = directory_ + "/" + name;
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) {
      return makeError(ErrorCode::kNotFound, "Branding: there is no file '" + name + "' in the branding folder.");
    }
    return makeError(ErrorCode::kIo, "Branding: cannot read '" + name + "': " + std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) return bad(name, "is a folder; only files can be deleted here.");
  // A link or a second name of a file is never part of a branding (the
  // checks refuse it): removing it can only mend the folder.
  const bool plain = S_ISREG(st.st_mode) && st.st_nlink == 1;
  if (plain) {
    auto read = readBrandingFiles(directory_);
    if (!read) return read.error();
    Files after = *read;
    after.erase(name);
    if (checkBranding(usedFiles(*read))) {
      if (auto broken = checkBranding(usedFiles(after)); !broken) {
        std::string why = broken.error().message;
        if (why.rfind("Branding: ", 0) == 0) why.erase(0, 10);
        return makeError(ErrorCode::kInvalidArgument, "Branding: '" + name +
                                                          "' cannot be deleted, the branding would break: " + why +
                                                          " Change or delete the JSON file that names it first.");
      }
    }
  }
  if (::unlink(path.c_str()) != 0) {
    return makeError(ErrorCode::kIo, "Branding: cannot delete '" + name + "': " + std::strerror(errno));
  }
  return syncDirectory(directory_);
}

}  // namespace spe::management
