#include "instancehost/instance/archiving/import_stages.h"

#include <algorithm>
#include <chrono>

#include "common/base/logging.h"

namespace spe::instance {
namespace {

// Warnings and errors listed in the report itself, each list. Far more than
// a run has in practice (with every folder); the bound keeps the report
// within what one API answer carries (16 MiB frames: at about 200 bytes an
// entry, both lists full are about 20 MB) and the run's memory bounded.
// Those beyond go to the run's overflow (ImportTally::overflow, the worker
// result's entries) in batches of kOverflowBatch: every one is kept.
constexpr std::size_t kMaxListed = 50000;
constexpr std::size_t kOverflowBatch = 1000;
constexpr std::size_t kMaxOrigins = 100000;
constexpr std::int64_t kProgressEvery = 200;    // messages between progress reports
constexpr std::int64_t kFullCheckEvery = 5000;  // messages between "is the store full?"

// Multidrop: a copy of the message per archive, acknowledged to the source
// when every copy is. False when the inbox was closed.
bool pushCopies(SourceMessage&& m, Channel<SourceMessage>& inbox) {
  auto left = std::make_shared<std::atomic<std::size_t>>(m.destinations.size());
  auto durable = std::move(m.durable);
  for (const auto& d : m.destinations) {
    SourceMessage copy;
    copy.origin = m.origin;
    copy.raw = m.raw;
    copy.destinations = {d};
    copy.durable = [left, durable] {
      if (--*left == 0 && durable) durable();
    };
    if (!inbox.push(std::move(copy))) return false;
  }
  return true;
}

}  // namespace

void RunSignals::abort(const std::string& reason) {
  std::lock_guard lock(mutex_);
  if (!aborted_.exchange(true)) abort_reason_ = reason;
}

std::string RunSignals::abortReason() const {
  std::lock_guard lock(mutex_);
  return abort_reason_;
}

namespace {}  // namespace

// Appends `text` to the report's list, or once it is full to the batch
// for the overflow (handed over when full).
void ImportTally::listIn(Json& list, std::size_t& beyond, std::vector<std::string>& batch, std::string text,
                         const char* kind) {
  if (list.size() < kMaxListed) {
    list.push_back(std::move(text));
    return;
  }
  ++beyond;
  if (!overflow) return;
  batch.push_back(std::move(text));
  if (batch.size() >= kOverflowBatch) handOver(batch, kind, list.size() + beyond - batch.size());
}

void ImportTally::handOver(std::vector<std::string>& batch, const char* kind, std::size_t first) {
  if (batch.empty()) return;
  if (auto st = overflow(kind, static_cast<std::int64_t>(first), batch); !st && !overflow_error) {
    overflow_error = st.error().message;
  }
  batch.clear();
}

void ImportTally::flushOverflow() {
  if (!overflow) return;
  handOver(overflow_warnings, "warnings", warning_list.size() + unlisted_warnings - overflow_warnings.size());
  handOver(overflow_errors, "errors", error_list.size() + unlisted_errors - overflow_errors.size());
}

void ImportTally::addWarning(std::string text) {
  ++warnings;
  listIn(warning_list, unlisted_warnings, overflow_warnings, std::move(text), "warnings");
}

void ImportTally::addError(std::string text) {
  listIn(error_list, unlisted_errors, overflow_errors, std::move(text), "errors");
}

void ImportTally::countIn(const std::string& folder, const char* what) {
  Json& f = folders[folder];
  if (f.is_null()) f = Json{{"archived", 0}, {"duplicates", 0}, {"failed", 0}};
  f[what] = f[what].get<std::int64_t>() + 1;
}

std::string ImportTally::summary() const {
  return "Archived " + std::to_string(archived) + ", duplicates " + std::to_string(duplicates) + ", failed " +
         std::to_string(failed);
}

void autoCreateStoreIfFull(StoreManager& stores) {
  if (auto st = stores.autoCreateIfFull(); !st) {
    logger("import")->error("creating a new archive store failed: {}", st.error().message);
  }
}

// --- Stage 1: read from the source ---

ReadResult readSource(MessageSource& source, Channel<SourceMessage>& inbox, const RunSignals& signals,
                      const store::OperationControl& control) {
  ReadResult out;
  out.status = source.forEach([&](SourceMessage&& m) {
    if (signals.aborted()) return false;
    if (control.stop()) {
      out.cancelled = true;
      return false;
    }
    if (!m.skip_reason.empty()) {  // handled: the source may move on
      ++out.skipped;
      if (m.durable) m.durable();
      return true;
    }
    if (m.destinations.size() > 1) return pushCopies(std::move(m), inbox);
    return inbox.push(std::move(m));
  });
  return out;
}

// --- Stage 2: parse, check and write to the store ---

MessageWriters::MessageWriters(StoreManager& stores, WriteGate& gate, std::string base_folder,
                               Channel<SourceMessage>& inbox, Channel<InFlight>& pending, RunSignals& signals,
                               const store::OperationControl& control)
    : stores_(stores),
      gate_(gate),
      base_folder_(std::move(base_folder)),
      inbox_(inbox),
      pending_(pending),
      signals_(signals),
      control_(control) {}

void MessageWriters::start(int threads) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
}

