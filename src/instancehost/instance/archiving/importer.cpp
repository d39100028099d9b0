#include "instancehost/instance/archiving/importer.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "common/base/logging.h"
#include "instancehost/instance/archiving/file_sources.h"
#include "instancehost/instance/archiving/profile_sources.h"

namespace spe::instance {
namespace {

constexpr std::size_t kMaxListed = 200;  // warnings and errors kept in a report
constexpr std::size_t kQueueLimit = 256;

// A bounded queue closed by the producer.
template <typename T>
class Channel {
 public:
  explicit Channel(std::size_t limit) : limit_(limit) {}
  bool push(T item) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return queue_.size() < limit_ || closed_; });
    if (closed_) return false;
    queue_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }
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
constexpr std::size_t kMaxOrigins = 100000;

}  // namespace

ImportOutcome Importer::run(const Profile& profile, const store::OperationControl& control) {
  ImportOutcome out;
  auto fail = [&](const std::string& why) {
    out.result = "failed";
    out.error = why;
    out.report["error"] = why;
    return out;
  };
  std::string base;  // where the source's folders go (multidrop: per message)
  if (!isMultidrop(profile)) {
    auto target = userFolder(profile.details.value("targetUserFolder", ""), users_, "targetUserFolder");
    if (!target) return fail(target.error().message);
    base = *target;
  }
  auto source = openProfileSource(profile, users_, state_, control);
  if (!source) return fail(source.error().message);
  if (auto cur = stores_.current(); !cur) return fail(cur.error().message);

  const std::int64_t estimate = (*source)->estimate();
  const auto started = std::chrono::steady_clock::now();
  Channel<SourceMessage> inbox(kQueueLimit);
  Channel<InFlight> pending(kQueueLimit * 4);
  std::atomic<bool> abort{false};
  std::atomic<bool> dropped_by_cancel{false};
  std::string abort_reason;
  std::mutex abort_mutex;
  Json folders = Json::object();
  Json warnings = Json::array(), errors = Json::array();
  std::map<std::shared_ptr<store::ArchiveStore>, Archived> archived_into;

  auto workers = std::vector<std::thread>();
  for (int w = 0; w < 2; ++w) {
    workers.emplace_back([&] {
      while (auto m = inbox.pop()) {
        InFlight f;
        f.folder = !m->destinations.empty() ? m->destinations.front()
                                            : m->folder.empty() ? base : base + "/" + m->folder;
        f.origin = m->origin;
        f.durable = std::move(m->durable);
        if (!m->error.empty()) {
          f.error = m->error;
          pending.push(std::move(f));
          continue;
        }
        store::IngestItem item;
        item.headers = mime::parseMessageHeaders(m->raw);
        f.warning = item.headers.warning;
        item.folder = f.folder;
        // While the instance is frozen the write waits. A cancellation ends
        // the wait, and the messages still queued are not written: each is
        // then neither archived nor acknowledged, so the source keeps it
        // for the next run, and the run ends promptly.
        while (!dropped_by_cancel.load() && !control.stop()) {
          if (auto permit = gate_.tryAcquire(std::chrono::milliseconds(100))) {
            f.permit.emplace(std::move(*permit));
            break;
          }
        }
        if (!f.permit) {
          dropped_by_cancel.store(true);
          continue;
        }
        auto cur = stores_.current();
        if (!cur) {
          f.error = cur.error().message;
          f.permit.reset();
          pending.push(std::move(f));
          continue;
        }
        item.content = (*cur)->prepare(m->raw);
        f.result = (*cur)->submit(std::move(item));
        f.store = *cur;
        pending.push(std::move(f));
      }
    });
  }
  std::thread collector([&] {
    std::int64_t seen = 0;
    auto tally = [&](const std::string& folder, const char* what) {
      Json& f = folders[folder];
      if (f.is_null()) f = Json{{"archived", 0}, {"duplicates", 0}, {"failed", 0}};
      f[what] = f[what].get<std::int64_t>() + 1;
    };
    while (auto f = pending.pop()) {
      ++seen;
      if (!f->error.empty()) {
        ++out.failed;
        tally(f->folder, "failed");
        if (errors.size() < kMaxListed) errors.push_back(f->origin + ": " + f->error);
      } else {
        const store::IngestResult r = f->result.get();
        f->permit.reset();
        if ((r.outcome == store::IngestOutcome::kArchived || r.outcome == store::IngestOutcome::kDuplicate) &&
            f->durable) {
          f->durable();
        }
        if (r.outcome == store::IngestOutcome::kArchived) {
          ++out.archived;
          Archived& a = archived_into[f->store];
          if (a.first == 0) a.first = r.message_id;
          a.last = std::max(a.last, r.message_id);
          if (a.origins.size() < kMaxOrigins) a.origins[r.message_id] = f->origin;
          tally(f->folder, "archived");
          if (!f->warning.empty()) {
            ++out.warnings;
            if (warnings.size() < kMaxListed) warnings.push_back(f->origin + ": " + f->warning);
          }
        } else if (r.outcome == store::IngestOutcome::kDuplicate) {
          ++out.duplicates;
          tally(f->folder, "duplicates");
        } else {
          ++out.failed;
          tally(f->folder, "failed");
          if (errors.size() < kMaxListed) errors.push_back(f->origin + ": " + r.error.message);
          if (r.error.code == ErrorCode::kIo || r.error.code == ErrorCode::kDatabase) {
            std::lock_guard lock(abort_mutex);
            if (!abort.exchange(true)) abort_reason = r.error.message;
          }
        }
      }
      if (seen % 200 == 0) {
        control.report(static_cast<int>(std::min<std::int64_t>(99, seen * 100 / std::max<std::int64_t>(estimate, 1))),
                       "Archived " + std::to_string(out.archived) + ", duplicates " + std::to_string(out.duplicates) +
                           ", failed " + std::to_string(out.failed) + " (" + std::to_string(seen) + " of about " +
                           std::to_string(std::max(estimate, seen)) + ")");
      }
      if (seen % 5000 == 0) {
        if (auto st = stores_.autoCreateIfFull(); !st) {
          logger("import")->error("creating a new archive store failed: {}", st.error().message);
        }
      }
    }
  });

  bool cancelled = false;
  std::int64_t skipped = 0;
  const Status read = (*source)->forEach([&](SourceMessage&& m) {
    if (abort.load()) return false;
    if (control.stop()) {
      cancelled = true;
      return false;
    }
    if (!m.skip_reason.empty()) {  // handled: the source may move on
      ++skipped;
      if (m.durable) m.durable();
      return true;
    }
    if (m.destinations.size() > 1) {  // multidrop: a copy per archive, durable when all are
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
    return inbox.push(std::move(m));
  });
  inbox.close();
  for (auto& w : workers) w.join();
  pending.close();
  collector.join();
  if (dropped_by_cancel.load()) cancelled = true;
  // Every message is durable or failed: the source keeps its position and
  // deletes what it may.
  std::vector<std::string> source_warnings;
  const Status finished = (*source)->finish(source_warnings);
  for (auto& w : source_warnings) {
    ++out.warnings;
    if (warnings.size() < kMaxListed) warnings.push_back(std::move(w));
  }
  if (auto st = stores_.autoCreateIfFull(); !st) {
    logger("import")->error("creating a new archive store failed: {}", st.error().message);
  }

  if (auto st = stores_.saveStatistics(); !st) {
    logger("import")->warn("cannot keep the store statistics: {}", st.error().message);
  }
  // The run ends when what it archived is searchable; parts the indexer
  // could not read are warnings of this run.
  if (!abort.load() && !cancelled) {
    for (const auto& [store, a] : archived_into) {
      for (const auto& [id, indexer] : stores_.indexers()) {
        if (indexer->store() != store) continue;
        const bool done = indexer->waitIndexed(a.last, control.cancelled, [&](std::int64_t at) {
          const std::int64_t n = std::max<std::int64_t>(0, std::min(at, a.last) - a.first + 1);
          control.report(99, "Indexing: " + std::to_string(n) + " of about " + std::to_string(a.last - a.first + 1) +
                                 " messages");
        });
        if (!done) {
          ++out.warnings;
          const auto state = indexer->state();
          warnings.push_back(state.broken ? "The search index of archive store " + std::to_string(id) +
                                                " needs a rebuild (" + state.error +
                                                "); the new messages become searchable after it."
                                          : "Indexing of the new messages continues after this run.");
          continue;
        }
        for (const auto& note : indexer->notesBetween(a.first, a.last)) {
          auto origin = a.origins.find(note.message_id);
          if (origin == a.origins.end()) continue;  // another run's message
          ++out.warnings;
          if (warnings.size() < kMaxListed) warnings.push_back(origin->second + ": not fully indexed: " + note.text);
        }
      }
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  out.report = Json{{"archived", out.archived},
                    {"duplicates", out.duplicates},
                    {"skipped", skipped},
                    {"failed", out.failed},
                    {"warnings", warnings},
                    {"errors", errors},
                    {"folders", folders},
                    {"seconds", seconds}};
  if (!read) return fail(read.error().message);
  if (!finished) return fail("Where the run stands could not be kept (the next run repeats it): " +
                             finished.error().message);
  if (abort.load()) {
    return fail("The archive store refused messages: " + abort_reason +
                " Messages acknowledged before are archived; run the profile again once the problem is fixed.");
  }
  if (cancelled) {
    out.result = "cancelled";
  } else if (out.failed > 0) {
    out.result = "completedWithErrors";
  } else if (out.warnings > 0) {
    out.result = "completedWithWarnings";
  } else {
    out.result = "succeeded";
  }
  control.report(100, "Archived " + std::to_string(out.archived) + ", duplicates " + std::to_string(out.duplicates) +
                          ", failed " + std::to_string(out.failed));
  return out;
}

}  // namespace spe::instance
