// StoreIndexer's work on whole indexes, beside the loop that keeps them up
// to date (store_indexer.cpp): rebuilding, verifying and compacting them,
// and finding their directories. See store_indexer.h for the crash rules.
#include <xapian.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/base/atomic_file.h"
#include "common/base/logging.h"
#include "index/dead_documents.h"
#include "index/store_indexer.h"
#include "store/append_file.h"

namespace spe::index {
namespace fs = std::filesystem;

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
    if (auto st = writeFileAtomically(mark.string(), std::to_string(after), 0600); !st) {
      logger("index")->warn("{}", st.error().message);  // compacted again sooner, nothing lost
    }
  }
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
  const Error cancelled = makeError(
      ErrorCode::kCancelled,
      "The rebuild of the search indexes of '" + store_->directory() + "' was cancelled; the old indexes stay in use.");
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
        problems.push_back("The search index '" + it->path().string() + "' has " + std::to_string(errors) + " errors.");
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
  if (!problems.empty()) setBroken(problems.front());
  return problems;
}

}  // namespace spe::index
