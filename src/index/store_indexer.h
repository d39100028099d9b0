// StoreIndexer: keeps the full-text indexes of one archive store up to date
// (<store>/Index/<archive>/, one Xapian index per user archive).
//
// The durable queue is the store itself: every message with an id above
// the store's 'indexedThrough' is still to be indexed, and INDEX_QUEUE
// lists messages that left an archive's index (deleted, moved, renamed).
// A round handles the queue, indexes the next messages, commits the Xapian
// indexes and only then moves the store's position, so a crash at any
// point repeats work (idempotently: documents are keyed by message id)
// and never loses it. On start the indexer simply continues from there.
//
// An index made before the current terms (archive_index.h) is selected
// for a rebuild when the indexer starts; it is searched as it is until then.
// An index that cannot be opened or written is broken: the store is marked
// (`indexNeedsRebuild`, GetStores' searchIndexesNeedRebuild), indexing of
// that store stops and searches skip it until rebuild() replaces it.
// rebuild() builds new indexes next to the old ones (searches keep using
// those) and swaps them in when done.
// Code: store_indexer.cpp holds the loop and its rounds (the queue above),
// store_index_maintenance.cpp the work on whole indexes (rebuild, verify,
// compaction).
// Thread safety: all public members may be called from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/base/result.h"
#include "index/archive_index.h"
#include "index/index_settings.h"
#include "index/message_text.h"
#include "index/query_language.h"
#include "store/archive_store.h"

namespace Xapian {
class Query;
}

namespace spe::index {

struct IndexerOptions {
  std::size_t batch = 500;                   // messages per round
  std::chrono::milliseconds idle_poll{250};  // how often an idle indexer looks for work
  std::size_t max_notes = 10000;             // notes kept for worker results
  // A commit (and the store's position moving on) after this many messages
  // or this long, and whenever the indexer runs out of work. Xapian keeps
  // the changes until a commit in maps per term that every new document
  // searches: ./spe bench ingest at 40,000 messages ran at about 1,050
  // msg/s committing every 2,500, 1,230 every 500 and 1,440 every 1,000.
  std::size_t commit_every = 1000;
  std::chrono::milliseconds commit_interval{3000};
};

struct IndexerState {
  bool broken = false;         // indexing stopped: the index needs a rebuild
  bool needs_rebuild = false;  // broken or selected for rebuild
  std::string error;           // why it is broken
};

struct IndexNote {
  std::int64_t message_id = 0;
  std::string text;
};

class StoreIndexer {
 public:
  StoreIndexer(std::shared_ptr<store::ArchiveStore> store, std::shared_ptr<IndexSettings> settings,
               IndexerOptions options = {});
  ~StoreIndexer();
  StoreIndexer(const StoreIndexer&) = delete;
  StoreIndexer& operator=(const StoreIndexer&) = delete;

  void start();
  void stop();
  // New messages were archived (saves waiting for the next poll).
  void wake();

  const std::shared_ptr<store::ArchiveStore>& store() const { return store_; }
  IndexerState state();
  // How far indexing is behind archiving: message ids archived after the
  // last one indexed (deleted ones included, so at most that many).
  Result<std::int64_t> lag();
  // Waits until every message through `message_id` is indexed; false when
  // the index is broken or the indexer stopped first, or `cancelled`.
  bool waitIndexed(std::int64_t message_id, const std::function<bool()>& cancelled,
                   const std::function<void(std::int64_t indexed_through)>& progress = {});
  // Parts of messages in [from, to] that could not be indexed, and why.
  std::vector<IndexNote> notesBetween(std::int64_t from, std::int64_t to);

  // Marks the store's indexes for RebuildSelectedStoreIndexes.
  Status select();
  // Rebuilds every index of the store (see the file comment).
  Status rebuild(const store::OperationControl& control);
  // Checks every index (Xapian's consistency check, and documents against
  // the messages they should hold); problems found mark it broken.
  Result<std::vector<std::string>> verify(const store::OperationControl& control);

  // True when the message matches the query exactly (its phrases), read
  // and extracted again. A message with attachments is first matched
  // without their text (cheap) and read whole only when that does not
  // match and the text may matter.
  Result<bool> matches(const store::MessageInfo& message, const CompiledQuery& query);

  // The directories of the indexes of these archives that exist (none =
  // every index of the store).
  std::vector<std::string> indexDirectories(const std::optional<std::vector<std::string>>& archives) const;
  // Directory name of an archive's index (names are escaped).
  static std::string directoryName(const std::string& archive);
  // Rewrites an index compactly (Xapian compaction) and swaps it in; the
  // index must not be open for writing.
  static Status compactIndex(const std::string& directory);

 private:
  using IndexMap = std::map<std::string, std::unique_ptr<ArchiveIndex>>;
  void loop();
  // One round on the live indexes; returns true when there was work.
  Result<bool> round();
  Result<ArchiveIndex*> indexFor(IndexMap& indexes, const std::string& base, const std::string& archive);
  // Indexes messages after `after` (at most `limit`) into `indexes`;
  // returns the last id handled.
  Result<std::int64_t> indexMessages(IndexMap& indexes, const std::string& base, std::int64_t after, std::size_t limit);
  // Reads, extracts and indexes these messages (two threads prepare while
  // this one writes).
  Status indexBatch(IndexMap& indexes, const std::string& base, const std::vector<store::IndexFeedMessage>& batch);
  Status handleQueue(IndexMap& indexes, const std::vector<store::IndexQueueEntry>& queue, std::int64_t through);
  static Status commitAll(IndexMap& indexes);
  void markBroken(const Error& error);  // logs, then setBroken
  // Selects the store for a rebuild when one of its indexes predates the
  // current terms (archive_index.h: kTermsVersion).
  void selectIfOutdated();
  // Marks the store's indexes broken (and selected for a rebuild) for `why`.
  void setBroken(const std::string& why);
  void addNote(std::int64_t id, std::string text);
  // Stops the loop between rounds (and closes its indexes) / lets it go on.
  void pause();
  void resume();
  struct Paused {  // pauses the loop for its lifetime
    explicit Paused(StoreIndexer& s) : indexer(s) { indexer.pause(); }
    ~Paused() { indexer.resume(); }
    Paused(const Paused&) = delete;
    Paused& operator=(const Paused&) = delete;
    StoreIndexer& indexer;
  };
  // Commits the live indexes unless nothing is pending, the index is
  // broken or the instance is frozen (loop thread).
  void commitIfPermitted();

  std::shared_ptr<store::ArchiveStore> store_;
  std::shared_ptr<IndexSettings> settings_;
  IndexerOptions options_;

  std::mutex mutex_;
  std::condition_variable cv_;        // wakes the loop
  std::condition_variable progress_;  // wakes waiters
  bool stopping_ = false;
  bool woken_ = false;
  int pause_requests_ = 0;
  bool paused_ = false;
  bool broken_ = false;
  bool selected_ = false;  // the store's indexNeedsRebuild, kept here
  std::string error_;
  std::int64_t indexed_through_ = 0;
  std::deque<IndexNote> notes_;
  std::thread thread_;

  IndexMap live_;  // the loop's open indexes (loop thread, or a pauser)
  // Done in live_ but not committed yet (loop thread).
  std::int64_t pending_through_ = 0, pending_queue_ = 0;
  std::size_t uncommitted_ = 0;
  std::chrono::steady_clock::time_point last_commit_{};
  Status commitLive();
  // When idle: compacts indexes that doubled since they were last compact.
  void compactGrown();
  std::map<std::string, std::int64_t> compact_sizes_;  // loop thread
  std::mutex rebuild_mutex_;
};

}  // namespace spe::index
