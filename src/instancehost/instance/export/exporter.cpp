#include "instancehost/instance/export/exporter.h"

#include <algorithm>
#include <chrono>
#include <set>

#include "common/base/logging.h"
#include "common/mime/mime_structure.h"
#include "index/searcher.h"
#include "instancehost/instance/export/export_target.h"

namespace spe::instance {
namespace {

// What one batch may hold in memory, whatever its count (messages may be up to 256 MB each).
constexpr std::size_t kBatchBytes = 64u << 20;

std::unique_ptr<ExportTarget> makeTarget(const ExportSpec& spec) {
  switch (spec.kind) {
    case ExportTargetKind::kEmlDirectory: return makeEmlDirectoryTarget(spec);
    case ExportTargetKind::kMbox: return makeMboxTarget(spec);
    case ExportTargetKind::kImap: return makeImapTarget(spec);
    case ExportTargetKind::kSmtp: return makeSmtpTarget(spec);
  }
  return nullptr;
}

bool inDates(const ExportSelection& s, std::int64_t date) {
  return (!s.from_date || date >= *s.from_date) && (!s.to_date || date < *s.to_date);
}

// The archives (top folders) of a store, for a selection of "every archive".
Result<std::vector<std::string>> archivesOf(store::ArchiveStore& store) {
  auto paths = store.folderPaths();
  if (!paths) return paths.error();
  std::set<std::string> tops;
  for (const auto& p : *paths) tops.insert(p.substr(0, p.find('/')));
  return std::vector<std::string>(tops.begin(), tops.end());
}

ImportOutcome failed(ImportOutcome out, const std::string& why) {
  out.result = RunResult::kFailed;
  out.error = why;
  out.report["error"] = why;
  return out;
}

std::string describe(const SelectedMessage& m) {
  return "'" + m.info.folder + "', message " + std::to_string(m.info.id) + " of store " + std::to_string(m.store_id) +
         (m.info.subject.empty() ? std::string() : " (\"" + m.info.subject.substr(0, 80) + "\")");
}

}  // namespace

std::string messageIdOf(const std::string& raw) {
  const std::string_view header(raw.data(), mime::headerBlockEnd(raw));
  for (const auto& [name, value] : mime::headerFieldsOf(header)) {
    if (name.size() != 10) continue;
    std::string lower = name;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower != "message-id") continue;
    const auto open = value.find('<'), close = value.find('>', open == std::string::npos ? 0 : open);
    if (open == std::string::npos || close == std::string::npos || close - open - 1 > 900) return {};
    return value.substr(open + 1, close - open - 1);
  }
  return {};
}

Result<std::vector<SelectedMessage>> selectMessages(const ExportSelection& s, StoreManager& stores,
                                                    const store::OperationControl& control) {
  std::vector<SelectedMessage> out;
  std::set<std::pair<std::int64_t, std::int64_t>> seen;
  auto add = [&](std::int64_t store_id, store::MessageInfo&& info) {
    if (!inDates(s, info.date) || !seen.insert({store_id, info.id}).second) return;
    out.push_back({store_id, std::move(info)});
  };
  if (s.messages) {
    const auto loaded = stores.loaded();
    for (const auto& [store_id, message_id] : *s.messages) {
      if (control.stop()) return makeError(ErrorCode::kCancelled, "cancelled while selecting");
      const auto store = std::find_if(loaded.begin(), loaded.end(), [&](const auto& l) { return l.first == store_id; });
      if (store == loaded.end()) continue;
      auto infos = store->second->messagesById({message_id});
      if (!infos) return infos.error();
      for (auto& info : *infos) add(store_id, std::move(info));
    }
  } else if (s.query.empty()) {
    for (const auto& [id, store] : stores.loaded()) {
      std::vector<std::string> folders = s.folders;
      bool subfolders = s.include_subfolders;
      if (folders.empty()) {
        auto archives = archivesOf(*store);
        if (!archives) return archives.error();
        folders = *archives;
        subfolders = true;
      }
      for (const auto& f : folders) {
        if (control.stop()) return makeError(ErrorCode::kCancelled, "cancelled while selecting");
        auto messages = store->messagesIn(f, subfolders);
        if (!messages) return messages.error();
        for (auto& m : *messages) add(id, std::move(m));
      }
    }
  } else {
    std::vector<index::SearchSource> sources;
    for (const auto& [id, indexer] : stores.indexers()) sources.push_back({id, indexer});
    const std::vector<std::string> folders = s.folders.empty() ? std::vector<std::string>{""} : s.folders;
    for (const auto& f : folders) {
      if (control.stop()) return makeError(ErrorCode::kCancelled, "cancelled while selecting");
      index::SearchRequest request;
      request.query = s.query;
      request.folder = f;
      request.subfolders = s.include_subfolders;
      request.exhaustive = true;
      auto results = index::search(sources, request);
      if (!results) {
        return makeError(results.error().code, "'details.query': " + results.error().message, results.error().details);
      }
      for (auto& h : results->hits) add(h.store_id, std::move(h.message));
    }
  }
  std::sort(out.begin(), out.end(), [](const SelectedMessage& a, const SelectedMessage& b) {
    return std::tie(a.store_id, a.info.folder, a.info.id) < std::tie(b.store_id, b.info.folder, b.info.id);
  });
  return out;
}

