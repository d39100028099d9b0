// ArchiveStore: one archive store directory.
//
//   MailStoreFileGroup.fdb  metadata (embedded Firebird): folders, contents
//                           (one row per unique raw message: SHA-256, place
//                           in the container, listing headers), messages
//                           (a content in a folder), the indexing queue and
//                           the committed ends of the append-only files
//   MailStoreFileGroup.key  format version, GUID, wrapped data key
//   Content/NNNNNNNN.dat    content records (records.h)
//   Recovery/NNNNNNNN.rec   recovery records: every metadata change
//   Index/                  full-text indexes (src/index)
//
// Writes go through one writer thread that group-commits: it takes a batch
// of submitted messages (up to batch_max, or what arrives within
// batch_delay), appends their content and recovery records, fdatasyncs both
// files, then commits one metadata transaction that also records the new
// file ends. Only then are the submitters told "archived". On open, bytes
// past the recorded ends (a crash between the appends and the commit) are
// cut off, so no partial message is ever visible.
// Thread safety: all public members may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/base/result.h"
#include "common/db/firebird_db.h"
#include "common/mime/message_headers.h"
#include "store/append_file.h"
#include "store/content_reader.h"
#include "store/dictionaries.h"
#include "store/records.h"
#include "store/recovery_changes.h"
#include "store/store_keys.h"

namespace spe::store {

constexpr int kStoreFormatVersion = 1;

struct StoreOptions {
  int compression_level = 3;
  std::size_t batch_max = 512;
  std::size_t batch_bytes = 32u << 20;
  std::chrono::milliseconds batch_delay{5};
  std::uint64_t container_max = 16u << 20;
  std::uint64_t recovery_segment_max = 32u << 20;
  // Tests only: create stores with this older schema version (-1 = latest).
  int schema_version_for_tests = -1;
};

// One message handed to the store, already sealed (see ArchiveStore::prepare).
struct IngestItem {
  std::string folder;  // normalised path, first component = user archive
  SealedContent content;
  mime::MessageHeaders headers;
  std::int64_t archived_at = 0;  // epoch seconds; 0 = now
};

enum class IngestOutcome { kArchived, kDuplicate, kFailed };

struct IngestResult {
  IngestOutcome outcome = IngestOutcome::kFailed;
  std::int64_t message_id = 0;
  Error error;
};

struct FolderInfo {
  std::string path;
  std::int64_t messages = 0;
  std::int64_t size = 0;  // raw bytes
};

// Where a message's content record is.
struct ContentRef {
  std::string sha256_hex;
  std::int64_t container = 0, offset = 0, length = 0;
};

struct MessageInfo {
  std::int64_t id = 0;
  std::string folder;
  std::string sha256_hex;
  std::int64_t size = 0;
  std::int64_t date = 0;
  std::int64_t archived_at = 0;
  std::string subject, from, recipients;  // the start of each, for listings
  bool has_attachments = false;
  ContentRef content;  // where to read it without another lookup
};

// A message for the indexer (store/index_feed.cpp).
struct IndexFeedMessage {
  std::int64_t id = 0;
  std::string folder;
  std::int64_t date = 0, size = 0;
  ContentRef content;
};

// A change the indexes must follow: the message left `old_archive`'s index
// (deleted, or moved); `folder` is where it is now, if it still exists.
struct IndexQueueEntry {
  std::int64_t queue_id = 0;
  std::int64_t message_id = 0;
  std::string old_archive;
  std::optional<std::string> folder;
};

// The user archive a folder path belongs to (its first component).
std::string archiveOf(const std::string& folder);

struct StoreStatistics {
  std::int64_t messages = 0;
  std::int64_t raw_bytes = 0;
};

struct StoreSizes {
  std::int64_t database = 0, content = 0, index = 0, recovery = 0;
};

// Progress of a long store operation: percent (0-100) and text; return
// false from `cancelled` ... true to stop.
struct OperationControl {
  std::function<void(int percent, const std::string& text)> progress;
  std::function<bool()> cancelled;
  void report(int percent, const std::string& text) const {
    if (progress) progress(percent, text);
  }
  bool stop() const { return cancelled && cancelled(); }
};

struct VerifyReport {
  std::int64_t messages_checked = 0;
  std::int64_t recovery_records = 0;
  std::vector<std::string> problems;  // each names the message or file
  Json toJson() const;
};

class ArchiveStore {
 public:
  // Creates a new, empty store in `directory` (which must not hold one).
  static Result<std::unique_ptr<ArchiveStore>> create(const std::string& directory, const InstanceKeys& keys,
                                                      StoreOptions options = {});
  // Opens an existing store; `write_protected` refuses every change.
  static Result<std::unique_ptr<ArchiveStore>> open(const std::string& directory, const InstanceKeys& keys,
                                                    bool write_protected, StoreOptions options = {});
  // Opens a store read-only with its recovery key (64 hex characters), for
  // operator tools working without the instance (spe-store).
  static Result<std::unique_ptr<ArchiveStore>> openWithRecoveryKey(const std::string& directory,
                                                                   const std::string& recovery_key_hex);
  ~ArchiveStore();
  ArchiveStore(const ArchiveStore&) = delete;
  ArchiveStore& operator=(const ArchiveStore&) = delete;

