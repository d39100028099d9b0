// Opens the message source of an archiving profile: files (emlDirectory,
// mbox, maildir; Outlook's pstFile and msgDirectory: pst_source.h,
// msg_source.h), a mail server (imap, pop3) or a multidrop mailbox
// (imapMultidrop, pop3Multidrop: each message to its recipients' archives).
// Thread safety: as the sources (one import run each).
#pragma once

#include <memory>
#include <string>

#include "instancehost/instance/archiving/file_sources.h"
#include "instancehost/instance/model/profiles.h"
#include "instancehost/instance/model/users.h"
#include "store/archive_store.h"

namespace spe::instance {

// A folder path that starts with an existing user's archive, normalised
// ("jdoe/Imported"); `what` names the detail in errors.
Result<std::string> userFolder(const std::string& path, UserDirectory& users, const std::string& what);

// The connectors: where their messages come from.
struct Connector {
  enum class Source { kFiles, kImap, kPop3 } source;
  const char* name;
  bool multidrop;  // each message to its recipients' archives (no targetUserFolder)
};
// nullptr for an unknown name.
const Connector* findConnector(const std::string& name);
// "emlDirectory, mbox, ..." for messages.
std::string connectorNames();
bool isMultidrop(const Profile& profile);

// Checks a profile's details for its connector; unknown keys are refused
// by name.
Status checkSourceDetails(const Profile& profile);

Result<std::unique_ptr<MessageSource>> openProfileSource(const Profile& profile, UserDirectory& users,
                                                         SourceState& state, const store::OperationControl& control);

}  // namespace spe::instance
