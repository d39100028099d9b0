#include "index/store_indexer.h"

#include <xapian.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <future>

#include "common/base/logging.h"
#include "index/phrase_check.h"

namespace spe::index {
namespace fs = std::filesystem;

StoreIndexer::StoreIndexer(std::shared_ptr<store::ArchiveStore> store, std::shared_ptr<IndexSettings> settings,
                           IndexerOptions options)
    : store_(std::move(store)), settings_(std::move(settings)), options_(options) {}

StoreIndexer::~StoreIndexer() { stop(); }

std::string StoreIndexer::directoryName(const std::string& archive) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : archive) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '@' || (c == '.' && !out.empty())) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out.empty() ? "%" : out;
}

void StoreIndexer::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  auto through = store_->indexedThrough();
  indexed_through_ = through ? *through : 0;
  auto selected = store_->indexNeedsRebuild();
  selected_ = selected && *selected;
  thread_ = std::thread([this] { loop(); });
}

void StoreIndexer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  progress_.notify_all();
  if (thread_.joinable()) thread_.join();
  live_.clear();
}

void StoreIndexer::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  cv_.notify_all();
}

IndexerState StoreIndexer::state() {
  std::lock_guard lock(mutex_);
  return IndexerState{broken_, broken_ || selected_, error_};
}

Result<std::int64_t> StoreIndexer::lag() {
  auto last = store_->lastMessageId();
  if (!last) return last.error();
  std::lock_guard lock(mutex_);
  return std::max<std::int64_t>(0, *last - indexed_through_);
}

void StoreIndexer::loop() {
  if (const auto permit = settings_->writePermit()) selectIfOutdated();  // frozen: the next start looks again
  int failures = 0;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (pause_requests_ > 0 || broken_) {
      lock.unlock();
      commitIfPermitted();
      lock.lock();
      live_.clear();
      uncommitted_ = 0;
      paused_ = true;
      progress_.notify_all();
      cv_.wait(lock, [&] { return stopping_ || (pause_requests_ == 0 && !broken_); });
      paused_ = false;
      continue;
    }
    lock.unlock();
    Result<bool> worked = false;
    if (const auto permit = settings_->writePermit()) {
      worked = round();
    }  // else frozen: try again after the idle wait
    lock.lock();
    if (!worked) {
      live_.clear();  // uncommitted changes are dropped; the rounds repeat
      uncommitted_ = 0;
      if (worked.error().code == ErrorCode::kCorrupt) {
        lock.unlock();
        markBroken(worked.error());
        lock.lock();
        continue;
      }
      ++failures;
      logger("index")->warn("{}: indexing failed ({}), retrying: {}", store_->directory(), failures,
                            worked.error().message + " " + worked.error().details);
      cv_.wait_for(lock, std::chrono::seconds(std::min(30, failures * 2)), [&] { return stopping_; });
      continue;
    }
    failures = 0;
    progress_.notify_all();
    if (!*worked) {
      live_.clear();  // idle: let go of the index files
      lock.unlock();
      compactGrown();
      lock.lock();
      cv_.wait_for(lock, options_.idle_poll, [&] { return stopping_ || woken_ || pause_requests_ > 0; });
      woken_ = false;
    }
  }
  lock.unlock();
  commitIfPermitted();  // a clean stop keeps what was done
  lock.lock();
  live_.clear();
  paused_ = true;
  progress_.notify_all();
}

Result<bool> StoreIndexer::round() {
  if (uncommitted_ == 0) {
    std::lock_guard lock(mutex_);
    pending_through_ = indexed_through_;
    pending_queue_ = 0;
  }
  auto queue = store_->indexQueue(pending_queue_, options_.batch);
  if (!queue) return queue.error();
  SPE_TRY(handleQueue(live_, *queue, pending_through_));
  for (const auto& e : *queue) pending_queue_ = std::max(pending_queue_, e.queue_id);
  auto last = indexMessages(live_, store_->indexDirectory(), pending_through_, options_.batch);
  if (!last) return last.error();
  const bool worked = !queue->empty() || *last != pending_through_;
  uncommitted_ += queue->size() + static_cast<std::size_t>(*last - pending_through_);
  pending_through_ = *last;
  if (uncommitted_ > 0 && (!worked || uncommitted_ >= options_.commit_every ||
                           std::chrono::steady_clock::now() - last_commit_ >= options_.commit_interval)) {
    SPE_TRY(commitLive());
  }
  return worked;
}

void StoreIndexer::commitIfPermitted() {
  bool broken = false;
  {
    std::lock_guard lock(mutex_);
    broken = broken_;
  }
  if (uncommitted_ == 0 || broken) return;
  if (const auto permit = settings_->writePermit()) (void)commitLive();  // frozen: the work is done again later
}

