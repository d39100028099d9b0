// DirectoryService: the Instance Host's file-system functions
// (GetDirectoriesOnInstanceHost, CreateDirectoryOnInstanceHost).
//
// Paths are absolute or relative to the base directory. After resolving
// "..", symbolic links and the like, a path must be the base directory or
// below it; anything else is refused, so the Management API can never
// browse or create outside the host's instance root.
// Thread safety: stateless apart from the base path; safe from any thread.
#pragma once

#include <string>

#include "common/base/json_reader.h"
#include "common/base/result.h"

namespace spe::instancehost {

class DirectoryService {
 public:
  explicit DirectoryService(std::string base_directory);

  // [{name, path}] of the subdirectories of `path` (base when empty), by name.
  Result<Json> list(const std::string& path) const;
  // Creates `path` and missing parents; an existing directory is fine.
  Status create(const std::string& path) const;

  // The resolved absolute path, or an error when outside the base.
  Result<std::string> resolve(const std::string& path) const;

 private:
  std::string base_;
};

}  // namespace spe::instancehost
