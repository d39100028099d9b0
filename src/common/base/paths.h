// Path confinement, shared by the Instance Host's directory functions and
// the instance's allowed roots. Header-only.
// Thread safety: pure functions.
#pragma once

#include <algorithm>
#include <filesystem>

namespace spe {

// True when `path` is `root` or lies below it, element by element (so
// "/data/a" is not inside "/data/ab"). Both must already be resolved
// (weakly_canonical): this compares names, it follows no link.
inline bool isInside(const std::filesystem::path& path, const std::filesystem::path& root) {
  auto [r, p] = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
  // A trailing empty element ("dir/") matches anything.
  return r == root.end() || (std::next(r) == root.end() && r->empty());
}

}  // namespace spe