void MessageWriters::join() {
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void MessageWriters::work() {
  while (auto m = inbox_.pop()) write(std::move(*m));
}

std::string MessageWriters::folderOf(const SourceMessage& m) const {
  if (!m.destinations.empty()) return m.destinations.front();
  return m.folder.empty() ? base_folder_ : base_folder_ + "/" + m.folder;
}

bool MessageWriters::waitForPermit(InFlight& f) {
  // While the instance is frozen the write waits. A cancellation ends the
  // wait, and the messages still queued are not written: each is then
  // neither archived nor acknowledged, so the source keeps it for the next
  // run, and the run ends promptly.
  while (!signals_.droppingQueued() && !control_.stop()) {
    if (auto permit = gate_.tryAcquire(std::chrono::milliseconds(100))) {
      f.permit.emplace(std::move(*permit));
      return true;
    }
  }
  signals_.dropQueued();
  return false;
}

void MessageWriters::write(SourceMessage&& m) {
  InFlight f;
  f.folder = folderOf(m);
  f.origin = m.origin;
  f.durable = std::move(m.durable);
  if (!m.error.empty()) {  // the source could not read it
    f.error = m.error;
    pending_.push(std::move(f));
    return;
  }
  store::IngestItem item;
  item.headers = mime::parseMessageHeaders(m.raw);
  f.warning = item.headers.warning;
  item.folder = f.folder;
  if (!waitForPermit(f)) return;  // dropped: the source keeps it
  auto cur = stores_.current();
  if (!cur) {
    f.error = cur.error().message;
    f.permit.reset();
    pending_.push(std::move(f));
    return;
  }
  item.content = (*cur)->prepare(m.raw);
  f.result = (*cur)->submit(std::move(item));
  f.store = *cur;
  pending_.push(std::move(f));
}

// --- Stage 3: wait until durable, acknowledge to the source, count ---

DurableCollector::DurableCollector(StoreManager& stores, Channel<InFlight>& pending, RunSignals& signals,
                                   const store::OperationControl& control, std::int64_t estimate, ImportTally& tally)
    : stores_(stores), pending_(pending), signals_(signals), control_(control), estimate_(estimate), tally_(tally) {}

void DurableCollector::start() {
  thread_ = std::thread([this] { work(); });
}

void DurableCollector::join() {
  if (thread_.joinable()) thread_.join();
}

void DurableCollector::work() {
  std::int64_t seen = 0;
  while (auto f = pending_.pop()) {
    collect(*f);
    afterEach(++seen);
  }
}

void DurableCollector::collect(InFlight& f) {
  if (!f.error.empty()) {
    ++tally_.failed;
    tally_.countIn(f.folder, "failed");
    tally_.addError(f.origin + ": " + f.error);
    return;
  }
  const store::IngestResult r = f.result.get();
  f.permit.reset();
  const bool kept = r.outcome == store::IngestOutcome::kArchived || r.outcome == store::IngestOutcome::kDuplicate;
  if (kept && f.durable) f.durable();  // only now may the source let go of it
  if (r.outcome == store::IngestOutcome::kArchived) {
    ++tally_.archived;
    Archived& a = tally_.archived_into[f.store];
    if (a.first == 0) a.first = r.message_id;
    a.last = std::max(a.last, r.message_id);
    if (a.origins.size() < kMaxOrigins) a.origins[r.message_id] = f.origin;
    tally_.countIn(f.folder, "archived");
    if (!f.warning.empty()) tally_.addWarning(f.origin + ": " + f.warning);
  } else if (r.outcome == store::IngestOutcome::kDuplicate) {
    ++tally_.duplicates;
    tally_.countIn(f.folder, "duplicates");
  } else {
    ++tally_.failed;
    tally_.countIn(f.folder, "failed");
    tally_.addError(f.origin + ": " + r.error.message);
    if (r.error.code == ErrorCode::kIo || r.error.code == ErrorCode::kDatabase) signals_.abort(r.error.message);
  }
}

void DurableCollector::afterEach(std::int64_t seen) {
  if (seen % kProgressEvery == 0) {
    const std::int64_t percent = std::min<std::int64_t>(99, seen * 100 / std::max<std::int64_t>(estimate_, 1));
    control_.report(static_cast<int>(percent), tally_.summary() + " (" + std::to_string(seen) + " of about " +
                                                   std::to_string(std::max(estimate_, seen)) + ")");
  }
  if (seen % kFullCheckEvery == 0) autoCreateStoreIfFull(stores_);
}

// --- Stage 4: wait until searchable ---

namespace {

// Waits for one store's indexer; what it could not do becomes warnings.
void waitIndexed(std::int64_t store_id, index::StoreIndexer& indexer, const Archived& a,
                 const store::OperationControl& control, ImportTally& tally) {
  const bool done = indexer.waitIndexed(a.last, control.cancelled, [&](std::int64_t at) {
    const std::int64_t n = std::max<std::int64_t>(0, std::min(at, a.last) - a.first + 1);
    control.report(
        99, "Indexing: " + std::to_string(n) + " of about " + std::to_string(a.last - a.first + 1) + " messages");
  });
  if (!done) {
    const auto state = indexer.state();
    tally.addWarning(state.broken
                         ? "The search index of archive store " + std::to_string(store_id) + " needs a rebuild (" +
                               state.error + "); the new messages become searchable after it."
                         : "Indexing of the new messages continues after this run.");
    return;
  }
  for (const auto& note : indexer.notesBetween(a.first, a.last)) {
    auto origin = a.origins.find(note.message_id);
    if (origin == a.origins.end()) continue;  // another run's message
    tally.addWarning(origin->second + ": not fully indexed: " + note.text);
  }
}

}  // namespace

void waitSearchable(StoreManager& stores, const store::OperationControl& control, ImportTally& tally) {
  for (const auto& [store, a] : tally.archived_into) {
    for (const auto& [id, indexer] : stores.indexers()) {
      if (indexer->store() == store) waitIndexed(id, *indexer, a, control, tally);
    }
  }
}

}  // namespace spe::instance
