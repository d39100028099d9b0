// JobScheduler on a FakeClock with an in-memory JobStore and a fake
// InstanceApi: runs at the scheduled moments, a missed run once at start,
// disabled jobs, safe mode (not started), frozen and thaw, RunJobAsync while
// running, cancellation, the default job, results' retention, a daily job
// across both daylight saving changes.
#include "instancehost/instance/jobs/job_scheduler.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "fake_clock.h"

namespace spe::instance {
namespace {

using namespace std::chrono_literals;
using testing::FakeClock;

class MemoryJobStore final : public JobStore {
 public:
  Result<std::int64_t> create(const Job& job) override {
    std::lock_guard l(mutex_);
    Job j = job;
    j.id = ++last_job_;
    jobs_[j.id] = j;
    return j.id;
  }
  Result<std::vector<Job>> list() override {
    std::lock_guard l(mutex_);
    std::vector<Job> out;
    for (const auto& [id, j] : jobs_) out.push_back(j);
    return out;
  }
  Result<Job> get(std::int64_t id) override {
    std::lock_guard l(mutex_);
    auto it = jobs_.find(id);
    if (it == jobs_.end()) return makeError(ErrorCode::kNotFound, "no job " + std::to_string(id));
    return it->second;
  }
  Status update(const Job& job) override {
    std::lock_guard l(mutex_);
    auto it = jobs_.find(job.id);
    if (it == jobs_.end()) return makeError(ErrorCode::kNotFound, "no job");
    it->second.name = job.name;
    it->second.schedule = job.schedule;
    it->second.enabled = job.enabled;
    it->second.next_run = job.next_run;
    return okStatus();
  }
  Status setLastStart(std::int64_t id, std::int64_t when) override {
    std::lock_guard l(mutex_);
    if (jobs_.count(id)) jobs_[id].last_start = when;
    return okStatus();
  }
  Status setLastComplete(std::int64_t id, std::int64_t when) override {
    std::lock_guard l(mutex_);
    if (jobs_.count(id)) jobs_[id].last_complete = when;
    return okStatus();
  }
  Status remove(std::int64_t id) override {
    std::lock_guard l(mutex_);
    if (!jobs_.erase(id)) return makeError(ErrorCode::kNotFound, "no job");
    return okStatus();
  }
  Result<std::int64_t> startResult(const JobRunResult& r) override {
    std::lock_guard l(mutex_);
    JobRunResult x = r;
    x.id = ++last_result_;
    results_[x.id] = x;
    return x.id;
  }
  Status finishResult(const JobRunResult& r) override {
    {
      std::lock_guard l(mutex_);
      results_[r.id] = r;
    }
    finished_.notify_all();
    return okStatus();
  }
  Result<std::vector<JobRunResult>> results(std::int64_t from, std::int64_t to,
                                            std::optional<std::int64_t> job_id) override {
    std::lock_guard l(mutex_);
    std::vector<JobRunResult> out;
    for (const auto& [id, r] : results_) {
      if (r.start >= from && r.start < to && (!job_id || r.job_id == *job_id)) out.push_back(r);
    }
    return out;
  }
  Status pruneResults(std::int64_t before) override {
    std::lock_guard l(mutex_);
    std::erase_if(results_, [before](const auto& e) { return e.second.start < before; });
    return okStatus();
  }
  Status markAbandoned(std::int64_t now) override {
    std::lock_guard l(mutex_);
    for (auto& [id, r] : results_) {
      if (r.result == "running") {
        r.result = "failed";
        r.complete = now;
      }
    }
    return okStatus();
  }
  Status ensureDefaultJob(std::int64_t) override { return okStatus(); }

  std::vector<JobRunResult> all() {
    std::lock_guard l(mutex_);
    std::vector<JobRunResult> out;
    for (const auto& [id, r] : results_) out.push_back(r);
    return out;
  }
  // Waits (real time, bounded) until `n` runs have finished.
  bool waitFinished(std::size_t n) {
    std::unique_lock l(mutex_);
    return finished_.wait_for(l, 10s, [&] {
      std::size_t done = 0;
      for (const auto& [id, r] : results_) done += r.result != "running";
      return done >= n;
    });
  }

 private:
  std::mutex mutex_;
  std::condition_variable finished_;
  std::map<std::int64_t, Job> jobs_;
  std::map<std::int64_t, JobRunResult> results_;
  std::int64_t last_job_ = 0, last_result_ = 0;
};

// The instance's functions as the jobs see them.
struct FakeInstance {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::string> calls;  // "function caller [source] args"
  bool frozen = false;
  bool hold = false;  // calls wait until cancelled
  int holding = 0;
  Listeners thawed;

