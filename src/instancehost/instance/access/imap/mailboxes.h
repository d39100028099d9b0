// What an IMAP session of one user sees of the instance's archives.
//
// Mailbox names: the user's own archive folders at the top level (its
// folder "Inbox" is INBOX); every other archive the user may read under
// "Other Users/<archive>/". The hierarchy delimiter is '/'. Names here are
// UTF-8; the session encodes them as modified UTF-7.
//
// Listing a mailbox costs a pass over its messages and UIDs. The listing is
// kept, process-wide and shared by the sessions, with the stamp of the
// mailbox's folder it was made at (changes(): ArchiveStore::folderChanges of
// every loaded store, memory only); while the stamp stands, open() and
// status() answer from it. So NOOP, IDLE's look for new mail and STATUS cost
// the same for 100 or 100,000 messages until the folder changes; then the
// first session to look lists it again and the others wait for that
// listing. Snapshots are held while a session holds them; the counts STATUS
// needs stay (a few bytes per mailbox).
//
// UIDs (ImapUidMap, master DB tables IMAP_MAILBOXES and IMAP_UIDS): a
// message gets the mailbox's next UID when a session first sees it there,
// in archiving order, and keeps it while it stays; a mailbox's
// UIDVALIDITY is set when it is first seen and kept (UIDs never go back, so
// a folder deleted and archived again continues above its old UIDs).
// Thread safety: safe from any thread (the database serialises writes);
// the calls block (database, stores): sessions run them on a pool.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "instancehost/instance/api/context.h"

namespace spe::instance {

struct ImapMailbox {
  std::string name;  // UTF-8, '/' separated
  std::string path;  // the archive folder path; empty for a name that only groups others
  bool has_children = false;
};

// What is kept per message of a selected mailbox (96 bytes: where its
// content is, so FETCH reads it without a database lookup).
struct ImapMessageRef {
  std::uint32_t uid = 0;
  std::int64_t store_id = 0;
  std::int64_t message_id = 0;
  std::int64_t size = 0;
  std::int64_t date = 0;         // Date header (UTC epoch seconds)
  std::int64_t archived_at = 0;  // INTERNALDATE
  std::array<unsigned char, 32> sha256{};
  std::int64_t container = 0, offset = 0, length = 0;
};

using MessageKey = std::pair<std::int64_t, std::int64_t>;  // store id, message id

// A mailbox as a session sees it. Immutable once made: sessions that look
// at the same mailbox in the same state share one (ImapUserView::open).
struct ImapSnapshot {
  std::string path;         // the folder; for a name that only groups others, a key of its own
  std::uint64_t stamp = 0;  // ImapUserView::changes(path) before it was listed
  std::uint32_t uid_validity = 0;
  std::uint32_t uid_next = 1;
  std::vector<ImapMessageRef> messages;  // ascending UIDs
};

class ImapUidMap {
 public:
  explicit ImapUidMap(FirebirdDb& db) : db_(db) {}
  // Gives UIDs to the messages of `path` not seen there before and returns
  // the mailbox as it is now.
  Result<ImapSnapshot> sync(const std::string& path, std::vector<std::pair<std::int64_t, store::MessageInfo>> messages);

 private:
  FirebirdDb& db_;
};

class ImapUserView {
 public:
  // `archives`: what the user may read (readableArchives); none = all.
  ImapUserView(InstanceContext& ctx, std::string user, std::optional<std::vector<std::string>> archives);

  const std::string& user() const { return user_; }
  Result<std::vector<ImapMailbox>> mailboxes();
  // The mailbox by its IMAP name (INBOX in any case); nullopt when the user
  // has no such mailbox.
  Result<std::optional<ImapMailbox>> find(const std::string& name);
  Result<std::shared_ptr<const ImapSnapshot>> open(const ImapMailbox& mailbox);
  // What STATUS tells of a mailbox, from the kept listing while it stands.
  struct Counts {
    std::size_t messages = 0;
    std::uint32_t uid_next = 1, uid_validity = 0;
  };
  Result<Counts> status(const ImapMailbox& mailbox);
  // The stamp of a snapshot's folder (ImapSnapshot::path): moves whenever a
  // loaded store commits a change of its messages (or of folders, or the
  // set of loaded stores changes). Cheap: memory only; a session lists its
  // mailbox again only when this differs from its snapshot's stamp.
  std::uint64_t changes(const std::string& path);
  // Raw bytes of a message; of several at once (one lookup per store).
  Result<std::string> read(const ImapMessageRef& message);
  std::vector<Result<std::string>> read(const std::vector<ImapMessageRef>& messages);
  // The messages of the snapshot's folder whose `field` (from, to, cc,
  // bcc, subject, body, or empty for any) matches `text`, by the search
  // index (imap_search.h: textQuery). `incomplete` is set when an index
  // the search needed cannot be read or predates what the query needs
  // (the search's warnings): the answer may miss messages.
  Result<std::set<MessageKey>> searchText(const ImapSnapshot& snapshot, const std::string& field,
                                          const std::string& text, bool* incomplete = nullptr);
  const std::optional<std::vector<std::string>>& archives() const { return archives_; }

 private:
  std::optional<std::string> nameOf(const std::string& path) const;

  InstanceContext& ctx_;
  std::string user_;
  std::optional<std::vector<std::string>> archives_;
  ImapUidMap uids_;
};

}  // namespace spe::instance
