// The message source of the "msgDirectory" connector (docs/archive.md): a
// directory of Outlook .msg files (other files are passed over), its
// subdirectories as folders like emlDirectory. Each file is converted to
// RFC 5322 (common/mapi); a file that cannot be read or converted is an
// error of that file, the rest goes on; conversion losses are warnings at
// the end.
// Thread safety: a source is used by one thread.
#pragma once

#include <memory>
#include <string>

#include "common/base/result.h"
#include "instancehost/instance/archiving/message_source.h"

namespace spe::instance {

// `path`: an absolute directory inside the instance's allowed roots.
Result<std::unique_ptr<MessageSource>> openMsgSource(const std::string& path, bool include_subfolders);

}  // namespace spe::instance
