// Multidrop: a journal or catch-all mailbox archived per recipient. Each
// message goes to the archive of every user whose e-mail addresses match a
// recipient (mime::messageRecipients). Messages without a known recipient
// go to `unknownRecipientsFolder`, or are skipped and counted.
// Thread safety: a source is used by one import run.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "instancehost/instance/archiving/file_sources.h"

namespace spe::instance {

// Wraps a mail server source: every message is handed to the archives of
// its recipients (folders below each user's archive keep the source's
// folder structure).
std::unique_ptr<MessageSource> multidropSource(std::unique_ptr<MessageSource> inner,
                                               std::map<std::string, std::vector<std::string>> users_by_address,
                                               std::string unknown_recipients_folder);

}  // namespace spe::instance
