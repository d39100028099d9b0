#include "common/base/branding.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <regex>
#include <set>

namespace spe {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxFile = 4u << 20;

const std::map<std::string, std::vector<std::string>> kFields = {
    {"ClientBranding.json",
     {"clientName", "helpUrl", "loginHeaderImage_410x81_png", "headerBackgroundColor", "headerLeftImage_autox95_png",
      "headerRightImage_autox95_png", "about_html", "watermarkImage_300x150_png", "gatewayName", "appPublisherName",
      "appPrivacyUrl", "appTermsOfUseUrl", "appColorImage_192x192_png", "appOutlineImage_32x32_png"}},
    {"WebBranding.json",
     {"webName", "webAbout_html", "webRoot_html", "webHelpUrl", "webLoginHeaderImage_410x81_png",
      "webHeaderBackgroundColor", "webHeaderBackgroundImage_autox36_png", "outlookAddinName", "outlookAddinHelpUrl",
      "watermarkImage_300x150_png", "favicon_ico", "favicon_png", "highlightColor"}},
};

Error bad(const std::string& file, const std::string& why) {
  return makeError(ErrorCode::kInvalidArgument, "Branding: " + file + ": " + why);
}

// "loginHeaderImage_410x81_png" -> {410, 81}; "autox36" -> {0, 36}.
std::pair<int, int> wantedSize(const std::string& field) {
  static const std::regex kSize("_(auto|[0-9]+)x([0-9]+)_png$");
  std::smatch m;
  if (!std::regex_search(field, m, kSize)) return {0, 0};
  return {m[1] == "auto" ? 0 : std::stoi(m[1]), std::stoi(m[2])};
}

// Fields whose value names a file of the branding (images and HTML pages).
bool namesFile(const std::string& field) {
  const auto ends = [&](const char* suffix) {
    const std::size_t n = std::strlen(suffix);
    return field.size() > n && field.compare(field.size() - n, n, suffix) == 0;
  };
  return ends("_png") || ends("_html") || field == "favicon_ico";
}

const char* const kFixedNames[] = {"ClientBranding.json", "WebBranding.json", "index.html", "about.html"};

// The JSON object in `bytes` (a BOM allowed), or null when it is not one.
Json jsonOf(const std::string& bytes) {
  std::string text = bytes;
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
  auto parsed = parseJson(text, "branding");
  return parsed && parsed->is_object() ? *parsed : Json();
}

}  // namespace

// The names a branding may hold: the two JSON files, index.html,
// about.html and the files the JSON files name in their documented fields
// (at most 14 names, however many fields a crafted JSON file holds).
// Nothing else is read from the folder, sent to a CAS or served.
std::set<std::string> brandingNames(const std::map<std::string, std::string>& files) {
  std::set<std::string> names(std::begin(kFixedNames), std::end(kFixedNames));
  for (const auto& [json_name, fields] : kFields) {
    auto it = files.find(json_name);
    if (it == files.end()) continue;
    const Json json = jsonOf(it->second);
    if (!json.is_object()) continue;
    for (const std::string& field : fields) {
      if (!namesFile(field)) continue;
      auto value = json.find(field);
      if (value != json.end() && value->is_string()) names.insert(value->get<std::string>());
    }
  }
  return names;
}

