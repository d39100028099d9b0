// ProfileScheduler on a FakeClock with its hooks standing in for the
// profile store, the runner and the write gate: pauses, maintenance
// windows, frozen instance and its thaw, RunProfile runs and their end,
// restart(), stop().
#include "instancehost/instance/archiving/profile_scheduler.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <set>
#include <thread>

#include "fake_clock.h"

namespace spe::instance {
namespace {

using namespace std::chrono_literals;
using testing::FakeClock;

// The instance as the scheduler sees it. Runs end at once unless `hold`.
struct FakeInstance {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<Profile> profiles;
  std::uint64_t generation = 1;
  std::set<std::int64_t> running_elsewhere;  // RunProfile runs
  bool frozen = false;
  bool hold = false;  // runs wait for cancellation
  int runs = 0;
  int cancelled = 0;
  Listeners thawed, run_ended;  // told without `mutex` held, as WriteGate and ProfileRunner do

  ProfileScheduler::Hooks hooks() {
    ProfileScheduler::Hooks h;
    h.generation = [this] {
      std::lock_guard l(mutex);
      return generation;
    };
    h.profiles = [this]() -> Result<std::vector<Profile>> {
      std::lock_guard l(mutex);
      return profiles;
    };
    h.running = [this](std::int64_t id) {
      std::lock_guard l(mutex);
      return running_elsewhere.count(id) > 0;
    };
    h.frozen = [this] {
      std::lock_guard l(mutex);
      return frozen;
    };
    h.on_thaw = [this](std::function<void()> fn) { return thawed.add(std::move(fn)); };
    h.on_run_end = [this](std::function<void()> fn) { return run_ended.add(std::move(fn)); };
    h.run = [this](const Profile&, const store::OperationControl& control) -> Result<Json> {
      std::unique_lock l(mutex);
      ++runs;
      changed.notify_all();
      if (hold) {
        l.unlock();
        while (!control.stop()) std::this_thread::yield();
        l.lock();
        ++cancelled;
      }
      return Json::object();
    };
    return h;
  }
  void freeze() {
    std::lock_guard l(mutex);
    frozen = true;
  }
  void thaw() {  // as WriteGate::thaw()
    {
      std::lock_guard l(mutex);
      frozen = false;
    }
    thawed.notify();
  }
  void startRunElsewhere(std::int64_t id) {
    std::lock_guard l(mutex);
    running_elsewhere.insert(id);
  }
  void endRunElsewhere(std::int64_t id) {  // as ProfileRunner::run() at its end
    {
      std::lock_guard l(mutex);
      running_elsewhere.erase(id);
    }
    run_ended.notify();
  }
  bool waitForRuns(int n) {
    std::unique_lock l(mutex);
    return changed.wait_for(l, 10s, [&] { return runs >= n; });
  }
  int runCount() {
    std::lock_guard l(mutex);
    return runs;
  }
};

Profile automatic(std::int64_t id, int pause_seconds, const std::string& windows = "") {
  Profile p;
  p.id = id;
  p.name = "profile " + std::to_string(id);
  p.server_side = Json{{"automatic", true},
                       {"automaticPauseBetweenExecutions", pause_seconds},
                       {"automaticMaintenanceWindows", windows}};
  return p;
}

// "hh:mm" of the clock's local time plus `minutes`.
std::string localTime(const FakeClock& clock, int minutes) {
  const std::time_t t = std::chrono::system_clock::to_time_t(clock.systemNow()) + minutes * 60;
  std::tm local{};
  localtime_r(&t, &local);
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", local.tm_hour, local.tm_min);
  return buf;
}

class ProfileSchedulerTest : public ::testing::Test {
 protected:
  // A run ended when its end armed the timer again (at once); this runs
  // that look, which sets the timer to the pause. When the run ended while
  // the advance() that started it was still running timers, that advance()
  // has run the look already (the timer is at the pause then).
  void lookAfterRunEnded() {
    ASSERT_TRUE(clock_.waitForPendingTimers(1));
    if (clock_.nextTimerIn() == Clock::Duration(0s)) clock_.advance(0s);
  }

