#include "index/store_indexer.h"

#include <xapian.h>

#include <algorithm>
#include <cctype>
#include <sstream>
#include <filesystem>
#include <fstream>
#include <future>

#include "common/base/logging.h"
#include "index/dead_documents.h"
#include "index/phrase_check.h"
#include "store/append_file.h"

namespace spe::index {
namespace fs = std::filesystem;

IndexSettings::IndexSettings(std::string temp_directory, ExtractorLimits limits)
    : programs_(std::move(temp_directory), limits) {}

IndexConfig IndexSettings::config() const {
  std::lock_guard lock(mutex_);
  return config_;
}

void IndexSettings::setConfig(IndexConfig config) {
  std::lock_guard lock(mutex_);
  config_ = std::move(config);
}

ExtractOptions IndexSettings::extractOptions() const {
  const IndexConfig c = config();
  ExtractOptions o;
  o.wanted = [c](const std::string& ext) { return c.wants(ext); };
  o.external = [this](const std::string& ext, std::string_view bytes, std::string& note) {
    return programs_.run(ext, bytes, note);
  };
  o.pdf_embedded_files = c.include_attachments_of_pdfs;
  return o;
}

void IndexSettings::setWritePermits(std::function<std::optional<WritePermit>()> acquire) {
  std::lock_guard lock(mutex_);
  acquire_ = std::move(acquire);
}

std::optional<IndexSettings::WritePermit> IndexSettings::writePermit() const {
  std::function<std::optional<WritePermit>()> acquire;
  {
    std::lock_guard lock(mutex_);
    acquire = acquire_;
  }
  return acquire ? acquire() : WritePermit();
}

namespace {

// Waits for a write permit until it comes or `stop` says to give up.
std::optional<IndexSettings::WritePermit> permitUnless(const IndexSettings& settings,
                                                       const std::function<bool()>& stop) {
  for (;;) {
    auto permit = settings.writePermit();
    if (permit || (stop && stop())) return permit;
  }
}

}  // namespace

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

void StoreIndexer::loop() {
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
    logger("index")->warn("{}: the search index of archive '{}' holds many dead documents (deleted or moved "
                          "messages); selected for a rebuild", store_->directory(), archive);
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
  (void)store_->setIndexNeedsRebuild(true);
  {
    std::lock_guard lock(mutex_);
    broken_ = true;
    selected_ = true;
    error_ = error.message;
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

Status StoreIndexer::compactIndex(const std::string& directory) {
  const std::string fresh = directory + ".compact", old = directory + ".old";
  std::error_code ec;
  fs::remove_all(fresh, ec);
  fs::remove_all(old, ec);
  try {
    Xapian::Database(directory).compact(fresh, Xapian::DBCOMPACT_NO_RENUMBER);
  } catch (const Xapian::Error& e) {
    fs::remove_all(fresh, ec);
    return makeError(ErrorCode::kIo, "Cannot compact the search index '" + directory + "'.", e.get_description());
  }
  fs::rename(directory, old, ec);
  if (ec) return makeError(ErrorCode::kIo, "Cannot replace the search index '" + directory + "': " + ec.message());
  fs::rename(fresh, directory, ec);
  if (ec) {
    fs::rename(old, directory, ec);
    return makeError(ErrorCode::kIo, "Cannot replace the search index '" + directory + "'.");
  }
  fs::remove_all(old, ec);
  return okStatus();
}

void StoreIndexer::compactGrown() {
  constexpr std::int64_t kMinimum = 8 << 20;
  std::error_code ec;
  for (fs::directory_iterator it(store_->indexDirectory(), ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code dec;
    if (!it->is_directory(dec) || !fs::exists(it->path() / "iamglass", dec)) continue;
    const std::int64_t size = store::treeBytes(it->path());
    // The size after the last compaction is kept next to the index.
    const fs::path mark = it->path() / "spe-compacted-size";
    auto& last = compact_sizes_[it->path().string()];
    if (last == 0) {
      std::ifstream in(mark);
      if (!(in >> last)) last = 0;
      last = std::max(last, kMinimum);
    }
    if (size < 2 * last) continue;
    {
      std::lock_guard lock(mutex_);
      if (stopping_ || pause_requests_ > 0) return;
    }
    const auto permit = settings_->writePermit();
    if (!permit) return;  // frozen: another time
    if (auto st = compactIndex(it->path().string()); !st) {
      logger("index")->warn("{}", st.error().message + " " + st.error().details);
      last = size;
      continue;
    }
    const std::int64_t after = store::treeBytes(it->path());
    logger("index")->info("compacted {} from {} to {} bytes", it->path().string(), size, after);
    last = std::max(after, kMinimum);
    std::ofstream(mark) << after;
  }
}

Status StoreIndexer::select() {
  SPE_TRY(store_->setIndexNeedsRebuild(true));
  std::lock_guard lock(mutex_);
  selected_ = true;
  return okStatus();
}

std::vector<std::string> StoreIndexer::indexDirectories(const std::optional<std::vector<std::string>>& archives) const {
  std::vector<std::string> out;
  std::error_code ec;
  if (!archives) {
    for (fs::directory_iterator it(store_->indexDirectory(), ec), end; !ec && it != end; it.increment(ec)) {
      std::error_code fec;
      if (fs::exists(it->path() / "iamglass", fec)) out.push_back(it->path().string());
    }
    return out;
  }
  for (const auto& a : *archives) {
    const std::string dir = store_->indexDirectory() + "/" + directoryName(a);
    if (fs::exists(dir + "/iamglass", ec)) out.push_back(dir);
  }
  return out;
}

Status StoreIndexer::rebuild(const store::OperationControl& control) {
  std::lock_guard one(rebuild_mutex_);
  const Paused paused(*this);
  const std::string live = store_->indexDirectory();
  const std::string building = live + ".rebuild";
  std::error_code ec;
  fs::remove_all(building, ec);
  IndexMap indexes;
  struct Discard {  // every way out before the swap drops the half-built indexes
    IndexMap& indexes;
    const std::string& building;
    bool keep = false;
    ~Discard() {
      if (keep) return;
      indexes.clear();
      std::error_code e;
      fs::remove_all(building, e);
    }
  } discard{indexes, building};
  auto queue_start = store_->lastQueueEntry();
  if (!queue_start) return queue_start.error();
  auto last = store_->lastMessageId();
  if (!last) return last.error();
  const Error cancelled = makeError(ErrorCode::kCancelled, "The rebuild of the search indexes of '" +
                                                               store_->directory() +
                                                               "' was cancelled; the old indexes stay in use.");
  std::int64_t at = 0;
  for (;;) {
    if (control.stop()) return cancelled;
    const auto permit = permitUnless(*settings_, control.cancelled);
    if (!permit) return cancelled;
    auto next = indexMessages(indexes, building, at, options_.batch);
    if (!next) return next.error();
    if (*next == at) break;
    at = *next;
    SPE_TRY(commitAll(indexes));
    const std::int64_t total = std::max<std::int64_t>(*last, at);
    control.report(static_cast<int>(at * 99 / std::max<std::int64_t>(total, 1)),
                   "Indexing message " + std::to_string(at) + " of " + std::to_string(total));
  }
  const auto permit = permitUnless(*settings_, control.cancelled);
  if (!permit) return cancelled;
  SPE_TRY(commitAll(indexes));
  indexes.clear();
  fs::create_directories(building, ec);
  control.report(99, "Compacting the new search indexes");
  for (fs::directory_iterator it(building, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_directory()) SPE_TRY(compactIndex(it->path().string()));
  }
  // Swap: the old indexes move aside, the new ones take their place.
  const std::string old = live + ".old";
  fs::remove_all(old, ec);
  if (fs::exists(live)) {
    fs::rename(live, old, ec);
    if (ec) return makeError(ErrorCode::kIo, "Cannot move the old search indexes aside: " + ec.message() + ".");
  }
  fs::rename(building, live, ec);
  if (ec) return makeError(ErrorCode::kIo, "Cannot put the rebuilt search indexes in place: " + ec.message() + ".");
  discard.keep = true;
  fs::remove_all(old, ec);
  SPE_TRY(store_->saveIndexProgress(at, *queue_start));
  SPE_TRY(store_->setIndexNeedsRebuild(false));
  {
    std::lock_guard lock(mutex_);
    indexed_through_ = at;
    broken_ = false;
    selected_ = false;
    error_.clear();
  }
  control.report(100, "Rebuilt the search indexes of " + std::to_string(at) + " messages");
  return okStatus();
}

Result<std::vector<std::string>> StoreIndexer::verify(const store::OperationControl& control) {
  std::vector<std::string> problems;
  // Catch up first, so documents and messages can be compared.
  for (int i = 0; i < 1000; ++i) {
    auto last = store_->lastMessageId();
    if (!last) return last.error();
    if (!waitIndexed(*last, control.cancelled)) break;
    auto q = store_->lastQueueEntry();
    if (!q || *q == 0) break;
    std::this_thread::sleep_for(options_.idle_poll);
  }
  // Cancelled while catching up: comparing now would call a healthy index
  // broken (it is behind), so nothing is concluded.
  if (control.stop()) return makeError(ErrorCode::kCancelled, "Cancelled.");
  const Paused paused(*this);
  auto through = store_->indexedThrough();
  if (!through) return through.error();
  auto counts = store_->messageCountsByArchive(*through);
  if (!counts) return counts.error();
  std::map<std::string, std::int64_t> expected = *counts;
  const std::string base = store_->indexDirectory();
  std::error_code ec;
  for (fs::directory_iterator it(base, ec), end; !ec && it != end; it.increment(ec)) {
    if (control.stop()) return makeError(ErrorCode::kCancelled, "Cancelled.");
    if (!it->is_directory()) continue;
    const std::string name = it->path().filename().string();
    std::string archive;
    for (const auto& [a, n] : *counts) {
      if (directoryName(a) == name) archive = a;
    }
    try {
      std::ostringstream out;
      const auto errors = Xapian::Database::check(it->path().string(), Xapian::DBCHECK_SHOW_STATS, &out);
      if (errors > 0) {
        problems.push_back("The search index '" + it->path().string() + "' has " + std::to_string(errors) +
                           " errors.");
        continue;
      }
      Xapian::Database db(it->path().string());
      const auto docs = static_cast<std::int64_t>(db.get_doccount()) -
                        static_cast<std::int64_t>(deadDocuments(db).size());
      const std::int64_t want = archive.empty() ? 0 : expected[archive];
      expected.erase(archive);
      if (docs != want) {
        problems.push_back("The search index '" + it->path().string() + "' holds " + std::to_string(docs) +
                           " messages, the archive " + std::to_string(want) + ".");
      }
    } catch (const Xapian::Error& e) {
      problems.push_back("The search index '" + it->path().string() + "' cannot be read: " + e.get_description());
    }
  }
  for (const auto& [archive, n] : expected) {
    if (n > 0) {
      problems.push_back("The search index of archive '" + archive + "' is missing (" + std::to_string(n) +
                         " messages).");
    }
  }
  if (!problems.empty()) {
    (void)store_->setIndexNeedsRebuild(true);
    std::lock_guard lock(mutex_);
    broken_ = true;
    selected_ = true;
    error_ = problems.front();
  }
  return problems;
}

}  // namespace spe::index