  const std::string& directory() const { return directory_; }
  const std::string& guid() const { return guid_; }
  int format() const { return format_; }
  bool writeProtected() const { return write_protected_; }
  // True when the store's format or database schema is older than this
  // program writes (UpgradeStore brings it up to date).
  bool needsUpgrade() const;

  // Hashes, compresses and seals a raw message (any thread, no store lock).
  SealedContent prepare(std::string_view raw) const;
  // True when the content (raw SHA-256) is already in `folder`.
  Result<bool> contains(const std::string& folder, const std::string& sha256) const;
  // Queues a message for the writer; the future resolves once it is durable
  // (or a duplicate, or failed).
  std::future<IngestResult> submit(IngestItem item);
  // Archives synchronously.
  IngestResult archive(const std::string& folder, std::string_view raw);

  Result<std::string> readMessage(std::int64_t message_id) const;
  // Reads a content record found by a listing (no database lookup).
  Result<std::string> readContent(const ContentRef& ref, std::int64_t message_id) const;
  // The same content read piece by piece (content_reader.h), for messages
  // of any size in constant memory; the reader keeps its container open.
  Result<ContentReader> contentReader(const ContentRef& ref, std::int64_t message_id) const;
  Result<std::vector<MessageInfo>> messagesIn(const std::string& folder, bool with_subfolders = false) const;
  // Folders with their message counts and sizes (one pass over the messages).
  Result<std::vector<FolderInfo>> folders() const;
  // Just the folder paths (no counting).
  Result<std::vector<std::string>> folderPaths() const;
  // True when `folder` or a folder below it holds a message.
  Result<bool> hasMessagesUnder(const std::string& folder) const;
  // The user archives (top-level folders, as spelt in their paths) that
  // hold at least one message here, sorted. Each folder is probed for its
  // first message through the MESSAGES (FOLDER_ID, ...) index, so the cost
  // grows with the number of folders, not of messages (CreateLicenseRequest
  // asks it of archives with hundreds of thousands of messages).
  Result<std::set<std::string>> archivesWithMail() const;
  Result<StoreStatistics> statistics() const;
  // Messages and raw bytes added (archived minus deleted) since this store
  // was opened: cheap, for counts kept between exact recounts.
  StoreStatistics changesSinceOpen() const { return {added_messages_.load(), added_bytes_.load()}; }
  // A stamp of the messages in `folder`: it moves after each commit that
  // adds a message there or removes one, and after each that changes folders
  // or moves content (which may touch any folder). A reader that keeps a
  // folder's listing knows from it when to list again (the IMAP server's
  // mailboxes). Memory only: cheap.
  std::int64_t folderChanges(const std::string& folder) const;
  StoreSizes sizes() const;

