// OnDemandInstances: instances whose start mode is "onDemand" run only
// while something needs them. Nobody using an instance costs a process:
// the host keeps its endpoints (its streams from the CASes, its calls from
// the Management Server) and starts it on the first use; after
// `idle_after` without use it stops it again, and starts it by itself
// when its next scheduled work (a job, an automatic archiving profile) is due.
//
// - use(id): a call or an end user's stream in progress; the returned
//   guard ends it. An instance in use is never stopped for idleness.
// - wake(id): blocks until the instance runs when it is on demand and not
//   running (stopped, ended with an error, or stopping for idleness); other
//   instances are left as they are (a stopped manual instance stays
//   stopped).
// - A sweep every `check_every` looks for on-demand instances that run, are
//   not in use and were last used `idle_after` ago or more; each is asked
//   what it does (the "activity" call: {busy, reasons, nextWakeSeconds}).
//   A busy one (an archiving or job run, Web Access sessions open) counts as
//   used now; the others are stopped and, when they name a next wake, a
//   timer starts them then.
// - Started by an administrator (StartInstances) or by a wake, an instance
//   counts as used at the moment the sweep first sees it running.
// Blocking work (starting, stopping, asking) runs through `post`, never on
// the clock's timer thread.
// Thread safety: every member may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "common/base/clock.h"
#include "common/base/json_reader.h"
#include "common/base/result.h"

namespace spe::instancehost {

inline constexpr const char* kOnDemand = "onDemand";

// Held by a shared_ptr: a use guard may outlive it (a stream ending after
// the host's shutdown).
class OnDemandInstances : public std::enable_shared_from_this<OnDemandInstances> {
 public:
  struct Hooks {
    std::function<bool(const std::string& id)> on_demand;  // its start mode is "onDemand"
    std::function<bool(const std::string& id)> running;    // its process runs (not stopping)
    std::function<std::set<std::string>()> running_ids;    // every instance whose process runs
    std::function<Status(const std::string& id)> start;
    std::function<Status(const std::string& id)> stop;
    std::function<Result<Json>(const std::string& id)> activity;  // asks the instance
    std::function<void(std::function<void()>)> post;              // runs blocking work
  };
  OnDemandInstances(Hooks hooks, Clock& clock, std::chrono::seconds idle_after);
  ~OnDemandInstances();  // ends the sweeps (after begin())
  OnDemandInstances(const OnDemandInstances&) = delete;
  OnDemandInstances& operator=(const OnDemandInstances&) = delete;

  // Starts the sweeps (none with idle_after 0: instances then stop only when asked).
  void begin();

  using Use = std::shared_ptr<void>;
  Use use(const std::string& id);
  Status wake(const std::string& id);

  // One sweep now (the timer calls it; tests too). Returns the instances it
  // asked to stop.
  std::set<std::string> sweep();

  // Instances being stopped for idleness, and those with a wake armed (for
  // tests and the logs).
  std::set<std::string> stopping() const;
  std::set<std::string> wakesArmed() const;

 private:
  struct State {
    int in_use = 0;
    Clock::TimePoint last_used{};
    bool seen = false;  // last_used is set
    std::unique_ptr<Timer> wake_timer;
  };
  void idleStop(const std::string& id);
  void armWake(const std::string& id, std::chrono::seconds in);

  Hooks hooks_;
  Clock& clock_;
  const std::chrono::seconds idle_after_;
  mutable std::mutex mutex_;
  std::map<std::string, State> states_;
  std::set<std::string> stopping_;  // idle stops under way
  std::condition_variable stopped_cv_;
  std::map<std::string, std::shared_future<Status>> waking_;  // starts on demand under way
  std::unique_ptr<Timer> sweep_timer_;
};

}  // namespace spe::instancehost