  JobScheduler::Hooks hooks() {
    JobScheduler::Hooks h;
    h.call = [this](const std::string& fn, ApiCall& call) -> Result<Json> {
      std::unique_lock l(mutex);
      calls.push_back(fn + " " + call.caller + " [" + call.source + "] " + call.args.dump());
      if (fn == "ProcessRetentionPolicies") {
        call.log("No retention policies: nothing to do.");
        return Json{{"messagesDeleted", 0}};
      }
      if (fn == "Fail") return makeError(ErrorCode::kIo, "the disk is full");
      call.log("working on it");
      if (hold) {
        ++holding;
        changed.notify_all();
        while (!call.control.stop()) changed.wait_for(l, 5ms);
        --holding;
        return makeError(ErrorCode::kCancelled, "stopped half way");
      }
      return Json{{"result", "succeeded"}, {"itemsArchived", 3}};
    };
    h.frozen = [this] {
      std::lock_guard l(mutex);
      return frozen;
    };
    h.on_thaw = [this](std::function<void()> fn) { return thawed.add(std::move(fn)); };
    return h;
  }
  std::size_t callCount() {
    std::lock_guard l(mutex);
    return calls.size();
  }
  bool waitHolding(int n) {
    std::unique_lock l(mutex);
    return changed.wait_for(l, 10s, [&] { return holding >= n; });
  }
};

// 2026-01-01 00:00:00 UTC, the FakeClock's start.
constexpr std::int64_t kStart = 1767225600;

Job dailyJob(const std::string& time, const std::string& function = "RunProfile") {
  Job j;
  j.name = "job " + time;
  j.action = function + " --id=1";
  j.call = Json{{"function", function}, {"args", {{"id", 1}}}};
  j.owner = "admin";
  j.schedule = *JobSchedule::fromArgs({{"timeZoneId", "UTC"}, {"time", time}});
  return j;
}

struct Fixture {
  FakeClock clock;
  MemoryJobStore store;
  FakeInstance instance;
  JobScheduler scheduler{store, instance.hooks(), "i1", clock};

  // A run's result is stored just before its thread says it has ended:
  // waits (real time, bounded) for that, so the next moment is not skipped
  // as "still running".
  bool settled(std::int64_t job_id) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (scheduler.running(job_id)) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(1ms);
    }
    return true;
  }
};

TEST(JobScheduler, RunsAtTheScheduledMomentsAsTheJobOfItsOwner) {
  Fixture f;
  auto id = f.scheduler.create(dailyJob("00:10"));
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*f.store.get(*id)->next_run, kStart + 600);
  f.scheduler.start();
  f.clock.advance(9min);
  EXPECT_EQ(f.instance.callCount(), 0u);
  f.clock.advance(1min);
  ASSERT_TRUE(f.store.waitFinished(1));
  ASSERT_TRUE(f.settled(*id));
  EXPECT_EQ(f.instance.calls[0],
            "RunProfile $job:job 00:10 [job " + std::to_string(*id) + R"(, owner admin] {"id":1,"instanceID":"i1"})");
  auto r = f.store.all();
  EXPECT_EQ(r[0].result, "succeeded");
  EXPECT_EQ(r[0].start, kStart + 600);
  EXPECT_NE(r[0].log.find("working on it\nResult: {"), std::string::npos) << r[0].log;
  auto job = f.store.get(*id);
  EXPECT_EQ(*job->next_run, kStart + 86400 + 600);
  EXPECT_EQ(*job->last_start, kStart + 600);
  f.clock.advance(24h);
  ASSERT_TRUE(f.store.waitFinished(2));
  EXPECT_EQ(f.instance.callCount(), 2u);
  f.scheduler.stop();
}

TEST(JobScheduler, MissedRunsWhileStoppedRunOnceAtStart) {
  Fixture f;
  Job j = dailyJob("00:10");
  j.next_run = kStart - 3 * 86400;  // three days of moments missed
  ASSERT_TRUE(f.store.create(j).ok());
  f.scheduler.start();
  f.clock.advance(1s);
  ASSERT_TRUE(f.store.waitFinished(1));
  ASSERT_TRUE(f.settled(1));
  f.clock.advance(1min);  // reaps; nothing more is due before 00:10
  EXPECT_EQ(f.instance.callCount(), 1u);
  EXPECT_EQ(*f.store.get(1)->next_run, kStart + 600);
  f.clock.advance(10min);
  ASSERT_TRUE(f.store.waitFinished(2));
  EXPECT_EQ(f.instance.callCount(), 2u);
  f.scheduler.stop();
}