  // Folder changes (refused when write protected).
  Status renameFolder(const std::string& from, const std::string& to);
  // Removes folders below `under` ("" = all) that hold no message and have
  // no subfolder that does, except those in `keep` (folders that hold mail
  // in other stores) and top-level archives; returns how many were removed.
  Result<int> deleteEmptyFolders(const std::string& under, const std::set<std::string>& keep = {});
  Status createFolder(const std::string& path);

  // Deletes messages (refused when write protected); content no folder
  // references any more stays in its container until compact().
  Result<int> deleteMessages(const std::vector<std::int64_t>& ids);
  // Rewrites containers that hold content no message references (moving
  // the rest to the current container), removes containers nothing
  // references, and rewrites the recovery records. Returns bytes reclaimed.
  Result<std::int64_t> compact(const OperationControl& control);

  Result<VerifyReport> verify(const OperationControl& control);
  // Rewrites Recovery/ from the metadata database.
  Status recreateRecoveryRecords(const OperationControl& control);
  // Brings an older store up to date (database schema and format).
  Status upgrade(const OperationControl& control);
  // A backup and restore cycle of the metadata database (Firebird services).
  Status maintainDatabase() { return db_->backupAndRestore(); }
  // Rebuilds every index of the metadata database and its statistics.
  Status repairDatabase(const OperationControl& control);
  // Re-wraps the data key so `keys` opens it (UnlockStore).
  Status rewrapKey(const InstanceKeys& keys);
  // Whether `recovery_key_hex` is this open store's recovery key: an error
  // naming what is wrong otherwise (malformed, or another store's key).
  Status checkRecoveryKey(const std::string& recovery_key_hex) const;

  // Rebuilds MailStoreFileGroup.fdb from Recovery/ and Content/. The store
  // must not be open. With recover_deleted, deleted messages come back.
  static Status recover(const std::string& directory, const InstanceKeys& keys,
                        const std::optional<std::string>& recovery_key_hex, bool recover_deleted,
                        const OperationControl& control, StoreOptions options = {});
  // Unwraps the data key of a (possibly foreign) store with a recovery key
  // and re-wraps it for `keys`.
  static Status unlock(const std::string& directory, const InstanceKeys& keys, const std::string& recovery_key_hex);

  // The indexer's feed (store/index_feed.cpp). Index bookkeeping is
  // allowed in write-protected stores: indexes are derived data.
  std::string indexDirectory() const { return directory_ + "/Index"; }
  Result<std::vector<IndexFeedMessage>> messagesAfter(std::int64_t after_id, std::size_t limit) const;
  // Queue entries with ids above `after`, oldest first.
  Result<std::vector<IndexQueueEntry>> indexQueue(std::int64_t after, std::size_t limit) const;
  Result<std::int64_t> indexedThrough() const;
  // Messages through `indexed_through` are indexed; queue entries through
  // `queue_through` are handled (and removed).
  Status saveIndexProgress(std::int64_t indexed_through, std::int64_t queue_through);
  // The highest queue entry id (0 when empty).
  Result<std::int64_t> lastQueueEntry() const;
  Result<std::int64_t> lastMessageId() const;
  Result<bool> indexNeedsRebuild() const;
  Status setIndexNeedsRebuild(bool value);
  // Messages per user archive with ids through `through`.
  Result<std::map<std::string, std::int64_t>> messageCountsByArchive(std::int64_t through) const;
  // Listing rows of these messages (those that still exist), any order.
  Result<std::vector<MessageInfo>> messagesById(const std::vector<std::int64_t>& ids) const;

  // Waits until every submitted message has been committed or failed.
  void flush();
  // Stops the writer (pending submissions fail) and closes the files.
  void close();

  // Normalises a folder path: '/'-separated, no empty parts, no control
  // characters, at most 1000 bytes. An error names what is wrong.
  static Result<std::string> normaliseFolder(const std::string& path);