  FakeClock clock_;
  FakeInstance instance_;
};

TEST_F(ProfileSchedulerTest, AProfileRunsAtStartAndAgainAfterItsPause) {
  instance_.profiles = {automatic(1, 300)};
  ProfileScheduler scheduler(instance_.hooks(), clock_);
  scheduler.start();
  clock_.advance(0s);
  ASSERT_TRUE(instance_.waitForRuns(1));
  lookAfterRunEnded();
  EXPECT_EQ(clock_.nextTimerIn(), Clock::Duration(300s));  // the pause, counted from the run's end
  clock_.advance(299s);
  EXPECT_EQ(instance_.runCount(), 1);
  clock_.advance(1s);
  ASSERT_TRUE(instance_.waitForRuns(2));
  lookAfterRunEnded();
  EXPECT_EQ(clock_.nextTimerIn(), Clock::Duration(300s));
  scheduler.stop();
  EXPECT_EQ(clock_.pendingTimers(), 0u);
}

TEST_F(ProfileSchedulerTest, WithoutAutomaticProfilesNothingWakesIt) {
  Profile manual = automatic(1, 300);
  manual.server_side["automatic"] = false;
  instance_.profiles = {manual};
  ProfileScheduler scheduler(instance_.hooks(), clock_);
  scheduler.start();
  clock_.advance(0s);
  EXPECT_EQ(clock_.pendingTimers(), 0u);
  clock_.advance(24h);
  EXPECT_EQ(instance_.runCount(), 0);
}

TEST_F(ProfileSchedulerTest, NoRunInsideAMaintenanceWindow) {
  // The window: from now for two minutes, in the clock's local time.
  instance_.profiles = {automatic(1, 0, localTime(clock_, 0) + "-" + localTime(clock_, 2))};
  ProfileScheduler scheduler(instance_.hooks(), clock_);
  scheduler.start();
  clock_.advance(0s);
  EXPECT_EQ(instance_.runCount(), 0);
  EXPECT_EQ(clock_.nextTimerIn(), Clock::Duration(60s));  // it looks again when the minute changes
  clock_.advance(60s);
  EXPECT_EQ(instance_.runCount(), 0);
  clock_.advance(59s);
  EXPECT_EQ(instance_.runCount(), 0);
  clock_.advance(1s);  // the window has ended
  EXPECT_TRUE(instance_.waitForRuns(1));
}

// Neither waits on a timer: the thaw and the end of the RunProfile run are
// reported, and each looks at once.
TEST_F(ProfileSchedulerTest, NoRunWhileFrozenOrWhileRunProfileRunsIt) {
  instance_.profiles = {automatic(1, 300)};
  instance_.frozen = true;
  instance_.running_elsewhere = {1};
  ProfileScheduler scheduler(instance_.hooks(), clock_);
  scheduler.start();
  clock_.advance(0s);
  EXPECT_EQ(clock_.pendingTimers(), 0u);  // nothing to poll for
  clock_.advance(24h);
  EXPECT_EQ(instance_.runCount(), 0);
  instance_.thaw();  // but RunProfile still runs it
  EXPECT_EQ(clock_.nextTimerIn(), Clock::Duration(0s));
  clock_.advance(0s);
  EXPECT_EQ(instance_.runCount(), 0);
  EXPECT_EQ(clock_.pendingTimers(), 0u);
  clock_.advance(24h);
  EXPECT_EQ(instance_.runCount(), 0);
  instance_.endRunElsewhere(1);
  EXPECT_EQ(clock_.nextTimerIn(), Clock::Duration(0s));
  clock_.advance(0s);
  EXPECT_TRUE(instance_.waitForRuns(1));
}

// A profile whose pause passed while the instance was frozen starts when
// it thaws, without the clock moving on.
TEST_F(ProfileSchedulerTest, ADueProfileStartsAtTheThawWithoutTheClockMoving) {
  instance_.profiles = {automatic(1, 300)};
  ProfileScheduler scheduler(instance_.hooks(), clock_);
  scheduler.start();
  clock_.advance(0s);
  ASSERT_TRUE(instance_.waitForRuns(1));
  lookAfterRunEnded();
  instance_.freeze();
  clock_.advance(400s);  // the pause ends while frozen
  EXPECT_EQ(instance_.runCount(), 1);
  EXPECT_EQ(clock_.pendingTimers(), 0u);
  instance_.thaw();
  EXPECT_EQ(clock_.nextTimerIn(), Clock::Duration(0s));
  clock_.advance(0s);  // runs the timers due now; time stands still
  EXPECT_TRUE(instance_.waitForRuns(2));
}

// A profile that RunProfile runs when its pause ends starts when that run
// ends, without the clock moving on: a RunProfile run does not start the
// pause again.
TEST_F(ProfileSchedulerTest, AProfileStartsWhenItsRunProfileRunEndsWithoutTheClockMoving) {
  instance_.profiles = {automatic(1, 300)};
  ProfileScheduler scheduler(instance_.hooks(), clock_);
  scheduler.start();
  clock_.advance(0s);
  ASSERT_TRUE(instance_.waitForRuns(1));
  lookAfterRunEnded();
  instance_.startRunElsewhere(1);  // RunProfile, during the pause
  clock_.advance(400s);            // the pause ends while it runs
  EXPECT_EQ(instance_.runCount(), 1);
  EXPECT_EQ(clock_.pendingTimers(), 0u);  // nothing polls for the run's end
  instance_.endRunElsewhere(1);
  EXPECT_EQ(clock_.nextTimerIn(), Clock::Duration(0s));
  clock_.advance(0s);  // runs the timers due now; time stands still
  EXPECT_TRUE(instance_.waitForRuns(2));
}

// A thaw or a run's end reported while the scheduler stops or is destroyed
// does not reach it afterwards (run under a sanitizer to see a race).
TEST_F(ProfileSchedulerTest, ReportsRacingStopAndDestructionAreSafe) {
  instance_.profiles = {automatic(1, 300)};
  std::atomic<bool> done{false};
  std::thread reporter([&] {
    while (!done) {
      instance_.thaw();
      instance_.endRunElsewhere(7);
      std::this_thread::yield();
    }
  });
  for (int i = 0; i < 200; ++i) {
    ProfileScheduler scheduler(instance_.hooks(), clock_);
    scheduler.start();
    if (i % 2 == 0) scheduler.stop();
  }
  done = true;
  reporter.join();
  clock_.advance(0s);  // no timer of a destroyed scheduler is left to run
  EXPECT_EQ(clock_.pendingTimers(), 0u);
}

TEST_F(ProfileSchedulerTest, RestartRunsAProfileWithoutWaitingForItsPause) {
  instance_.profiles = {automatic(1, 3600)};
  ProfileScheduler scheduler(instance_.hooks(), clock_);
  scheduler.start();
  clock_.advance(0s);
  ASSERT_TRUE(instance_.waitForRuns(1));
  lookAfterRunEnded();
  EXPECT_EQ(clock_.nextTimerIn(), Clock::Duration(3600s));
  scheduler.restart(1);
  EXPECT_EQ(clock_.nextTimerIn(), Clock::Duration(0s));
  clock_.advance(0s);
  EXPECT_TRUE(instance_.waitForRuns(2));
}

TEST_F(ProfileSchedulerTest, AChangedProfileListIsReadAtTheNextLook) {
  instance_.profiles = {automatic(1, 60)};
  ProfileScheduler scheduler(instance_.hooks(), clock_);
  scheduler.start();
  clock_.advance(0s);
  ASSERT_TRUE(instance_.waitForRuns(1));
  lookAfterRunEnded();
  {
    std::lock_guard l(instance_.mutex);
    instance_.profiles.clear();  // DeleteProfile
    ++instance_.generation;
  }
  clock_.advance(60s);
  EXPECT_EQ(instance_.runCount(), 1);
  EXPECT_EQ(clock_.pendingTimers(), 0u);
}

TEST_F(ProfileSchedulerTest, StopCancelsARunUnderWayAndWaitsForIt) {
  instance_.profiles = {automatic(1, 60)};
  instance_.hold = true;
  ProfileScheduler scheduler(instance_.hooks(), clock_);
  scheduler.start();
  clock_.advance(0s);
  ASSERT_TRUE(instance_.waitForRuns(1));
  scheduler.stop();
  std::lock_guard l(instance_.mutex);
  EXPECT_EQ(instance_.cancelled, 1);
}

}  // namespace
}  // namespace spe::instance
