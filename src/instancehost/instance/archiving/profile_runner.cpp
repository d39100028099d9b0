#include "instancehost/instance/archiving/profile_runner.h"

#include <unistd.h>

#include <ctime>

namespace spe::instance {
namespace {

std::string machineName() {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  return host;
}

}  // namespace

bool ProfileRunner::running(std::int64_t profile_id) {
  std::lock_guard lock(mutex_);
  return running_.count(profile_id) > 0;
}

bool ProfileRunner::anyRunning() {
  std::lock_guard lock(mutex_);
  return !running_.empty();
}

Result<Json> ProfileRunner::run(const Profile& profile, const store::OperationControl& control,
                                ImportOutcome* outcome) {
  if (profile.id != 0) {
    std::lock_guard lock(mutex_);
    if (!running_.insert(profile.id).second) {
      return makeError(ErrorCode::kAlreadyExists, "The profile '" + profile.name + "' (id " +
                                                      std::to_string(profile.id) + ") is running already.");
    }
  }
  struct Done {
    ProfileRunner& r;
    std::int64_t id;
    ~Done() {
      {
        std::lock_guard lock(r.mutex_);
        r.running_.erase(id);
      }
      if (id != 0) r.ended_.notify();  // unlocked: a listener may ask running()
    }
  } done{*this, profile.id};
  WorkerResult w;
  w.profile_id = profile.id;
  w.profile_name = profile.name;
  w.user_name = profile.owner;
  w.start_time = static_cast<std::int64_t>(std::time(nullptr));
  w.machine_name = machineName();
  auto id = results_.start(w);
  if (!id) return id.error();
  w.id = *id;
  const bool exporting = profile.type == "export";
  auto overflow = [this, id = w.id](const std::string& kind, std::int64_t first,
                                    const std::vector<std::string>& texts) {
    return results_.appendEntries(id, kind, first, texts);
  };
  const ImportOutcome o = exporting ? exporter_.run(profile, control, overflow)
                                    : importer_.run(profile, control, overflow);
  w.result = o.result;
  w.items_archived = o.archived;
  w.complete_time = static_cast<std::int64_t>(std::time(nullptr));
  w.report = o.report;
  if (outcome) *outcome = o;
  SPE_TRY(results_.finish(w));
  // Not kUnavailable: that would read as "the instance is not reachable".
  if (o.result == RunResult::kFailed)
    return makeError(ErrorCode::kIo, o.error + " (worker result " + std::to_string(w.id) + ")");
  if (o.result == RunResult::kCancelled) {
    return makeError(ErrorCode::kCancelled,
                     std::to_string(o.archived) + " messages were " + (exporting ? "exported" : "archived") +
                         " before; the next run continues from there (worker result " + std::to_string(w.id) + ").");
  }
  if (exporting) {
    return Json{{"workerResultId", w.id},
                {"result", runResultName(o.result)},
                {"itemsExported", o.archived},
                {"exportedBefore", o.duplicates},
                {"failed", o.failed}};
  }
  return Json{{"workerResultId", w.id},      {"result", runResultName(o.result)},
              {"itemsArchived", o.archived}, {"duplicates", o.duplicates},
              {"failed", o.failed},          {"warnings", o.warnings}};
}

}  // namespace spe::instance
