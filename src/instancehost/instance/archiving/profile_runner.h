// ProfileRunner: runs an archiving profile with its worker result (started
// as "running", finished with the outcome and report), one run per profile
// at a time (RunProfile and the scheduler share it).
// Thread safety: run() may be called from several threads at once.
#pragma once

#include <mutex>
#include <set>

#include "instancehost/instance/archiving/importer.h"
#include "instancehost/instance/model/profiles.h"

namespace spe::instance {

class ProfileRunner {
 public:
  ProfileRunner(Importer& importer, WorkerResults& results) : importer_(importer), results_(results) {}
  // {workerResultId, result, itemsArchived, duplicates, failed, warnings};
  // a failed run is an error naming its worker result.
  Result<Json> run(const Profile& profile, const store::OperationControl& control);
  bool running(std::int64_t profile_id);

 private:
  Importer& importer_;
  WorkerResults& results_;
  std::mutex mutex_;
  std::set<std::int64_t> running_;
};

}  // namespace spe::instance