Status StoreIndexer::commitLive() {
  SPE_TRY(commitAll(live_));
  bool selected = false;
  {
    std::lock_guard lock(mutex_);
    selected = selected_;
  }
  for (const auto& [archive, index] : live_) {
    if (selected || !index->needsPurge()) continue;
    // Dead documents take space and time until a rebuild drops them; the
    // store is selected for RebuildSelectedStoreIndexes.
    logger("index")->warn(
        "{}: the search index of archive '{}' holds many dead documents (deleted or moved "
        "messages); selected for a rebuild",
        store_->directory(), archive);
    SPE_TRY(select());
    selected = true;
  }
  SPE_TRY(store_->saveIndexProgress(pending_through_, pending_queue_));
  uncommitted_ = 0;
  last_commit_ = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  indexed_through_ = pending_through_;
  return okStatus();
}

Result<ArchiveIndex*> StoreIndexer::indexFor(IndexMap& indexes, const std::string& base, const std::string& archive) {
  auto it = indexes.find(archive);
  if (it != indexes.end()) return it->second.get();
  std::error_code ec;
  fs::create_directories(base, ec);
  auto index = ArchiveIndex::open(base + "/" + directoryName(archive));
  if (!index) return index.error();
  return indexes.emplace(archive, std::move(*index)).first->second.get();
}

namespace {

// A message made ready for its index: the document and what could not be read.
struct Prepared {
  Xapian::Document doc;
  std::vector<std::string> notes;
};

Prepared prepare(const store::ArchiveStore& store, const store::IndexFeedMessage& m, const ExtractOptions& options) {
  Prepared p;
  IndexedMessage doc{m.id, m.folder, m.date, m.size, {}};
  auto raw = store.readContent(m.content, m.id);
  if (raw) {
    doc.text = extractText(*raw, options);
    p.notes = std::move(doc.text.notes);
  } else {
    // Indexed by folder, date and size only: the content is unreadable
    // (VerifyStore names it).
    p.notes.push_back("the message could not be read for indexing: " + raw.error().message);
  }
  p.doc = ArchiveIndex::makeDocument(doc, false);
  return p;
}

// Threads that read and extract messages while the caller writes the
// index (Xapian itself takes one writer).
constexpr int kPreparers = 2;

}  // namespace

Result<std::int64_t> StoreIndexer::indexMessages(IndexMap& indexes, const std::string& base, std::int64_t after,
                                                 std::size_t limit) {
  auto batch = store_->messagesAfter(after, limit);
  if (!batch) return batch.error();
  SPE_TRY(indexBatch(indexes, base, *batch));
  return batch->empty() ? after : batch->back().id;
}

Status StoreIndexer::indexBatch(IndexMap& indexes, const std::string& base,
                                const std::vector<store::IndexFeedMessage>& batch) {
  if (batch.empty()) return okStatus();
  const ExtractOptions options = settings_->extractOptions();
  const std::size_t n = batch.size();
  std::vector<std::promise<Prepared>> promises(n);
  std::vector<std::future<Prepared>> ready;
  ready.reserve(n);
  for (auto& p : promises) ready.push_back(p.get_future());
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> workers;
  for (int w = 0; w < kPreparers; ++w) {
    workers.emplace_back([&] {
      for (std::size_t i; !stop.load() && (i = next.fetch_add(1)) < n;) {
        promises[i].set_value(prepare(*store_, batch[i], options));
      }
    });
  }
  struct Join {
    std::vector<std::thread>& threads;
    std::atomic<bool>& stop;
    ~Join() {
      stop = true;
      for (auto& t : threads) t.join();
    }
  } join{workers, stop};
  for (std::size_t i = 0; i < n; ++i) {
    Prepared p = ready[i].get();
    const auto& m = batch[i];
    for (auto& note : p.notes) addNote(m.id, std::move(note));
    auto index = indexFor(indexes, base, store::archiveOf(m.folder));
    if (!index) return index.error();
    SPE_TRY((*index)->addDocument(m.id, m.folder, p.doc));
  }
  return okStatus();
}

Status StoreIndexer::handleQueue(IndexMap& indexes, const std::vector<store::IndexQueueEntry>& queue,
                                 std::int64_t through) {
  // Every change takes the message out of the index it was in; messages
  // that still exist (moved, renamed) and whose turn has passed are
  // indexed again where they are now (without a termlist there is no
  // document to copy: the text is extracted again).
  const std::string base = store_->indexDirectory();
  std::vector<std::int64_t> again;
  for (const auto& e : queue) {
    auto old_index = indexFor(indexes, base, e.old_archive);
    if (!old_index) return old_index.error();
    SPE_TRY((*old_index)->remove(e.message_id));
    if (e.folder && e.message_id <= through) again.push_back(e.message_id);
  }
  std::sort(again.begin(), again.end());
  again.erase(std::unique(again.begin(), again.end()), again.end());
  if (again.empty()) return okStatus();
  auto infos = store_->messagesById(again);
  if (!infos) return infos.error();
  std::vector<store::IndexFeedMessage> batch;
  for (const auto& m : *infos) batch.push_back({m.id, m.folder, m.date, m.size, m.content});
  return indexBatch(indexes, base, batch);
}

