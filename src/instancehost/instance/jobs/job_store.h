// Jobs and their results: the JobStore interface (the scheduler and the job
// functions use it; tests give an in-memory one) and FirebirdJobStore on the
// instance's master database (tables JOBS and JOB_RESULTS, migration 9 in
// model/master_db.cpp).
//
// A job is a Management API call of the instance (its `call`: {function,
// args}, checked by the Management Server at creation; `action` keeps the
// text as the caller wrote it) run by the scheduler at the moments of its
// schedule. A result row is written when a run starts ("running") and
// completed when it ends; rows older than kResultRetention are deleted.
// Times are UTC epoch seconds.
// Thread safety: FirebirdJobStore is safe from any thread (FirebirdDb
// serialises); implementations must be.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/base/json_reader.h"
#include "common/base/result.h"
#include "instancehost/instance/jobs/job_schedule.h"

namespace spe::instance {

class InstanceMasterDb;

struct Job {
  std::int64_t id = 0;
  std::string name;
  std::string action;          // as written: "RunProfile --id=3"
  Json call = Json::object();  // {"function": "RunProfile", "args": {"id": 3}}
  std::string owner;           // the system administrator the job runs as
  std::int64_t created = 0;
  JobSchedule schedule;
  bool enabled = true;
  std::optional<std::int64_t> last_start, last_complete, next_run;
};

struct JobRunResult {
  std::int64_t id = 0;
  std::int64_t job_id = 0;
  std::string action;
  std::int64_t start = 0;
  std::optional<std::int64_t> complete;
  std::string result = "running";  // running | succeeded | failed | cancelled
  std::string log;                 // the run's log lines, at most kMaxLogBytes
};

// How long results are kept: three months, enough for the monthly status
// report of the last month and a look back at a quarter.
inline constexpr std::chrono::hours kResultRetention{24 * 92};
// A run's log is cut there (a job that logs more gets a last line saying so).
inline constexpr std::size_t kMaxLogBytes = 32 * 1024;
// The default job of every instance (PRODUCT-SPEC §1.10).
inline constexpr const char* kDefaultJobName = "Process Retention Policies";
inline constexpr const char* kDefaultJobAction = "ProcessRetentionPolicies";

class JobStore {
 public:
  virtual ~JobStore() = default;
  // The new job's id (one more than the highest so far).
  virtual Result<std::int64_t> create(const Job& job) = 0;
  virtual Result<std::vector<Job>> list() = 0;
  // kNotFound naming the id.
  virtual Result<Job> get(std::int64_t id) = 0;
  // Writes name, schedule, enabled and the next run of `job`.
  virtual Status update(const Job& job) = 0;
  // Sets when the job's last run started / ended (each one column, so a run
  // ending never overwrites a change made meanwhile).
  virtual Status setLastStart(std::int64_t id, std::int64_t when) = 0;
  virtual Status setLastComplete(std::int64_t id, std::int64_t when) = 0;
  // kNotFound naming the id; the job's results stay.
  virtual Status remove(std::int64_t id) = 0;

  virtual Result<std::int64_t> startResult(const JobRunResult& r) = 0;
  virtual Status finishResult(const JobRunResult& r) = 0;
  // Results with from <= start < to, of one job or all, oldest first.
  virtual Result<std::vector<JobRunResult>> results(std::int64_t from, std::int64_t to,
                                                    std::optional<std::int64_t> job_id) = 0;
  // Deletes results that started before `before`.
  virtual Status pruneResults(std::int64_t before) = 0;
  // Results still "running" (the process ended during the run) become
  // "failed" with a line saying so.
  virtual Status markAbandoned(std::int64_t now) = 0;
  // Creates the default job once per instance (a setting remembers it, so a
  // deleted default job stays deleted): daily at 01:00 in the host's zone.
  virtual Status ensureDefaultJob(std::int64_t now) = 0;
};

class FirebirdJobStore final : public JobStore {
 public:
  explicit FirebirdJobStore(InstanceMasterDb& db) : db_(db) {}
  Result<std::int64_t> create(const Job& job) override;
  Result<std::vector<Job>> list() override;
  Result<Job> get(std::int64_t id) override;
  Status update(const Job& job) override;
  Status setLastStart(std::int64_t id, std::int64_t when) override;
  Status setLastComplete(std::int64_t id, std::int64_t when) override;
  Status remove(std::int64_t id) override;
  Result<std::int64_t> startResult(const JobRunResult& r) override;
  Status finishResult(const JobRunResult& r) override;
  Result<std::vector<JobRunResult>> results(std::int64_t from, std::int64_t to,
                                            std::optional<std::int64_t> job_id) override;
  Status pruneResults(std::int64_t before) override;
  Status markAbandoned(std::int64_t now) override;
  Status ensureDefaultJob(std::int64_t now) override;

 private:
  InstanceMasterDb& db_;
};

// The default job as ensureDefaultJob() creates it (next_run not set).
Job defaultJob(std::int64_t now);

}  // namespace spe::instance
