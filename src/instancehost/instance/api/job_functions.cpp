// Jobs: CreateJob, GetJobs, RenameJob, SetJobEnabled, SetJobSchedule,
// DeleteJob, RunJobAsync, CancelJobAsync, GetJobResults (docs/jobs.md).
//
// The Management Server has checked the action (an instance function with
// right arguments) and the owner (a system administrator), and passes the
// action as `actionCall` {function, args} next to its text; the instance
// checks the schedule and keeps both.
#include "instancehost/instance/api/instance_api.h"
#include "instancehost/instance/jobs/job_scheduler.h"
#include "instancehost/instance/model/time_zones.h"

namespace spe::instance {
namespace {

Json utc(const std::optional<std::int64_t>& t) { return t ? Json(formatLocalTime(*t, "UTC")) : Json(); }

Json jobJson(const Job& j, bool running) {
  return Json{{"id", j.id},
              {"name", j.name},
              {"action", j.action},
              {"owner", j.owner},
              {"creationDateTimeUtc", utc(j.created)},
              {"lastStartDateTimeUtc", utc(j.last_start)},
              {"lastCompleteDateTimeUtc", utc(j.last_complete)},
              {"nextStartDateTimeUtc", utc(j.next_run)},
              {"enabled", j.enabled},
              {"schedule", j.schedule.toJson()},
              {"running", running}};  // an extension
}

Status checkName(const std::string& name) {
  if (name.empty() || name.size() > 255) {
    return makeError(ErrorCode::kInvalidArgument, "'name' must be 1 to 255 characters.");
  }
  return okStatus();
}

Result<JobScheduler*> scheduler(InstanceContext& ctx) {
  if (!ctx.jobs) return makeError(ErrorCode::kUnavailable, "The instance's jobs are not available.");
  return ctx.jobs;
}

void registerJobDefinitions(InstanceApi& api) {
  InstanceContext& ctx = api.context();
  api.add(
      "CreateJob",
      [&ctx](ApiCall& c) -> Result<Json> {
        auto jobs = scheduler(ctx);
        if (!jobs) return jobs.error();
        Job job;
        job.action = c.str("action");
        job.name = c.has("name") ? c.str("name") : job.action.substr(0, 255);
        SPE_TRY(checkName(job.name));
        const auto call = c.args.find("actionCall");
        if (call == c.args.end() || !call->is_object() || !call->value("function", Json()).is_string()) {
          return makeError(ErrorCode::kInvalidArgument,
                           "The action was not checked by the Management Server (no 'actionCall').");
        }
        job.call = *call;
        job.owner = c.str("owner");
        if (job.owner.empty()) return makeError(ErrorCode::kInvalidArgument, "'owner' is required.");
        auto schedule = JobSchedule::fromArgs(c.args);
        if (!schedule) return schedule.error();
        job.schedule = *schedule;
        job.created = (*jobs)->now();
        auto id = (*jobs)->create(job);
        if (!id) return id.error();
        auto stored = (*jobs)->store().get(*id);
        if (!stored) return stored.error();
        return jobJson(*stored, false);
      },
      true);

  api.add(
      "GetJobs",
      [&ctx](ApiCall&) -> Result<Json> {
        auto jobs = scheduler(ctx);
        if (!jobs) return jobs.error();
        auto all = (*jobs)->store().list();
        if (!all) return all.error();
        Json out = Json::array();
        for (const auto& j : *all) out.push_back(jobJson(j, (*jobs)->running(j.id)));
        return out;
      },
      false);

  api.add(
      "RenameJob",
      [&ctx](ApiCall& c) -> Result<Json> {
        auto jobs = scheduler(ctx);
        if (!jobs) return jobs.error();
        const std::string name = c.str("name");
        SPE_TRY(checkName(name));
        auto j = (*jobs)->modify(c.num("id"), [&](Job& job) {
          job.name = name;
          return okStatus();
        });
        if (!j) return j.error();
        return Json();
      },
      true);

  api.add(
      "SetJobEnabled",
      [&ctx](ApiCall& c) -> Result<Json> {
        auto jobs = scheduler(ctx);
        if (!jobs) return jobs.error();
        const bool enabled = c.flag("enabled");
        auto j = (*jobs)->modify(c.num("id"), [&](Job& job) {
          job.enabled = enabled;
          return okStatus();
        });
        if (!j) return j.error();
        return Json();
      },
      true);

  api.add(
      "SetJobSchedule",
      [&ctx](ApiCall& c) -> Result<Json> {
        auto jobs = scheduler(ctx);
        if (!jobs) return jobs.error();
        auto schedule = JobSchedule::fromArgs(c.args);
        if (!schedule) return schedule.error();
        auto j = (*jobs)->modify(c.num("id"), [&](Job& job) {
          job.schedule = *schedule;
          return okStatus();
        });
        if (!j) return j.error();
        return Json();
      },
      true);

  api.add(
      "DeleteJob",
      [&ctx](ApiCall& c) -> Result<Json> {
        auto jobs = scheduler(ctx);
        if (!jobs) return jobs.error();
        SPE_TRY((*jobs)->remove(c.num("id")));
        return Json();
      },
      true);
}

void registerJobRuns(InstanceApi& api) {
  InstanceContext& ctx = api.context();
  // Starts the run and returns at once; GetJobResults shows it ("running"
  // until it ends).
  api.add(
      "RunJobAsync",
      [&ctx](ApiCall& c) -> Result<Json> {
        auto jobs = scheduler(ctx);
        if (!jobs) return jobs.error();
        auto id = (*jobs)->runNow(c.num("id"));
        if (!id) return id.error();
        return Json{{"jobResultId", *id}};
      },
      false);

  api.add(
      "CancelJobAsync",
      [&ctx](ApiCall& c) -> Result<Json> {
        auto jobs = scheduler(ctx);
        if (!jobs) return jobs.error();
        auto job = (*jobs)->store().get(c.num("id"));
        if (!job) return job.error();
        return Json{{"cancelled", (*jobs)->cancel(job->id)}};
      },
      false);

  api.add(
      "GetJobResults",
      [&ctx](ApiCall& c) -> Result<Json> {
        auto jobs = scheduler(ctx);
        if (!jobs) return jobs.error();
        auto zone = resolveTimeZone(c.has("timeZoneId") ? c.str("timeZoneId") : "$Local");
        if (!zone) return zone.error();
        auto from = parseLocalTime(c.str("fromIncluding"), *zone, "fromIncluding");
        if (!from) return from.error();
        auto to = parseLocalTime(c.str("toExcluding"), *zone, "toExcluding");
        if (!to) return to.error();
        if (*to <= *from) return makeError(ErrorCode::kInvalidArgument, "'toExcluding' must be after 'fromIncluding'.");
        std::optional<std::int64_t> job_id;
        if (c.has("jobId")) job_id = c.num("jobId");
        auto rows = (*jobs)->store().results(*from, *to, job_id);
        if (!rows) return rows.error();
        Json out = Json::array();
        for (const auto& r : *rows) {
          out.push_back(Json{{"jobResultId", r.id},
                             {"jobId", r.job_id},
                             {"action", r.action},
                             {"startTime", formatLocalTime(r.start, *zone)},
                             {"completeTime", r.complete ? Json(formatLocalTime(*r.complete, *zone)) : Json()},
                             {"result", r.result},
                             {"log", r.log}});  // an extension
        }
        return out;
      },
      false);
}

}  // namespace

void registerJobFunctions(InstanceApi& api) {
  registerJobDefinitions(api);
  registerJobRuns(api);
}

}  // namespace spe::instance
