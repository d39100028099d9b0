// PstReader: the messages of an Outlook data file (PST, Unicode or ANSI,
// and OST), read with libpff, as MapiMessages.
//
// Folders: only the tree Outlook shows, the IPM subtree (the message
// store's PR_IPM_SUBTREE_ENTRYID; else the root's "Top of Personal
// Folders" or "Root - Mailbox/IPM_SUBTREE"), so the search roots and
// Exchange's internal folders stay out. Paths are relative to it and
// joined with '/' ("Inbox/Projects"); a '/' in a folder name becomes '_'.
// Items: e-mail and everything sent like it (IPM.Note*, meeting requests
// and responses IPM.Schedule.Meeting.*, IPM.Post, reports REPORT.*, ...)
// becomes a MapiMessage; contacts, distribution lists, appointments,
// tasks, notes, journal entries and configuration items are skipped with
// the reason. An item libpff cannot read is an error of that item; the
// walk goes on.
// Thread safety: one thread per reader (libpff objects are not shared).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/base/result.h"
#include "common/mapi/mapi_message.h"

namespace spe::mapi {

struct PstItem {
  std::string folder;  // relative to the IPM subtree, "" for its top
  int index = 0;       // position in its folder, from 1
  std::optional<MapiMessage> message;
  std::string error;        // could not be read (libpff's reason)
  std::string skip_reason;  // not a message ("a contact (IPM.Contact)")
};

// True for message classes that are archived as mail (see above).
bool isMailMessageClass(const std::string& message_class);
// The skip reason of a class that is not mail, "" for mail.
std::string skipReason(const std::string& message_class);

class PstReader {
 public:
  // Opens the file read-only. Errors: kIo when it cannot be opened,
  // kCorrupt when libpff does not recognise it as a PST/OST file.
  static Result<std::unique_ptr<PstReader>> open(const std::string& path);
  ~PstReader();
  PstReader(const PstReader&) = delete;
  PstReader& operator=(const PstReader&) = delete;

  // Items in the folders walked (for progress); 0 when unknown.
  std::int64_t itemCount();
  // Calls `each` for every item, folder by folder (a folder's items, then
  // its subfolders in stored order); stops early when it returns false.
  // Fails only when the folder tree itself cannot be read.
  Status forEach(const std::function<bool(PstItem&&)>& each);

 private:
  struct Impl;
  explicit PstReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace spe::mapi
