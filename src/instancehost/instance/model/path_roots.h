// Where an instance may read import files and keep archive stores: the
// roots its Instance Host allows (--allowed-root, always including the
// instance's base directory). Every path an import profile or a store names
// is resolved (symbolic links, "..") and must lie inside one of them.
//
// The roots are process-wide, set once at start from the command line (like
// the Firebird lock directory); with none set nothing is confined (tools,
// tests of single classes).
// Thread safety: set before other threads use it; checks from any thread.
#pragma once

#include <string>
#include <vector>

#include "common/base/result.h"

namespace spe::instance {

void setAllowedPathRoots(const std::vector<std::string>& roots);
// The roots as given (for messages); empty = not confined.
std::vector<std::string> allowedPathRoots();

// `path` (absolute) resolved through its existing part; an error naming
// `argument` and the allowed roots when it leads outside every root.
Result<std::string> confinePath(const std::string& path, const std::string& argument);

}  // namespace spe::instance
