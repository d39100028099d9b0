// ProfileRunner: runs an archiving or export profile with its worker result (started
// as "running", finished with the outcome and report), one run per profile
// at a time (RunProfile and the scheduler share it). onRunEnd() tells who
// waits for a profile to be free again (the profile scheduler).
// Thread safety: run() may be called from several threads at once.
#pragma once

#include <mutex>
#include <set>

#include "instancehost/instance/archiving/importer.h"
#include "instancehost/instance/export/exporter.h"
#include "instancehost/instance/model/listeners.h"
#include "instancehost/instance/model/profiles.h"

namespace spe::instance {

class ProfileRunner {
 public:
  ProfileRunner(Importer& importer, Exporter& exporter, WorkerResults& results)
      : importer_(importer), exporter_(exporter), results_(results) {}
  // Archiving: {workerResultId, result, itemsArchived, duplicates, failed,
  // warnings}; export: {workerResultId, result, itemsExported,
  // exportedBefore, failed}. A failed run is an error naming its worker
  // result. `outcome`, when given, receives the run's outcome (with its
  // report) however it ended, once it ran.
  Result<Json> run(const Profile& profile, const store::OperationControl& control, ImportOutcome* outcome = nullptr);
  bool running(std::int64_t profile_id);
  // Whether a run of any profile is under way.
  bool anyRunning();
  // `fn` is called after each run of a stored profile (id != 0) has ended,
  // however it ended, once running() says false for it: on the run's thread,
  // with no lock of the runner held (listeners.h: short; dropping the
  // subscription waits for a call under way).
  [[nodiscard]] Listeners::Subscription onRunEnd(std::function<void()> fn) { return ended_.add(std::move(fn)); }

 private:
  Importer& importer_;
  Exporter& exporter_;
  WorkerResults& results_;
  std::mutex mutex_;
  std::set<std::int64_t> running_;
  Listeners ended_;
};

}  // namespace spe::instance
