// The stages of an import run (Importer::run puts them together; see
// importer.h for the pipeline's rules):
//
//   readSource      the calling thread: messages from the source, a copy per
//                   archive for multidrop, into `inbox`;
//   MessageWriters  two threads: parse the headers, wait for a write permit,
//                   seal and submit each message to the store's group-commit
//                   writer, into `pending`;
//   DurableCollector one thread: waits until each message is durable, lets
//                   go of its permit, acknowledges it to the source and
//                   counts it (ImportTally);
//   waitSearchable  after the run: waits until what it archived is indexed.
//
// The stages share only what is passed to them: the two Channels and the
// RunSignals. The crash rule lives in DurableCollector: a message is
// acknowledged to the source only once the store says it is durable (or
// was there already), never when it failed or was dropped.
// Thread safety: Channel and RunSignals are internally locked; the stages
// themselves are each used by the thread that made them.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/base/json_reader.h"
#include "instancehost/instance/archiving/message_source.h"
#include "instancehost/instance/model/store_manager.h"
#include "instancehost/instance/model/write_gate.h"

namespace spe::instance {

// A bounded queue between two stages, closed by its producer.
template <typename T>
class Channel {
 public:
  explicit Channel(std::size_t limit) : limit_(limit) {}
  // Waits while full; false once closed (the item is dropped).
  bool push(T item) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return queue_.size() < limit_ || closed_; });
    if (closed_) return false;
    queue_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }
  // Waits while empty; nothing once closed and drained.
  std::optional<T> pop() {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return !queue_.empty() || closed_; });
    if (queue_.empty()) return std::nullopt;
    T item = std::move(queue_.front());
    queue_.pop_front();
    not_full_.notify_one();
    return item;
  }
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    not_empty_.notify_all();
    not_full_.notify_all();
  }

 private:
  std::size_t limit_;
  std::mutex mutex_;
  std::condition_variable not_empty_, not_full_;
  std::deque<T> queue_;
  bool closed_ = false;
};

// What the stages tell each other besides the messages.
class RunSignals {
 public:
  // The store refused a message for a reason every later one would meet
  // too (I/O, database): the reader stops. The first reason is kept.
  void abort(const std::string& reason);
  bool aborted() const { return aborted_.load(); }
  std::string abortReason() const;
  // A writer stopped waiting for the write gate at a cancellation: the
  // messages still queued are dropped (neither written nor acknowledged).
  void dropQueued() { dropped_.store(true); }
  bool droppingQueued() const { return dropped_.load(); }

 private:
  std::atomic<bool> aborted_{false};
  std::atomic<bool> dropped_{false};
  mutable std::mutex mutex_;
  std::string abort_reason_;
};

// A message on its way from a writer to the collector.
struct InFlight {
  std::string folder;
  std::string origin;
  std::string warning;
  std::string error;  // failed before reaching the store
  std::future<store::IngestResult> result;
  std::optional<WriteGate::Permit> permit;
  std::shared_ptr<store::ArchiveStore> store;
  std::function<void()> durable;  // tells the source
};

// What a run archived into one store: for waiting until it is searchable.
struct Archived {
  std::int64_t first = 0, last = 0;
  std::map<std::int64_t, std::string> origins;  // message id → source name (for notes)
};

// Where the warnings and errors beyond the report's lists go, in batches:
// (kind "warnings" or "errors", the position of the first in the whole
// list, the texts). The worker result's entries (WorkerResults::appendEntries).
using ReportOverflow =
    std::function<Status(const std::string& kind, std::int64_t first, const std::vector<std::string>& texts)>;

// The counts and lists of a run's report.
struct ImportTally {
  std::int64_t archived = 0, duplicates = 0, failed = 0, warnings = 0, skipped = 0;
  Json folders = Json::object();                                  // folder → {archived, duplicates, failed}
  Json warning_list = Json::array(), error_list = Json::array();  // each up to 50,000 (import_stages.cpp)
  std::size_t unlisted_warnings = 0, unlisted_errors = 0;         // beyond them (moreWarnings, moreErrors)
  std::map<std::shared_ptr<store::ArchiveStore>, Archived> archived_into;
  ReportOverflow overflow;                    // unset: those beyond are only counted
  std::optional<std::string> overflow_error;  // the first failure to hand a batch over

