#include "instancehost/instance/model/path_roots.h"

#include <filesystem>

#include "common/base/paths.h"

namespace spe::instance {
namespace fs = std::filesystem;

namespace {

struct Root {
  std::string given;
  fs::path resolved;
};

std::vector<Root>& roots() {
  static std::vector<Root> r;
  return r;
}

}  // namespace

void setAllowedPathRoots(const std::vector<std::string>& given) {
  std::vector<Root> out;
  for (const auto& g : given) {
    if (g.empty()) continue;
    std::error_code ec;
    fs::path resolved = fs::weakly_canonical(fs::absolute(g), ec);
    if (ec) resolved = fs::absolute(g).lexically_normal();
    out.push_back({g, resolved});
  }
  roots() = std::move(out);
}

std::vector<std::string> allowedPathRoots() {
  std::vector<std::string> out;
  for (const auto& r : roots()) out.push_back(r.given);
  return out;
}

Result<std::string> confinePath(const std::string& path, const std::string& argument) {
  if (roots().empty()) return path;
  std::error_code ec;
  const fs::path resolved = fs::weakly_canonical(fs::path(path), ec);
  if (!ec) {
    for (const auto& r : roots()) {
      if (isInside(resolved, r.resolved)) return resolved.string();
    }
  }
  std::string list;
  for (const auto& r : roots()) list += (list.empty() ? "'" : ", '") + r.given + "'";
  return makeError(ErrorCode::kPermissionDenied,
                   "'" + argument + "' '" + path + "' is outside the directories this instance may use (" + list +
                       "); symbolic links and '..' are resolved. The Instance Host's 'allowedPathRoots' setting "
                       "adds directories.");
}

}  // namespace spe::instance
