#include "instancehost/instance/jobs/job_scheduler.h"

#include "common/base/logging.h"

namespace spe::instance {
namespace {

// The job's result from what its function returned.
std::string outcomeOf(const Result<Json>& r, bool cancelled) {
  if (!r) return r.error().code == ErrorCode::kCancelled || cancelled ? "cancelled" : "failed";
  if (r->is_object()) {
    const std::string inner = r->value("result", "");
    if (inner == "completedWithWarnings" || inner == "completedWithErrors") return "completedWithWarnings";
    if (inner == "failed") return "failed";
    if (inner == "cancelled") return "cancelled";
  }
  return "succeeded";
}

// Appends a line to a run's log, cutting it at kMaxLogBytes.
void appendLine(std::string& log, const std::string& line) {
  static const std::string kCut = "(the log is cut here: it is longer than 32 KB)\n";
  if (log.size() >= kMaxLogBytes) return;
  if (log.size() + line.size() + 1 + kCut.size() > kMaxLogBytes) {
    log += kCut;
    return;
  }
  log += line;
  log += '\n';
}

}  // namespace

JobScheduler::JobScheduler(JobStore& store, Hooks hooks, std::string instance_id, Clock& clock)
    : store_(store),
      hooks_(std::move(hooks)),
      instance_id_(std::move(instance_id)),
      clock_(clock),
      timer_(clock.makeTimer([this] { look(); })) {}

JobScheduler::~JobScheduler() { stop(); }

std::int64_t JobScheduler::now() const {
  return std::chrono::duration_cast<std::chrono::seconds>(clock_.systemNow().time_since_epoch()).count();
}

Result<std::optional<std::int64_t>> JobScheduler::nextRunOf(const Job& job) const {
  if (!job.enabled) return std::optional<std::int64_t>();
  return job.schedule.nextRun(now());
}

void JobScheduler::start() {
  std::lock_guard lifecycle(lifecycle_mutex_);
  {
    std::lock_guard lock(mutex_);
    if (started_ || stopped_) return;
    started_ = true;
  }
  if (auto st = store_.markAbandoned(now()); !st) {
    logger("jobs")->warn("marking the runs of the last process as failed: {}", st.error().message);
  }
  if (hooks_.on_thaw) subscriptions_.push_back(hooks_.on_thaw([this] { changed(); }));
  timer_->armAfter(Clock::Duration::zero());
}

void JobScheduler::stop() {
  std::lock_guard lifecycle(lifecycle_mutex_);
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    started_ = false;
    for (auto& r : runs_) r.cancel->store(true);
  }
  subscriptions_.clear();  // waits for a thaw report under way (which takes mutex_)
  timer_->cancel();        // waits for a look under way
  std::list<Run> runs;
  {
    std::lock_guard lock(mutex_);
    runs.swap(runs_);
  }
  for (auto& r : runs) r.thread.join();
}

void JobScheduler::changed() {
  std::lock_guard lock(mutex_);
  if (started_ && !stopped_) timer_->armAfter(Clock::Duration::zero());
}

Result<std::int64_t> JobScheduler::create(Job job) {
  {
    std::lock_guard store_lock(store_mutex_);
    auto next = nextRunOf(job);
    if (!next) return next.error();
    job.next_run = *next;
    auto id = store_.create(job);
    if (!id) return id.error();
    job.id = *id;
  }
  changed();
  return job.id;
}

Result<Job> JobScheduler::modify(std::int64_t job_id, const std::function<Status(Job&)>& change) {
  Job job;
  {
    std::lock_guard store_lock(store_mutex_);
    auto found = store_.get(job_id);
    if (!found) return found.error();
    job = std::move(*found);
    SPE_TRY(change(job));
    auto next = nextRunOf(job);
    if (!next) return next.error();
    job.next_run = *next;
    SPE_TRY(store_.update(job));
  }
  changed();
  return job;
}

Status JobScheduler::remove(std::int64_t job_id) {
  {
    std::lock_guard store_lock(store_mutex_);
    SPE_TRY(store_.remove(job_id));
  }
  cancel(job_id);  // a run under way ends too
  changed();
  return okStatus();
}

bool JobScheduler::runningLocked(std::int64_t job_id) const {
  for (const auto& r : runs_) {
    if (r.job_id == job_id && !r.done->load()) return true;
  }
  return false;
}

bool JobScheduler::running(std::int64_t job_id) {
  std::lock_guard lock(mutex_);
  return runningLocked(job_id);
}

bool JobScheduler::anyRunning() {
  std::lock_guard lock(mutex_);
  for (const auto& r : runs_) {
    if (!r.done->load()) return true;
  }
  return false;
}

Result<std::optional<std::int64_t>> JobScheduler::earliestNextRun() {
  auto jobs = store_.list();
  if (!jobs) return jobs.error();
  std::optional<std::int64_t> out;
  for (const auto& j : *jobs) {
    if (j.next_run && (!out || *j.next_run < *out)) out = j.next_run;
  }
  return out;
}

void JobScheduler::reap() {
  for (auto it = runs_.begin(); it != runs_.end();) {
    if (it->done->load()) {
      it->thread.join();
      it = runs_.erase(it);
    } else {
      ++it;
    }
  }
}

bool JobScheduler::cancel(std::int64_t job_id) {
  std::lock_guard lock(mutex_);
  bool found = false;
  for (auto& r : runs_) {
    if (r.job_id == job_id && !r.done->load()) {
      r.cancel->store(true);
      found = true;
    }
  }
  return found;
}