ImportOutcome Exporter::run(const Profile& profile, const store::OperationControl& control, ReportOverflow overflow) {
  const auto started = std::chrono::steady_clock::now();
  ImportOutcome out;
  auto spec = parseExportSpec(profile);
  if (!spec) return failed(std::move(out), spec.error().message);
  if (spec->selection.incremental && profile.id == 0) {
    return failed(std::move(out), "'details.incremental' needs a stored profile (CreateProfile, then RunProfile).");
  }
  const bool stored = profile.id != 0;
  bool resumed = false;
  if (stored) {
    auto open = state_.unfinished(profile.id);
    if (!open) return failed(std::move(out), open.error().message);
    resumed = *open;
  }
  const bool fresh = !resumed && !spec->selection.incremental;
  std::map<ExportKey, ExportRecord> known;
  if (stored) {
    if (auto st = state_.begin(profile.id, fresh); !st) return failed(std::move(out), st.error().message);
    auto records = state_.records(profile.id);
    if (!records) return failed(std::move(out), records.error().message);
    known = std::move(*records);
  }
  auto target = makeTarget(*spec);
  std::vector<ExportRecord> known_list;
  for (const auto& [key, r] : known) known_list.push_back(r);
  control.report(0, "Opening the target");
  if (auto st = target->open(known_list, fresh); !st) return failed(std::move(out), st.error().message);

  // What a killed run was writing: there already, or written again below.
  std::vector<ExportRecord> arrived;
  for (auto& [key, r] : known) {
    if (r.done) continue;
    auto there = target->arrived(r);
    if (!there)
      return failed(std::move(out), "Checking the target for a message of the last run: " + there.error().message);
    if (*there) {
      r.done = true;
      arrived.push_back(r);
    }
  }
  if (stored) {
    if (auto st = state_.save(profile.id, arrived); !st) return failed(std::move(out), st.error().message);
  }

  control.report(0, "Selecting messages");
  auto selected = selectMessages(spec->selection, stores_, control);
  if (!selected) {
    if (selected.error().code == ErrorCode::kCancelled) {
      out.result = RunResult::kCancelled;
      return out;
    }
    return failed(std::move(out), selected.error().message);
  }
  ImportTally tally;
  tally.overflow = std::move(overflow);
  std::map<std::int64_t, std::shared_ptr<store::ArchiveStore>> stores;
  for (auto& [id, s] : stores_.loaded()) stores[id] = s;
  const std::size_t total = selected->size();
  std::size_t handled = 0;
  bool cancelled = false;
  std::optional<std::string> stopped;
  std::vector<ExportItem> batch;
  std::size_t batch_bytes = 0;
  std::vector<const SelectedMessage*> batch_of;

  auto flush = [&]() -> Status {
    if (batch.empty()) return okStatus();
    std::vector<ExportRecord> pending;
    for (auto& item : batch) pending.push_back(item.record);
    if (stored) SPE_TRY(state_.save(profile.id, pending));
    auto statuses = target->put(batch);
    if (!statuses) return statuses.error();
    std::vector<ExportRecord> done;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const Status& st = (*statuses)[i];
      if (st) {
        batch[i].record.done = true;
        done.push_back(batch[i].record);
        ++tally.archived;
        tally.countIn(batch[i].folder, "archived");
      } else {
        ++tally.failed;
        tally.countIn(batch[i].folder, "failed");
        tally.addError(describe(*batch_of[i]) + ": " + st.error().message);
      }
    }
    if (stored) SPE_TRY(state_.save(profile.id, done));
    handled += batch.size();
    batch.clear();
    batch_bytes = 0;
    batch_of.clear();
    control.report(total ? static_cast<int>(handled * 100 / total) : 100,
                   std::to_string(tally.archived) + " of " + std::to_string(total) + " messages exported");
    return okStatus();
  };

  for (const auto& m : *selected) {
    if (control.stop()) {
      cancelled = true;
      break;
    }
    if (auto it = known.find({m.store_id, m.info.id}); it != known.end() && it->second.done) {
      ++tally.duplicates;  // exported before (an incremental export, or the run this one resumes)
      ++handled;
      continue;
    }
    ExportItem item;
    item.store_id = m.store_id;
    item.message_id = m.info.id;
    item.folder = m.info.folder;
    item.date = m.info.date;
    item.subject = m.info.subject;
    item.record.store_id = m.store_id;
    item.record.message_id = m.info.id;
    auto store = stores.find(m.store_id);
    auto raw = store == stores.end() ? Result<std::string>(makeError(ErrorCode::kNotFound, "its store went away"))
                                     : store->second->readMessage(m.info.id);
    if (!raw) {
      ++tally.failed;
      ++handled;
      tally.countIn(m.info.folder, "failed");
      tally.addError(describe(m) + ": cannot be read from the archive: " + raw.error().message);
      continue;
    }
    item.raw = std::move(*raw);
    if (auto st = target->place(item); !st) {
      ++tally.failed;
      ++handled;
      tally.countIn(m.info.folder, "failed");
      tally.addError(describe(m) + ": " + st.error().message);
      continue;
    }
    batch_bytes += item.raw.size();
    batch.push_back(std::move(item));
    batch_of.push_back(&m);
    // A batch holds at most batchSize() messages and kBatchBytes of them (large messages go a few at a time).
    if (batch.size() >= target->batchSize() || batch_bytes >= kBatchBytes) {
      if (auto st = flush(); !st) {
        stopped = st.error().message;
        break;
      }
    }
  }
  if (!stopped && !cancelled) {
    if (auto st = flush(); !st) stopped = st.error().message;
  }
  const Status closed = target->close();
  tally.flushOverflow();
  out.archived = tally.archived;
  out.duplicates = tally.duplicates;
  out.failed = tally.failed;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  out.report = Json{{"exported", tally.archived}, {"exportedBefore", tally.duplicates},
                    {"failed", tally.failed},     {"selected", total},
                    {"errors", tally.error_list}, {"warnings", tally.warning_list},
                    {"folders", tally.folders},   {"seconds", seconds},
                    {"resumed", resumed}};
  if (tally.unlisted_errors > 0) out.report["moreErrors"] = tally.unlisted_errors;
  if (tally.overflow_error) out.report["entriesNotKept"] = *tally.overflow_error;
  if (stopped) {
    return failed(std::move(out),
                  "The export stopped: " + *stopped + " What was exported is kept; the next run goes on from there.");
  }
  if (cancelled) {
    out.result = RunResult::kCancelled;
    return out;
  }
  if (stored) {
    if (auto st = state_.end(profile.id); !st) return failed(std::move(out), st.error().message);
  }
  if (!closed)
    logger("export")->warn("export profile '{}': closing the target: {}", profile.name, closed.error().message);
  out.result = out.failed > 0 ? RunResult::kCompletedWithErrors : RunResult::kSucceeded;
  return out;
}

}  // namespace spe::instance
