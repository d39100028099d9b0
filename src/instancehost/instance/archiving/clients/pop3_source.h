// The `pop3` connector: archives a POP3 mailbox into "<targetUserFolder>/Inbox".
// The unique ids (UIDL) of messages durable in the archive are kept per
// profile (SOURCE_UIDS); a run fetches only the others, and deletes at the
// source (deleteAfterArchive) only messages that are durable. Ids the
// server no longer lists are forgotten.
// Thread safety: used by one import run; `durable` callbacks may come from
// another thread.
#pragma once

#include <memory>

#include "instancehost/instance/archiving/clients/pop3_client.h"
#include "instancehost/instance/archiving/file_sources.h"
#include "instancehost/instance/model/profiles.h"

namespace spe::instance {

struct Pop3Settings {
  Pop3Client::Options connection;
  bool delete_after_archive = false;
};

// `multidrop`: no targetUserFolder (each message goes to its recipients).
Result<Pop3Settings> pop3Settings(const Json& details, const Json& secrets, bool multidrop = false);
const std::vector<std::string>& pop3DetailKeys();
Result<std::unique_ptr<MessageSource>> openPop3Source(const Pop3Settings& settings, std::int64_t profile_id,
                                                      SourceState& state);

}  // namespace spe::instance
