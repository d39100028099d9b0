// The folder tree Web Access shows: for each archive the user may read (the
// user's own first), a root that stands for all of its folders, and the
// folders below it in tree order (Inbox first, then by name). A folder that
// only holds other folders is listed too, so every level can be searched
// with its subfolders. Folders for sent mail ("Sent", "Sent Items",
// "Gesendete Elemente" ... and the folders below them) are flagged: their
// lists show the recipients instead of the sender.
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/base/json_reader.h"

namespace spe::instance {

// True when a component of `path` names a folder of sent mail in one of the
// languages mail clients name it in (case-insensitive).
bool isSentFolder(const std::string& path);

// The archives in the order they are shown: `readable` (readableArchives(),
// the user's own first), or when every archive is readable (nullopt), the
// archives `paths` name, `own` first.
std::vector<std::string> shownArchives(const std::optional<std::vector<std::string>>& readable,
                                       const std::vector<std::string>& paths, const std::string& own);

// [{archive, own, folders: [{path, name, depth, hasChildren, hasMessages,
// sent}]}] for `archives` (each once), from the folder paths of every store
// ("jdoe/Inbox/Project"); paths of other archives are left out. An archive
// without folders is listed with none (an empty archive).
Json folderTree(const std::vector<std::string>& archives, const std::vector<std::string>& paths,
                const std::string& own);

}  // namespace spe::instance
