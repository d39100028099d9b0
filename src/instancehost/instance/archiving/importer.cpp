#include "instancehost/instance/archiving/importer.h"

#include <chrono>

#include "common/base/logging.h"
#include "instancehost/instance/archiving/file_sources.h"
#include "instancehost/instance/archiving/import_stages.h"
#include "instancehost/instance/archiving/profile_sources.h"

namespace spe::instance {
namespace {

constexpr std::size_t kQueueLimit = 256;
constexpr int kWriters = 2;

// Where the run's time went: until every message was durable and the
// source told (the archiving itself), then waiting for the index.
struct RunTimes {
  double total = 0, durable = 0;
};

double secondsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

ImportOutcome failed(ImportOutcome out, const std::string& why) {
  out.result = RunResult::kFailed;
  out.error = why;
  out.report["error"] = why;
  return out;
}

// The run's report and result from what the stages did.
ImportOutcome outcome(const ImportTally& tally, const ReadResult& read, const Status& finished,
                      const RunSignals& signals, const RunTimes& times) {
  ImportOutcome out;
  out.archived = tally.archived;
  out.duplicates = tally.duplicates;
  out.failed = tally.failed;
  out.warnings = tally.warnings;
  out.report = Json{{"archived", tally.archived},      {"duplicates", tally.duplicates},
                    {"skipped", tally.skipped},        {"failed", tally.failed},
                    {"warnings", tally.warning_list},  {"errors", tally.error_list},
                    {"folders", tally.folders},        {"seconds", times.total},
                    {"durableSeconds", times.durable}, {"searchableWaitSeconds", times.total - times.durable}};
  // Beyond the lists: kept as the worker result's entries (GetWorkerResultReportEntries).
  if (tally.unlisted_warnings > 0) out.report["moreWarnings"] = tally.unlisted_warnings;
  if (tally.unlisted_errors > 0) out.report["moreErrors"] = tally.unlisted_errors;
  if (tally.overflow_error) out.report["entriesNotKept"] = *tally.overflow_error;
  if (!read.status) return failed(std::move(out), read.status.error().message);
  if (!finished) {
    return failed(std::move(out),
                  "Where the run stands could not be kept (the next run repeats it): " + finished.error().message);
  }
  if (signals.aborted()) {
    return failed(std::move(out), "The archive store refused messages: " + signals.abortReason() +
                                      " Messages acknowledged before are archived; run the profile again once the "
                                      "problem is fixed.");
  }
  if (read.cancelled) {
    out.result = RunResult::kCancelled;
  } else if (out.failed > 0) {
    out.result = RunResult::kCompletedWithErrors;
  } else if (out.warnings > 0) {
    out.result = RunResult::kCompletedWithWarnings;
  } else {
    out.result = RunResult::kSucceeded;
  }
  return out;
}

}  // namespace

ImportOutcome Importer::run(const Profile& profile, const store::OperationControl& control, ReportOverflow overflow) {
  std::string base;  // where the source's folders go (multidrop: per message)
  if (!isMultidrop(profile)) {
    auto target = userFolder(profile.details.value("targetUserFolder", ""), users_, "targetUserFolder");
    if (!target) return failed({}, target.error().message);
    base = *target;
  }
  auto source = openProfileSource(profile, users_, state_, control);
  if (!source) return failed({}, source.error().message);
  if (auto cur = stores_.current(); !cur) return failed({}, cur.error().message);

  const auto started = std::chrono::steady_clock::now();
  Channel<SourceMessage> inbox(kQueueLimit);
  Channel<InFlight> pending(kQueueLimit * 4);
  RunSignals signals;
  ImportTally tally;
  tally.overflow = std::move(overflow);
  MessageWriters writers(stores_, gate_, base, inbox, pending, signals, control);
  DurableCollector collector(stores_, pending, signals, control, (*source)->estimate(), tally);
  writers.start(kWriters);
  collector.start();
  ReadResult read = readSource(**source, inbox, signals, control);
  inbox.close();
  writers.join();
  pending.close();
  collector.join();
  tally.skipped = read.skipped;
  if (signals.droppingQueued()) read.cancelled = true;

  // Every message is durable or failed: the source keeps its position and
  // deletes what it may.
  std::vector<std::string> source_warnings;
  const Status finished = (*source)->finish(source_warnings);
  for (auto& w : source_warnings) tally.addWarning(std::move(w));
  autoCreateStoreIfFull(stores_);
  if (auto st = stores_.saveStatistics(); !st) {
    logger("import")->warn("cannot keep the store statistics: {}", st.error().message);
  }
  RunTimes times;
  times.durable = secondsSince(started);
  // The run ends when what it archived is searchable; parts the indexer
  // could not read are warnings of this run.
  if (!signals.aborted() && !read.cancelled) waitSearchable(stores_, control, tally);

  tally.flushOverflow();
  times.total = secondsSince(started);
  ImportOutcome out = outcome(tally, read, finished, signals, times);
  if (out.result != RunResult::kFailed) control.report(100, tally.summary());
  return out;
}

}  // namespace spe::instance