// A daily 02:30 job in Europe/Berlin with the clock moved hour by hour over
// the three days around each change of 2026 (docs/jobs.md "Daylight saving
// time"): one run a day; on 29 March at 03:30 CEST (02:30 does not exist
// that day), on 25 October at the first 02:30 (CEST) and not again at the
// second (CET).
TEST(JobScheduler, DailyTwoThirtyInBerlinRunsOnceOnEachChangeDay) {
  struct Case {
    std::int64_t start;
    std::vector<std::int64_t> runs;
  };
  const Case cases[] = {{1774656000,      // 2026-03-28T00:00Z
                         {1774661400,     // 28 Mar 02:30 CET  = 01:30Z
                          1774747800,     // 29 Mar 03:30 CEST = 01:30Z (spring forward)
                          1774830600}},   // 30 Mar 02:30 CEST = 00:30Z
                        {1792800000,      // 2026-10-24T00:00Z
                         {1792801800,     // 24 Oct 02:30 CEST = 00:30Z
                          1792888200,     // 25 Oct 02:30 CEST = 00:30Z (fall back; not 01:30Z)
                          1792978200}}};  // 26 Oct 02:30 CET  = 01:30Z
  for (const auto& c : cases) {
    FakeClock clock{FakeClock::SystemTime(std::chrono::seconds(c.start))};
    MemoryJobStore store;
    FakeInstance instance;
    JobScheduler scheduler{store, instance.hooks(), "i1", clock};
    Job j = dailyJob("02:30");
    j.schedule = *JobSchedule::fromArgs({{"timeZoneId", "Europe/Berlin"}, {"time", "02:30"}});
    auto id = scheduler.create(j);
    ASSERT_TRUE(id.ok());
    EXPECT_EQ(*store.get(*id)->next_run, c.runs[0]);
    scheduler.start();
    for (int hour = 0; hour < 72; ++hour) {
      clock.advance(1h);
      // a run started in this hour ends before the clock moves on
      ASSERT_TRUE(store.waitFinished(instance.callCount()));
      const auto deadline = std::chrono::steady_clock::now() + 10s;
      while (scheduler.running(*id)) {
        ASSERT_LT(std::chrono::steady_clock::now(), deadline);
        std::this_thread::sleep_for(1ms);
      }
    }
    std::vector<std::int64_t> starts;
    for (const auto& r : store.all()) {
      starts.push_back(r.start);
      EXPECT_EQ(r.result, "succeeded");
    }
    EXPECT_EQ(starts, c.runs) << "from " << c.start;
    EXPECT_EQ(*store.get(*id)->next_run, c.runs.back() + 86400) << "the next day at 02:30 again";
    scheduler.stop();
  }
}

TEST(JobScheduler, DisabledJobsDoNotRunAndEnablingComputesTheNextRun) {
  Fixture f;
  Job j = dailyJob("00:10");
  j.enabled = false;
  auto id = f.scheduler.create(j);
  ASSERT_TRUE(id.ok());
  EXPECT_FALSE(f.store.get(*id)->next_run.has_value());
  f.scheduler.start();
  f.clock.advance(48h);
  EXPECT_EQ(f.instance.callCount(), 0u);
  auto changed = f.scheduler.modify(*id, [](Job& job) {
    job.enabled = true;
    return okStatus();
  });
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(*changed->next_run, kStart + 2 * 86400 + 600);
  f.clock.advance(10min);
  ASSERT_TRUE(f.store.waitFinished(1));
  f.scheduler.stop();
}

TEST(JobScheduler, SafeModeRunsNothingByItselfButRunJobAsyncWorks) {
  Fixture f;  // start() is not called in safe mode
  auto id = f.scheduler.create(dailyJob("00:10"));
  f.clock.advance(72h);
  EXPECT_EQ(f.instance.callCount(), 0u);
  auto run = f.scheduler.runNow(*id);
  ASSERT_TRUE(run.ok());
  ASSERT_TRUE(f.store.waitFinished(1));
  EXPECT_EQ(f.instance.callCount(), 1u);
  f.scheduler.stop();
  EXPECT_EQ(f.scheduler.runNow(*id).error().code, ErrorCode::kUnavailable);
}

TEST(JobScheduler, FrozenInstanceRunsDueJobsOnceAtTheThaw) {
  Fixture f;
  ASSERT_TRUE(f.scheduler.create(dailyJob("00:10")).ok());
  f.scheduler.start();
  f.instance.frozen = true;
  f.clock.advance(30h);  // two moments pass while frozen
  EXPECT_EQ(f.instance.callCount(), 0u);
  f.instance.frozen = false;
  f.instance.thawed.notify();
  f.clock.advance(0s);
  ASSERT_TRUE(f.store.waitFinished(1));
  f.clock.advance(1min);
  EXPECT_EQ(f.instance.callCount(), 1u);
  EXPECT_EQ(*f.store.get(1)->next_run, kStart + 2 * 86400 + 600);
  f.scheduler.stop();
}

