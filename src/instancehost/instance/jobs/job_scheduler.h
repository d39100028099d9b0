// JobScheduler: runs an instance's jobs (job_store.h) at the moments of
// their schedules (job_schedule.h), and on request (RunJobAsync).
//
// Rules (docs/jobs.md):
// - Each job keeps its next run (NEXT_RUN) in the database. When the
//   scheduler looks and a job's next run has come, it starts one run and
//   sets the next run to the schedule's first moment after now. So a job
//   whose moments passed while the instance was stopped (or frozen, or
//   busy) runs once, at the first look, however many moments it missed.
// - A job does not start again while its previous run goes on; that moment
//   is skipped (the log of the run under way says nothing; the next run is
//   simply the following moment).
// - Safe mode: the instance does not start() the scheduler; nothing runs by
//   itself (RunJobAsync still runs a job when asked).
// - Frozen (a backup): due jobs wait and run once when the instance thaws
//   (WriteGate::onThaw); a run under way whose function writes waits inside
//   InstanceApi::call, cancellable.
// - A disabled job has no next run; enabling it computes one from now.
// - Results: one row per run with its log lines; rows older than
//   kResultRetention are deleted (looked at once an hour at most).
//
// Timing: one Clock timer, armed for the earliest next run (at most
// kMaxWait ahead, so that a step of the wall clock is noticed within that
// time: next runs are wall-clock moments, the timer is monotonic). Looks run
// on the clock's timer thread and only read the job list and start threads;
// every run has a thread of its own (like ProfileScheduler).
//
// Thread safety: all public members may be called from any thread. Lock
// order: lifecycle_mutex_, the Listeners lock of on_thaw, mutex_,
// store_mutex_, the clock's timer lock.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/base/clock.h"
#include "instancehost/instance/api/context.h"
#include "instancehost/instance/jobs/job_store.h"
#include "instancehost/instance/model/listeners.h"

namespace spe::instance {

class JobScheduler {
 public:
  struct Hooks {
    // Runs one Management API function of the instance (InstanceApi::call).
    std::function<Result<Json>(const std::string& function, ApiCall& call)> call;
    std::function<bool()> frozen;
    // Subscribes to the instance's thaw (WriteGate::onThaw); empty: never.
    std::function<Listeners::Subscription(std::function<void()> fn)> on_thaw;
  };
  static constexpr std::chrono::hours kMaxWait{1};
  static constexpr std::chrono::seconds kRetryAfterError{30};

  JobScheduler(JobStore& store, Hooks hooks, std::string instance_id, Clock& clock = systemClock());
  ~JobScheduler();

  // Marks results of an earlier process that were still running as failed,
  // then looks at once (missed runs start now).
  void start();
  // Cancels the runs under way and waits for them; no run starts after it.
  void stop();
  // A job was created, changed or deleted, or the instance thawed: look
  // again now.
  void changed();

  // Changes to jobs go through these, one at a time with the scheduler's own
  // read-modify-write of a job's next run, which they recompute (nextRunOf).
  // create: the new id. modify: `change` edits the job (its error is
  // returned, nothing stored); kNotFound for an unknown id.
  Result<std::int64_t> create(Job job);
  Result<Job> modify(std::int64_t job_id, const std::function<Status(Job&)>& change);
  Status remove(std::int64_t job_id);
  JobStore& store() { return store_; }
  // Now as UTC epoch seconds, from the scheduler's clock.
  std::int64_t now() const;
  // The next run of `job` after now, as the job functions store it: none
  // while disabled.
  Result<std::optional<std::int64_t>> nextRunOf(const Job& job) const;

  // Starts a run of the job now (RunJobAsync); its result id. Refused
  // (kAlreadyExists) while the job runs, kNotFound for an unknown id,
  // kUnavailable after stop().
  Result<std::int64_t> runNow(std::int64_t job_id);
  // Asks the job's run to stop (CancelJobAsync); false when it is not running.
  bool cancel(std::int64_t job_id);
  bool running(std::int64_t job_id);
  // Whether a run of any job is under way, and the earliest next run of an
  // enabled job (UTC epoch seconds; nullopt: none).
  bool anyRunning();
  Result<std::optional<std::int64_t>> earliestNextRun();

 private:
  struct Run {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> cancel;
    std::shared_ptr<std::atomic<bool>> done;
    std::int64_t job_id;
  };
  void look();
  // With mutex_ held: starts a run of `job` (records its start in the store).
  Result<std::int64_t> startRun(const Job& job);
  void execute(Job job, JobRunResult result, std::shared_ptr<std::atomic<bool>> cancel);
  void reap();  // joins the threads of ended runs; with mutex_ held
  bool runningLocked(std::int64_t job_id) const;

  JobStore& store_;
  Hooks hooks_;
  std::string instance_id_;
  Clock& clock_;
  std::mutex lifecycle_mutex_;
  std::vector<Listeners::Subscription> subscriptions_;  // with lifecycle_mutex_
  std::mutex mutex_;
  // Held for each read-modify-write of a job (create, modify, remove and the
  // look's next run); after mutex_ when both are held.
  std::mutex store_mutex_;
  bool started_ = false;
  bool stopped_ = false;
  std::int64_t last_prune_ = 0;
  std::unique_ptr<Timer> timer_;
  std::list<Run> runs_;
};

}  // namespace spe::instance