Result<std::int64_t> JobScheduler::runNow(std::int64_t job_id) {
  auto job = store_.get(job_id);
  if (!job) return job.error();
  std::lock_guard lock(mutex_);
  if (stopped_) return makeError(ErrorCode::kUnavailable, "The instance is stopping; the job was not started.");
  reap();
  if (runningLocked(job_id)) {
    return makeError(ErrorCode::kAlreadyExists,
                     "The job '" + job->name + "' (id " + std::to_string(job_id) + ") is running already.");
  }
  return startRun(*job);
}

void JobScheduler::look() {
  std::unique_lock lock(mutex_);
  if (!started_ || stopped_) return;
  reap();
  const std::int64_t t = now();
  if (t - last_prune_ >= 3600) {
    last_prune_ = t;
    const auto retention = std::chrono::duration_cast<std::chrono::seconds>(kResultRetention).count();
    if (auto st = store_.pruneResults(t - retention); !st) {
      logger("jobs")->warn("deleting old job results: {}", st.error().message);
    }
  }
  if (hooks_.frozen && hooks_.frozen()) return;  // the thaw looks again (changed())
  auto jobs = store_.list();
  if (!jobs) {
    logger("jobs")->warn("reading the jobs: {}", jobs.error().message);
    timer_->armAfter(kRetryAfterError);
    return;
  }
  std::optional<std::int64_t> earliest;
  for (auto& job : *jobs) {
    if (!job.enabled || !job.next_run) continue;
    if (*job.next_run <= t) {
      if (!runningLocked(job.id)) {
        if (auto id = startRun(job); !id) {
          logger("jobs")->warn("job '{}' (id {}) did not start: {}", job.name, job.id, id.error().message);
        }
      }
      auto next = job.schedule.nextRun(t);
      job.next_run = next ? *next : std::nullopt;
      if (!next) logger("jobs")->warn("job '{}' (id {}): {}", job.name, job.id, next.error().message);
      // Only the next run is written, to the job as it is now.
      std::lock_guard store_lock(store_mutex_);
      auto fresh = store_.get(job.id);
      if (fresh && fresh->next_run && *fresh->next_run <= t) {
        fresh->next_run = job.next_run;
        if (auto st = store_.update(*fresh); !st) {
          logger("jobs")->warn("job '{}' (id {}): storing its next run: {}", job.name, job.id, st.error().message);
        }
      } else if (fresh) {
        job.next_run = fresh->next_run;  // changed meanwhile (SetJobSchedule)
      }
    }
    if (job.next_run && (!earliest || *job.next_run < *earliest)) earliest = job.next_run;
  }
  if (earliest) {
    const auto wait = std::min<Clock::Duration>(std::chrono::seconds(std::max<std::int64_t>(*earliest - t, 0)),
                                                std::chrono::duration_cast<Clock::Duration>(kMaxWait));
    timer_->armAfter(wait);
  } else {
    timer_->armAfter(kMaxWait);
  }
}

Result<std::int64_t> JobScheduler::startRun(const Job& job) {
  JobRunResult r;
  r.job_id = job.id;
  r.action = job.action;
  r.start = now();
  auto id = store_.startResult(r);
  if (!id) return id.error();
  r.id = *id;
  Job started = job;
  started.last_start = r.start;
  if (auto st = store_.setLastStart(job.id, r.start); !st) {
    logger("jobs")->warn("job '{}' (id {}): storing its start: {}", job.name, job.id, st.error().message);
  }
  auto cancel = std::make_shared<std::atomic<bool>>(false);
  auto done = std::make_shared<std::atomic<bool>>(false);
  runs_.push_back(Run{std::thread([this, started, r, cancel, done] {
                        execute(started, r, cancel);
                        // Under mutex_, so a look that sees `done` and joins
                        // waits only for this thread's return.
                        std::lock_guard end_lock(mutex_);
                        *done = true;
                        if (started_ && !stopped_) timer_->armAfter(Clock::Duration::zero());
                      }),
                      cancel, done, job.id});
  return r.id;
}

void JobScheduler::execute(Job job, JobRunResult result, std::shared_ptr<std::atomic<bool>> cancel) {
  const std::string function = job.call.value("function", "");
  Json args = job.call.value("args", Json::object());
  if (!args.is_object()) args = Json::object();
  args["instanceID"] = instance_id_;
  std::mutex log_mutex;
  std::string log;
  // Audited as the job (actor kind `job`, actor "$job:<name>"), its source
  // naming the job and its owner (docs/compliance.md "Entries").
  ApiCall call{args, "$job:" + job.name, {}, {}, "job " + std::to_string(job.id) + ", owner " + job.owner};
  call.control.cancelled = [cancel] { return cancel->load(); };
  call.log = [&](const std::string& line) {
    std::lock_guard l(log_mutex);
    appendLine(log, line);
  };
  logger("jobs")->info("job '{}' (id {}) runs {} as {}", job.name, job.id, function, job.owner);
  Result<Json> r = function.empty() ? Result<Json>(makeError(ErrorCode::kInvalidArgument, "The job has no action."))
                                    : hooks_.call(function, call);
  std::string outcome = outcomeOf(r, cancel->load());
  std::lock_guard l(log_mutex);
  if (!r) {
    appendLine(log, r.error().message);
  } else if (!r->is_null()) {
    std::string text = dumpJson(*r);
    if (text.size() > 4000) text = text.substr(0, 4000) + "...";
    appendLine(log, "Result: " + text);
  }
  result.result = outcome;
  result.log = log;
  result.complete = now();
  logger("jobs")->info("job '{}' (id {}): {}", job.name, job.id, outcome);
  if (auto st = store_.finishResult(result); !st) {
    logger("jobs")->warn("job '{}' (id {}): storing its result: {}", job.name, job.id, st.error().message);
  }
  (void)store_.setLastComplete(job.id, *result.complete);  // the job may be gone
}

}  // namespace spe::instance
