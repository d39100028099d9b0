// An instance moved to another directory (docs/multi-server.md) finds its
// archive stores below the new one: its last directory is kept in SETTINGS
// 'BaseDirectory' (or, in a copy a move made, named by MovedFrom.txt, also
// for an instance never started with this version); store paths below it,
// and the automatic stores' directory, are rewritten to the same place
// below the new one. Stores elsewhere keep their paths.
#pragma once

#include <string>

#include "common/base/result.h"
#include "instancehost/instance/model/master_db.h"

namespace spe::instance {

Status followMovedBase(InstanceMasterDb& db, const std::string& base_directory);

}  // namespace spe::instance