namespace {

// Reads `name` from the open folder `dir` into `files`: a regular file
// only, never through a symbolic link (O_NOFOLLOW; a link to the
// Management Server's TLS key would otherwise be served to anyone) nor a
// hard link (a second name of the key passes every other check), and
// without blocking on a FIFO. A missing file is left to the checks.
Status readRegularFile(int dir, const std::string& name, std::map<std::string, std::string>& files) {
  if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..") return okStatus();
  const int fd = ::openat(dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return okStatus();
    if (errno == ELOOP) {
      return bad(name, "is a symbolic link; branding files must be regular files in the branding folder.");
    }
    return bad(name, std::string("cannot be read: ") + std::strerror(errno));
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) return bad(name, std::string("cannot be read: ") + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return bad(name, "is not a regular file; branding files must be regular files.");
  if (st.st_nlink != 1) {
    return bad(name, "has " + std::to_string(st.st_nlink) +
                         " names (hard links); branding files must be plain copies with one name.");
  }
  if (static_cast<std::size_t>(st.st_size) > kMaxFile) return bad(name, "is larger than 4 MB.");
  std::string bytes;
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return bad(name, std::string("cannot be read: ") + std::strerror(errno));
    if (n == 0) break;
    bytes.append(buffer, static_cast<std::size_t>(n));
    if (bytes.size() > kMaxFile) return bad(name, "is larger than 4 MB.");
  }
  files[name] = std::move(bytes);
  return okStatus();
}

Status checkFile(const std::string& json_name, const std::string& field, const std::string& value,
                 const std::map<std::string, std::string>& files) {
  const bool image = field.size() > 4 && (field.substr(field.size() - 4) == "_png" || field == "favicon_ico");
  const bool html = field.size() > 5 && field.substr(field.size() - 5) == "_html";
  if (!image && !html) return okStatus();
  if (value.find('/') != std::string::npos || value.find("..") != std::string::npos || value.empty()) {
    return bad(json_name, "'" + field + "' must name a file in the branding folder, not '" + value + "'.");
  }
  auto it = files.find(value);
  if (it == files.end()) return bad(json_name, "'" + field + "' names '" + value + "', which is not there.");
  if (html) {
    if (field.find("bout") != std::string::npos && it->second.rfind("\xEF\xBB\xBF", 0) != 0) {
      return bad(value, "must start with a UTF-8 byte order mark (BOM), or it cannot be loaded.");
    }
    return okStatus();
  }
  if (field == "favicon_ico") {
    if (it->second.size() < 6 || it->second.compare(0, 4, std::string("\0\0\1\0", 4)) != 0) {
      return bad(value, "is not an ICO file.");
    }
    return okStatus();
  }
  auto size = pngDimensions(it->second);
  if (!size) return bad(value, "is not a PNG image.");
  auto [w, h] = wantedSize(field);
  if (field == "favicon_png") w = h = 196;
  if ((w && size->first != w) || (h && size->second != h)) {
    return bad(value, "is " + std::to_string(size->first) + "x" + std::to_string(size->second) + " pixels; '" + field +
                          "' must be " + (w ? std::to_string(w) : std::string("any width ")) + "x" + std::to_string(h) +
                          ".");
  }
  return okStatus();
}

Result<Json> checkJson(const std::string& name, const std::map<std::string, std::string>& files) {
  auto it = files.find(name);
  if (it == files.end()) return Json::object();
  std::string text = it->second;
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
  auto parsed = parseJson(text, name);
  if (!parsed) return bad(name, "is not valid JSON: " + parsed.error().message);
  if (!parsed->is_object()) return bad(name, "must hold a JSON object.");
  const auto& allowed = kFields.at(name);
  static const std::regex kColor("^#[0-9A-Fa-f]{6}$");
  for (const auto& [field, value] : parsed->items()) {
    if (std::find(allowed.begin(), allowed.end(), field) == allowed.end()) {
      return bad(name, "unknown field '" + field + "'.");
    }
    if (!value.is_string()) return bad(name, "'" + field + "' must be a string.");
    const std::string v = value.get<std::string>();
    const bool color = field.size() > 5 && field.compare(field.size() - 5, 5, "Color") == 0;
    if (color && !std::regex_match(v, kColor)) {
      return bad(name, "'" + field + "' must be a color like #126d9c, not '" + v + "'.");
    }
    if (field.rfind("app", 0) == 0 && field.find("Url") != std::string::npos && v.rfind("https://", 0) != 0) {
      return bad(name, "'" + field + "' must begin with https://.");
    }
    SPE_TRY(checkFile(name, field, v, files));
  }
  return *parsed;
}

}  // namespace

std::optional<std::pair<int, int>> pngDimensions(const std::string& bytes) {
  static const std::string kSignature("\x89PNG\r\n\x1a\n", 8);
  if (bytes.size() < 24 || bytes.compare(0, 8, kSignature) != 0 || bytes.compare(12, 4, "IHDR") != 0) {
    return std::nullopt;
  }
  auto be32 = [&](std::size_t at) {
    return (static_cast<unsigned char>(bytes[at]) << 24) | (static_cast<unsigned char>(bytes[at + 1]) << 16) |
           (static_cast<unsigned char>(bytes[at + 2]) << 8) | static_cast<unsigned char>(bytes[at + 3]);
  };
  return std::make_pair(static_cast<int>(be32(16)), static_cast<int>(be32(20)));
}

Result<Branding> checkBranding(std::map<std::string, std::string> files) {
  Branding b;
  for (const auto& [name, bytes] : files) {
    if (name.empty() || name.find('/') != std::string::npos || name.find("..") != std::string::npos) {
      return bad(name, "file names must be plain names.");
    }
    if (bytes.size() > kMaxFile) return bad(name, "is larger than 4 MB.");
  }
  const std::set<std::string> documented = brandingNames(files);
  for (const auto& [name, bytes] : files) {
    if (!documented.count(name)) {
      return bad(name,
                 "is not a branding file (only ClientBranding.json, WebBranding.json, index.html, "
                 "about.html and the files they name are).");
    }
  }
  auto about = files.find("about.html");
  if (about != files.end() && about->second.rfind("\xEF\xBB\xBF", 0) != 0) {
    return bad("about.html", "must start with a UTF-8 byte order mark (BOM), or it cannot be loaded.");
  }
  auto client = checkJson("ClientBranding.json", files);
  if (!client) return client.error();
  auto web = checkJson("WebBranding.json", files);
  if (!web) return web.error();
  b.client = std::move(*client);
  b.web = std::move(*web);
  b.files = std::move(files);
  return b;
}

Result<std::map<std::string, std::string>> readBrandingFiles(const std::string& directory) {
  std::error_code ec;
  if (!fs::is_directory(directory, ec)) return std::map<std::string, std::string>{};
  const int dir = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dir < 0) {
    if (errno == ELOOP || errno == ENOTDIR) {
      return makeError(ErrorCode::kInvalidArgument,
                       "Branding: '" + directory + "' is a symbolic link; the branding folder must be a folder.");
    }
    return makeError(ErrorCode::kIo, "Branding: cannot read '" + directory + "': " + std::strerror(errno));
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{dir};
  // Only the documented names are read (the JSON files first: they name
  // the rest); anything else in the folder is ignored.
  std::map<std::string, std::string> files;
  for (const char* name : kFixedNames) SPE_TRY(readRegularFile(dir, name, files));
  for (const auto& name : brandingNames(files)) {
    if (!files.count(name)) SPE_TRY(readRegularFile(dir, name, files));
  }
  return files;
}

Result<Branding> readBranding(const std::string& directory) {
  auto files = readBrandingFiles(directory);
  if (!files) return files.error();
  return checkBranding(std::move(*files));
}

}  // namespace spe
