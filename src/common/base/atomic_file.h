// Replacing a small file atomically: keys, key descriptions, compression
// dictionaries, store state. A reader (or a restart after a crash) sees the
// old content or the new, never a mix or an empty file.
//
// How: the data goes to a fresh temporary file in the same directory
// (mkstemp: a name nobody could have prepared), which has its final mode
// before the first byte is written; it is fsynced, renamed over `path`, and
// the directory is fsynced so the rename itself survives a crash.
// Thread safety: stateless; concurrent writers of the same path each replace
// it whole (the last rename wins).
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "common/base/result.h"

namespace spe {

// Replaces `path` with `data`, mode `mode` (0600 by default: most of these
// files hold secrets). Errors are kIo and name the file; on any error the
// old file is left as it was and no temporary file remains.
Status writeFileAtomically(const std::string& path, std::string_view data, mode_t mode = 0600);

// fsync of a directory, so renames and creations in it are durable.
Status syncDirectory(const std::string& directory);

}  // namespace spe