Status StoreIndexer::commitAll(IndexMap& indexes) {
  for (auto& [archive, index] : indexes) SPE_TRY(index->commit());
  return okStatus();
}

void StoreIndexer::markBroken(const Error& error) {
  logger("index")->error("{}: the search index is broken and must be rebuilt: {} {}", store_->directory(),
                         error.message, error.details);
  setBroken(error.message);
}

void StoreIndexer::setBroken(const std::string& why) {
  (void)store_->setIndexNeedsRebuild(true);
  {
    std::lock_guard lock(mutex_);
    broken_ = true;
    selected_ = true;
    error_ = why;
  }
  progress_.notify_all();
}

void StoreIndexer::addNote(std::int64_t id, std::string text) {
  std::lock_guard lock(mutex_);
  notes_.push_back({id, std::move(text)});
  while (notes_.size() > options_.max_notes) notes_.pop_front();
}

std::vector<IndexNote> StoreIndexer::notesBetween(std::int64_t from, std::int64_t to) {
  std::lock_guard lock(mutex_);
  std::vector<IndexNote> out;
  for (const auto& n : notes_) {
    if (n.message_id >= from && n.message_id <= to) out.push_back(n);
  }
  return out;
}

bool StoreIndexer::waitIndexed(std::int64_t message_id, const std::function<bool()>& cancelled,
                               const std::function<void(std::int64_t)>& progress) {
  wake();
  std::unique_lock lock(mutex_);
  while (indexed_through_ < message_id) {
    if (stopping_ || broken_ || !thread_.joinable() || (cancelled && cancelled())) return false;
    if (progress) {
      const std::int64_t at = indexed_through_;
      lock.unlock();
      progress(at);
      lock.lock();
    }
    progress_.wait_for(lock, std::chrono::milliseconds(100));
  }
  return true;
}

void StoreIndexer::pause() {
  std::unique_lock lock(mutex_);
  ++pause_requests_;
  cv_.notify_all();
  progress_.wait(lock, [&] { return paused_ || !thread_.joinable(); });
}

void StoreIndexer::resume() {
  {
    std::lock_guard lock(mutex_);
    --pause_requests_;
  }
  cv_.notify_all();
}

Result<bool> StoreIndexer::matches(const store::MessageInfo& message, const CompiledQuery& query) {
  auto raw = store_->readContent(message.content, message.id);
  if (!raw) return false;  // unreadable: VerifyStore names it
  const ExtractOptions full = settings_->extractOptions();
  ExtractOptions quick = full;
  quick.wanted = [](const std::string&) { return false; };  // attachment names only
  quick.external = nullptr;
  auto test = [&](const ExtractOptions& options) -> Result<bool> {
    MessageText text = extractText(*raw, options);
    try {
      // Usually only phrases are left to check: the words of the fields
      // are enough (no terms, stems or one-document index).
      if (query.phrases_suffice) return holdsPhrases(text, query.phrases);
      IndexedMessage m{message.id, message.folder, message.date, message.size, std::move(text)};
      Xapian::WritableDatabase one(std::string(), Xapian::DB_BACKEND_INMEMORY);
      one.add_document(ArchiveIndex::makeDocument(m, true));
      Xapian::Enquire enquire(one);
      enquire.set_query(query.exact);
      return enquire.get_mset(0, 1).size() == 1;
    } catch (const Xapian::Error& e) {
      return makeError(ErrorCode::kInternal, "Cannot check a phrase.", e.get_description());
    }
  };
  // Attachment text matters only to a phrase that may be in it, and a
  // negated phrase must see everything.
  bool attachment_text = !query.phrases_suffice;
  for (const auto& p : query.phrases) {
    attachment_text = attachment_text || std::count(p.prefixes.begin(), p.prefixes.end(), "N") > 0;
  }
  if (query.has_negated_phrase || !message.has_attachments) return test(full);
  auto cheap = test(quick);
  if (!cheap || *cheap || !attachment_text) return cheap;
  return test(full);
}

void StoreIndexer::selectIfOutdated() {
  {
    std::lock_guard lock(mutex_);
    if (selected_) return;
  }
  for (const auto& dir : indexDirectories(std::nullopt)) {
    try {
      if (hasCurrentTerms(Xapian::Database(dir))) continue;
    } catch (const Xapian::Error&) {
      continue;  // unreadable: the first write or search says so
    }
    logger("index")->warn(
        "{}: the search index '{}' was made by an older version (terms version 1; now {}); the store is selected "
        "for a rebuild",
        store_->directory(), dir, kTermsVersion);
    if (auto st = select(); !st) logger("index")->warn("{}", st.error().message);
    return;
  }
}

Status StoreIndexer::select() {
  SPE_TRY(store_->setIndexNeedsRebuild(true));
  std::lock_guard lock(mutex_);
  selected_ = true;
  return okStatus();
}

}  // namespace spe::index
