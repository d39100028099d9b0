// The message source of the "pstFile" connector (docs/archive.md): a .pst
// or .ost file, or a directory searched (with its subdirectories) for
// them. Each file's folder tree (its IPM subtree, common/mapi/pst_reader.h)
// becomes folders below the target; when the path is a directory, each
// file's folders go below a folder named after the file ("mail.pst" ->
// "mail"), in the directory's own subfolders.
// Every mail item is converted to RFC 5322 (common/mapi/mime_builder.h).
// An item that cannot be read or converted is an error of that item, named
// by file, folder and position; the rest goes on. Items that are not mail
// (contacts, appointments, tasks, notes) are skipped (counted) and named in
// one warning per file and kind at the end, as are conversion losses (a
// damaged RTF body).
// Thread safety: a source is used by one thread.
#pragma once

#include <memory>
#include <string>

#include "common/base/result.h"
#include "instancehost/instance/archiving/message_source.h"

namespace spe::instance {

// `path`: absolute, inside the instance's allowed roots (checked here).
Result<std::unique_ptr<MessageSource>> openPstSource(const std::string& path);

}  // namespace spe::instance