TEST(JobScheduler, ARunningJobIsNotStartedTwiceAndCanBeCancelled) {
  Fixture f;
  f.instance.hold = true;
  auto id = f.scheduler.create(dailyJob("00:10"));
  f.scheduler.start();
  f.clock.advance(10min);
  ASSERT_TRUE(f.instance.waitHolding(1));
  EXPECT_TRUE(f.scheduler.running(*id));
  EXPECT_EQ(f.scheduler.runNow(*id).error().code, ErrorCode::kAlreadyExists);
  f.clock.advance(24h);  // the next moment comes while it runs: skipped
  EXPECT_EQ(f.instance.callCount(), 1u);
  EXPECT_EQ(*f.store.get(*id)->next_run, kStart + 2 * 86400 + 600);
  EXPECT_TRUE(f.scheduler.cancel(*id));
  ASSERT_TRUE(f.store.waitFinished(1));
  const auto r = f.store.all();
  EXPECT_EQ(r[0].result, "cancelled");
  EXPECT_NE(r[0].log.find("stopped half way"), std::string::npos);
  EXPECT_TRUE(f.settled(*id));
  EXPECT_FALSE(f.scheduler.cancel(*id));
  f.scheduler.stop();
}

TEST(JobScheduler, StopCancelsRunsUnderWay) {
  Fixture f;
  f.instance.hold = true;
  auto id = f.scheduler.create(dailyJob("00:10"));
  ASSERT_TRUE(f.scheduler.runNow(*id).ok());
  ASSERT_TRUE(f.instance.waitHolding(1));
  f.scheduler.stop();
  EXPECT_EQ(f.store.all()[0].result, "cancelled");
}

TEST(JobScheduler, FailuresAndTheDefaultJob) {
  Fixture f;
  auto fail = f.scheduler.create(dailyJob("00:10", "Fail"));
  Job def = defaultJob(kStart);
  auto retention = f.scheduler.create(def);
  ASSERT_TRUE(f.scheduler.runNow(*fail).ok());
  ASSERT_TRUE(f.scheduler.runNow(*retention).ok());
  ASSERT_TRUE(f.store.waitFinished(2));
  for (const auto& r : f.store.all()) {
    if (r.job_id == *fail) {
      EXPECT_EQ(r.result, "failed");
      EXPECT_EQ(r.log, "the disk is full\n");
    } else {
      EXPECT_EQ(r.result, "succeeded");
      // The default job runs the real function now (issue 21).
      EXPECT_EQ(r.log, "No retention policies: nothing to do.\nResult: {\"messagesDeleted\":0}\n");
      EXPECT_EQ(r.action, "ProcessRetentionPolicies");
    }
  }
  EXPECT_EQ(def.schedule.toJson(), (Json{{"timeZoneId", "$Local"}, {"time", "01:00:00"}}));
  f.scheduler.stop();
}

TEST(JobScheduler, OnceJobRunsOnceAndOldResultsAreDeleted) {
  Fixture f;
  Job j = dailyJob("00:00");
  j.schedule = *JobSchedule::fromArgs({{"timeZoneId", "UTC"}, {"date", "2026-01-01T01:00:00"}});
  auto id = f.scheduler.create(j);
  f.scheduler.start();
  f.clock.advance(1h);
  ASSERT_TRUE(f.store.waitFinished(1));
  f.clock.advance(1s);
  EXPECT_FALSE(f.store.get(*id)->next_run.has_value());
  f.clock.advance(std::chrono::duration_cast<std::chrono::seconds>(kResultRetention) + 2h);
  EXPECT_EQ(f.instance.callCount(), 1u);
  EXPECT_TRUE(f.store.all().empty());  // older than the retention: deleted
  f.scheduler.stop();
}

TEST(JobScheduler, DeletingAJobStopsItsRun) {
  Fixture f;
  f.instance.hold = true;
  auto id = f.scheduler.create(dailyJob("00:10"));
  ASSERT_TRUE(f.scheduler.runNow(*id).ok());
  ASSERT_TRUE(f.instance.waitHolding(1));
  ASSERT_TRUE(f.scheduler.remove(*id).ok());
  ASSERT_TRUE(f.store.waitFinished(1));
  EXPECT_EQ(f.scheduler.remove(*id).error().code, ErrorCode::kNotFound);
  f.scheduler.stop();
}

}  // namespace
}  // namespace spe::instance
