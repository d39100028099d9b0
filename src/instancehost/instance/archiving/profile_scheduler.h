// ProfileScheduler: server-side execution of archiving profiles. A profile
// with serverSideExecution.automatic runs again once
// automaticPauseBetweenExecutions seconds passed since its last run ended,
// never inside one of its automaticMaintenanceWindows ("22:00-04:00",
// several separated by ',' or ';', in the host's local time), never while
// it runs already (RunProfile), while the instance is frozen for a backup,
// or in safe mode (the scheduler is not started then).
//
// Timing: the scheduler looks at its profiles when its Clock's timer comes
// (clock.h), and sets the timer to the next moment something can change:
// the end of a pause, the next minute while a profile waits for the end of
// a maintenance window, at once when restart() is called, when one of its
// runs ends, when the instance thaws (WriteGate::onThaw) and when a
// RunProfile run ends (ProfileRunner::onRunEnd). A RunProfile run does not
// start the pause: its profile is due again as soon as that run ends. While
// frozen no timer is armed, and a profile that waits for a RunProfile run
// adds none: those waits end only by a reported event, so there is nothing
// to poll for and no safety re-look (a missed report would be a bug of the
// reporter, which a re-look would only hide). No thread sleeps or
// polls; with nothing automatic it does not wake at all. A changed profile
// list is read again at the next look (the only way a profile becomes
// automatic, SetProfileServerSideExecution, calls restart()); a failed read
// is tried again after kRetryAfterError.
// The looks run on the clock's timer thread and are short (the profile
// list is read only when it changed); each run has a thread of its own.
//
// Thread safety: all public members may be called from any thread. The
// thaw and run-end reports come on the thread that thawed or ran; they only
// arm the timer (under mutex_). Lock order: lifecycle_mutex_ (start/stop),
// the reporter's Listeners lock, mutex_, the clock's timer lock; so the
// scheduler subscribes and unsubscribes without holding mutex_, and stop()
// drops the subscriptions first, which waits for a report under way: after
// stop() no report reaches the scheduler.
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
#include <vector>

#include "common/base/clock.h"
#include "instancehost/instance/archiving/profile_runner.h"
#include "instancehost/instance/model/listeners.h"
#include "instancehost/instance/model/write_gate.h"

namespace spe::instance {

// Checks and normalises a profile's serverSideExecution object:
// {automatic, automaticPauseBetweenExecutions, automaticMaintenanceWindows}.
// `require_pause`: automatic=true must come with a pause (as
// SetProfileServerSideExecution requires).
Result<Json> parseServerSideExecution(const Json& value, bool require_pause);
// True when `minute_of_day` (0-1439) lies in one of the windows.
bool inMaintenanceWindow(const std::string& windows, int minute_of_day);

class ProfileScheduler {
 public:
  // What the scheduler needs of the instance (the first constructor takes
  // them from the instance's parts; tests give their own).
  struct Hooks {
    std::function<std::uint64_t()> generation;  // changes with the profile list
    std::function<Result<std::vector<Profile>>()> profiles;
    std::function<bool(std::int64_t)> running;  // a run of the profile is under way
    std::function<Result<Json>(const Profile&, const store::OperationControl&)> run;
    std::function<bool()> frozen;
    // Subscribe `fn` to the thaw of the instance / the end of any run of a
    // profile (WriteGate::onThaw, ProfileRunner::onRunEnd); called in
    // start(), dropped in stop(). Empty: the event never comes.
    std::function<Listeners::Subscription(std::function<void()> fn)> on_thaw;
    std::function<Listeners::Subscription(std::function<void()> fn)> on_run_end;
  };
  // How soon to read the profile list again after reading it failed (the
  // database reports no recovery, so this is a retry, not a wait for news).
  static constexpr std::chrono::seconds kRetryAfterError{1};

  ProfileScheduler(ProfileStore& profiles, ProfileRunner& runner, WriteGate& gate, Clock& clock = systemClock());
  ProfileScheduler(Hooks hooks, Clock& clock);
  ~ProfileScheduler();
  void start();
  // Stops listening for thaws and run ends, cancels the runs under way and
  // waits for them. The scheduler may be destroyed after it (the destructor
  // calls it).
  void stop();
  // The profile's automation changed: it may run at once.
  void restart(std::int64_t profile_id);
  // How soon the next automatic run is due (zero: due now or running);
  // nullopt when no profile runs automatically or the scheduler is stopped.
  std::optional<Clock::Duration> nextRunIn();

 private:
  struct Run {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  void look();
  void lookNow();  // a thaw or a run's end was reported
  // Starts the profiles that are due; returns when to look again (nullopt:
  // not before a restart(), a run's end or a thaw). With mutex_ held.
  std::optional<Clock::Duration> startDue();
  void startRun(const Profile& p);
  void runEnded(std::int64_t profile_id, std::chrono::seconds pause);
  void reap();  // joins the threads of ended runs

  Hooks hooks_;
  Clock& clock_;
  std::mutex lifecycle_mutex_;                          // start() and stop() one at a time; before mutex_
  std::vector<Listeners::Subscription> subscriptions_;  // with lifecycle_mutex_
  std::mutex mutex_;
  bool started_ = false;
  bool stopping_ = false;
  std::atomic<bool> cancel_{false};
  std::unique_ptr<Timer> timer_;
  std::map<std::int64_t, Clock::TimePoint> next_;  // earliest next start
  std::vector<Profile> automatic_;                 // the automatic profiles, read again when they change
  std::uint64_t seen_generation_ = 0;
  std::list<Run> runs_;
};

}  // namespace spe::instance
