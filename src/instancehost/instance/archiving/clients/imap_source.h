// The `imap` connector: archives the folders of one mailbox on an IMAP
// server (profile details in docs/archive.md).
//
// Incremental per folder: the source keeps, per profile and folder, the
// folder's UIDVALIDITY and the highest UID up to which every message is
// durable in the archive (SOURCE_STATE); the next run fetches only UIDs
// above it. A new UIDVALIDITY starts the folder again (the archive skips
// what it holds already as duplicates). The position moves only after the
// messages are durable, in finish(), so a crash or a dropped connection
// repeats work and never loses mail. Messages are deleted at the source
// only when they are durable in the archive.
// Thread safety: used by one import run; `durable` callbacks may come from
// another thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "instancehost/instance/archiving/clients/imap_client.h"
#include "instancehost/instance/archiving/file_sources.h"
#include "instancehost/instance/model/profiles.h"

namespace spe::instance {

struct ImapSettings {
  ImapClient::Options connection;
  std::vector<std::string> include_folders, exclude_folders;  // folder paths ('/'); empty include = all
  bool archive_unread = true;
  std::string since;  // IMAP date ("1-Jan-2024") or empty
  enum class Delete { kNever, kAfterArchive, kAfterDays } delete_mode = Delete::kNever;
  int delete_after_days = 0;
};

// Checks and reads the details (and the stored password) of an imap
// profile; errors name the detail.
// `multidrop`: no targetUserFolder (each message goes to its recipients).
Result<ImapSettings> imapSettings(const Json& details, const Json& secrets, bool multidrop = false);
// The keys an imap profile's details may have.
const std::vector<std::string>& imapDetailKeys();

Result<std::unique_ptr<MessageSource>> openImapSource(const ImapSettings& settings, std::int64_t profile_id,
                                                      SourceState& state);

// The archive folder of a server folder: its levels joined with '/'
// ('/' inside a level becomes '_'); INBOX is "Inbox".
std::string archiveFolderOf(const ImapFolder& folder);

}  // namespace spe::instance