 private:
  ArchiveStore(std::string directory, StoreOptions options);
  Status load(const InstanceKeys* keys, const std::string* recovery_key_hex, bool write_protected);
  Status openFiles();
  void writerLoop();
  struct Pending {
    IngestItem item;
    std::promise<IngestResult> promise;
  };
  // Writes a batch in one transaction (see the file comment) and tells
  // each submitter; a failure fails every message of the batch.
  void commitBatch(std::vector<Pending>& batch);
  struct BatchWrite;  // one batch on its way (store_writer.cpp)
  Status writeBatch(std::vector<Pending>& batch, std::vector<IngestResult>& results);
  // Adds one message to the batch; a duplicate adds nothing.
  Result<IngestResult> addToBatch(FirebirdDb::Transaction& tx, const IngestItem& item, BatchWrite& w);
  // Content, then recovery records made durable, then the commit; a
  // failure cuts the files back to where they ended before the batch.
  Status finishBatch(FirebirdDb::Transaction& tx, BatchWrite& w);
  Status writeRecovery(const std::vector<RecoveryChange>& changes);
  // Writes the recovery record, the file ends and commits `tx`; on any
  // failure the record is cut off again. Caller holds write_mutex_.
  Status commitWithRecovery(FirebirdDb::Transaction& tx, const std::vector<RecoveryChange>& changes);
  Result<std::int64_t> folderId(FirebirdDb::Transaction& tx, const std::string& path, bool create);
  Status refuseIfProtected() const;
  // Records that `message_id` left `archive`'s index (schema 3 and later).
  Status queueForIndex(FirebirdDb::Transaction& tx, std::int64_t message_id, const std::string& archive);
  Result<std::string> info(const std::string& name) const;
  Status setInfo(const std::string& name, const std::string& value);
  std::string containerPath(std::int64_t n) const;
  std::string recoveryPath(std::int64_t n) const;
  Status rollFilesIfFull();
  Status saveFileState(FirebirdDb::Transaction& tx);
  // Rewrites the recovery records once they grew by a segment's size since
  // the last rewrite and hold changes later ones superseded (deletions,
  // renames, moves). Call without write_mutex_.
  void compactRecoveryIfDue();

  std::string directory_;
  StoreOptions options_;
  std::string guid_;
  int format_ = kStoreFormatVersion;
  std::atomic<int> schema_version_{0};
  std::atomic<std::int64_t> added_messages_{0};
  std::atomic<std::int64_t> added_bytes_{0};
  // folderChanges(): per folder, and for changes of folders and content places.
  void noteCommitted(const std::vector<std::string>& folders);  // after a commit; none = folders changed
  mutable std::mutex changes_mutex_;
  std::map<std::string, std::int64_t> folder_changes_;  // guarded by changes_mutex_
  std::atomic<std::int64_t> structure_changes_{0};
  bool write_protected_ = false;
  Key256 data_key_{};
  std::unique_ptr<DictionarySet> dictionaries_;
  std::unique_ptr<FirebirdDb> db_;

  // Writer state (writer thread, or callers holding write_mutex_).
  std::mutex write_mutex_;
  AppendFile container_;
  std::int64_t container_no_ = 1;
  AppendFile recovery_;
  std::int64_t recovery_no_ = 1;
  std::uint64_t next_sequence_ = 1;
  std::uint64_t recovery_growth_ = 0;     // bytes written since the last rewrite
  std::uint64_t superseded_changes_ = 0;  // deletions, renames, moves since then
  std::int64_t next_content_id_ = 1;
  std::int64_t next_message_id_ = 1;
  std::int64_t next_folder_id_ = 1;

  std::mutex queue_mutex_;
  std::condition_variable queue_cv_;
  std::condition_variable idle_cv_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  int in_flight_ = 0;
  std::thread writer_;
};

}  // namespace spe::store