  void addWarning(std::string text);
  void addError(std::string text);
  // Hands the last batches to `overflow` (at the end of the run).
  void flushOverflow();
  // Counts one message of `folder` as "archived", "duplicates" or "failed".
  void countIn(const std::string& folder, const char* what);
  std::string summary() const;  // "Archived n, duplicates n, failed n"

 private:
  void listIn(Json& list, std::size_t& beyond, std::vector<std::string>& batch, std::string text, const char* kind);
  void handOver(std::vector<std::string>& batch, const char* kind, std::size_t first);
  std::vector<std::string> overflow_warnings, overflow_errors;  // batches not yet handed over
};

// Stage 1. Hands the source's messages to `inbox` until the source ends,
// the run is cancelled or aborted, or the inbox is closed. Skipped messages
// are acknowledged at once and counted in `skipped`.
struct ReadResult {
  Status status = okStatus();
  bool cancelled = false;
  std::int64_t skipped = 0;
};
ReadResult readSource(MessageSource& source, Channel<SourceMessage>& inbox, const RunSignals& signals,
                      const store::OperationControl& control);

// Stage 2. Threads that turn each message of `inbox` into an InFlight on
// `pending`: a message the source could not read goes on as failed; the
// others wait for a write permit (stopping at a cancellation), are sealed
// and submitted to the current store.
class MessageWriters {
 public:
  MessageWriters(StoreManager& stores, WriteGate& gate, std::string base_folder, Channel<SourceMessage>& inbox,
                 Channel<InFlight>& pending, RunSignals& signals, const store::OperationControl& control);
  ~MessageWriters() { join(); }
  MessageWriters(const MessageWriters&) = delete;
  MessageWriters& operator=(const MessageWriters&) = delete;
  void start(int threads);
  void join();

 private:
  void work();
  // The folder a message goes to: multidrop's destination, or below the
  // profile's target.
  std::string folderOf(const SourceMessage& m) const;
  // Waits for a permit while the instance is frozen; false at a cancellation.
  bool waitForPermit(InFlight& f);
  // Hands the message on to `pending`, unless a cancellation drops it.
  void write(SourceMessage&& m);

  StoreManager& stores_;
  WriteGate& gate_;
  const std::string base_folder_;
  Channel<SourceMessage>& inbox_;
  Channel<InFlight>& pending_;
  RunSignals& signals_;
  const store::OperationControl& control_;
  std::vector<std::thread> threads_;
};

// Stage 3. Takes each InFlight of `pending` in order, waits until it is
// durable, releases its permit, acknowledges it to the source and counts it
// into the tally; a storage failure aborts the run (RunSignals). Reports
// progress and starts a new store when the current one is full.
class DurableCollector {
 public:
  DurableCollector(StoreManager& stores, Channel<InFlight>& pending, RunSignals& signals,
                   const store::OperationControl& control, std::int64_t estimate, ImportTally& tally);
  ~DurableCollector() { join(); }
  DurableCollector(const DurableCollector&) = delete;
  DurableCollector& operator=(const DurableCollector&) = delete;
  void start();
  void join();

 private:
  void work();
  void collect(InFlight& f);
  void afterEach(std::int64_t seen);

  StoreManager& stores_;
  Channel<InFlight>& pending_;
  RunSignals& signals_;
  const store::OperationControl& control_;
  const std::int64_t estimate_;
  ImportTally& tally_;
  std::thread thread_;
};

// Stage 4. Waits until the messages of the tally's stores are searchable;
// indexes that fell behind or broke, and parts of this run's messages the
// indexer could not read, become warnings.
void waitSearchable(StoreManager& stores, const store::OperationControl& control, ImportTally& tally);

// Starts a new archive store when the current one is full (logs a failure).
void autoCreateStoreIfFull(StoreManager& stores);

}  // namespace spe::instance
