// ProfileScheduler: server-side execution of archiving profiles. A profile
// with serverSideExecution.automatic runs again once
// automaticPauseBetweenExecutions seconds passed since its last run ended,
// never inside one of its automaticMaintenanceWindows ("22:00-04:00",
// several separated by ',' or ';', in the host's local time), never while
// it runs already (RunProfile), while the instance is frozen for a backup,
// or in safe mode (the scheduler is not started then).
// Thread safety: all public members may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <list>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "instancehost/instance/archiving/profile_runner.h"
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
  ProfileScheduler(ProfileStore& profiles, ProfileRunner& runner, WriteGate& gate)
      : profiles_(profiles), runner_(runner), gate_(gate) {}
  ~ProfileScheduler();
  void start();
  // Cancels the runs under way and waits for them.
  void stop();
  // The profile's automation changed: it may run at once.
  void restart(std::int64_t profile_id);

 private:
  void loop();
  void reap(bool all);
  ProfileStore& profiles_;
  ProfileRunner& runner_;
  WriteGate& gate_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::atomic<bool> cancel_{false};
  std::thread thread_;
  std::map<std::int64_t, std::chrono::steady_clock::time_point> next_;  // earliest next start
  std::vector<Profile> automatic_;      // the automatic profiles, read again when they change
  std::uint64_t seen_generation_ = 0;
  struct Run {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  std::list<Run> runs_;
};

}  // namespace spe::instance
