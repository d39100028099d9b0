#include "instancehost/directory_service.h"

#include <algorithm>
#include <filesystem>

#include "common/base/paths.h"

namespace spe::instancehost {
namespace fs = std::filesystem;

DirectoryService::DirectoryService(std::string base_directory) : base_(std::move(base_directory)) {}

Result<std::string> DirectoryService::resolve(const std::string& path) const {
  if (path.find('\0') != std::string::npos)
    return makeError(ErrorCode::kInvalidArgument, "The path contains a NUL byte.");
  std::error_code ec;
  fs::create_directories(base_, ec);
  const fs::path base = fs::weakly_canonical(base_, ec);
  if (ec) return makeError(ErrorCode::kIo, "The base directory '" + base_ + "' is not usable: " + ec.message());
  fs::path p = path.empty() ? base : fs::path(path);
  if (p.is_relative()) p = base / p;
  const fs::path resolved = fs::weakly_canonical(p, ec);
  if (ec) return makeError(ErrorCode::kInvalidArgument, "The path '" + path + "' cannot be resolved: " + ec.message());
  if (!isInside(resolved, base)) {
    return makeError(ErrorCode::kPermissionDenied,
                     "The path '" + path + "' is outside the Instance Host's base directory '" + base.string() + "'.");
  }
  return resolved.string();
}

Result<Json> DirectoryService::list(const std::string& path) const {
  auto dir = resolve(path);
  if (!dir) return dir.error();
  std::error_code ec;
  if (!fs::is_directory(*dir, ec)) {
    return makeError(ErrorCode::kNotFound, "The directory '" + *dir + "' does not exist.");
  }
  std::vector<std::string> names;
  for (fs::directory_iterator it(*dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code tec;
    if (it->is_directory(tec) && !it->is_symlink(tec)) names.push_back(it->path().filename().string());
  }
  if (ec) return makeError(ErrorCode::kIo, "Cannot read the directory '" + *dir + "': " + ec.message());
  std::sort(names.begin(), names.end());
  Json out = Json::array();
  for (const auto& n : names) {
    if (!n.empty() && n[0] == '.') continue;  // internal (lock and state) directories
    out.push_back({{"name", n}, {"path", (fs::path(*dir) / n).string()}});
  }
  return out;
}

Status DirectoryService::create(const std::string& path) const {
  if (path.empty()) return makeError(ErrorCode::kInvalidArgument, "The argument 'path' must not be empty.");
  auto dir = resolve(path);
  if (!dir) return dir.error();
  std::error_code ec;
  if (fs::exists(*dir, ec) && !fs::is_directory(*dir, ec)) {
    return makeError(ErrorCode::kAlreadyExists, "'" + *dir + "' exists and is not a directory.");
  }
  fs::create_directories(*dir, ec);
  if (ec) return makeError(ErrorCode::kIo, "Cannot create the directory '" + *dir + "': " + ec.message());
  return okStatus();
}

}  // namespace spe::instancehost
