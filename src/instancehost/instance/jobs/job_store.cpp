#include "instancehost/instance/jobs/job_store.h"

#include "instancehost/instance/model/master_db.h"

namespace spe::instance {
namespace {

constexpr const char* kJobColumns =
    "SELECT ID, NAME, ACTION_TEXT, CALL_JSON, OWNER, CREATED_AT, SCHEDULE_JSON, ENABLED, LAST_START, "
    "LAST_COMPLETE, NEXT_RUN FROM JOBS ";
constexpr const char* kResultColumns =
    "SELECT ID, JOB_ID, ACTION_TEXT, START_TIME, COMPLETE_TIME, RESULT, LOG_TEXT FROM JOB_RESULTS ";
constexpr const char* kDefaultJobSetting = "jobs.defaultJobCreated";

DbValue opt(const std::optional<std::int64_t>& v) { return v ? DbValue{*v} : DbValue{}; }
std::optional<std::int64_t> optOf(const DbValue& v) {
  return dbIsNull(v) ? std::nullopt : std::optional<std::int64_t>(dbInt(v));
}

Result<Job> jobFromRow(const DbRow& r) {
  Job j;
  j.id = dbInt(r[0]);
  j.name = dbStr(r[1]);
  j.action = dbStr(r[2]);
  j.call = Json::parse(dbStr(r[3]), nullptr, false);
  if (j.call.is_discarded()) j.call = Json::object();
  j.owner = dbStr(r[4]);
  j.created = dbInt(r[5]);
  const Json schedule = Json::parse(dbStr(r[6]), nullptr, false);
  auto s = JobSchedule::fromArgs(schedule.is_object() ? schedule : Json::object());
  if (!s) {
    return makeError(ErrorCode::kCorrupt,
                     "The schedule of job " + std::to_string(j.id) + " cannot be read: " + s.error().message);
  }
  j.schedule = *s;
  j.enabled = dbInt(r[7]) != 0;
  j.last_start = optOf(r[8]);
  j.last_complete = optOf(r[9]);
  j.next_run = optOf(r[10]);
  return j;
}

JobRunResult resultFromRow(const DbRow& r) {
  JobRunResult out;
  out.id = dbInt(r[0]);
  out.job_id = dbInt(r[1]);
  out.action = dbStr(r[2]);
  out.start = dbInt(r[3]);
  out.complete = optOf(r[4]);
  out.result = dbStr(r[5]);
  out.log = dbStr(r[6]);
  return out;
}

}  // namespace

Job defaultJob(std::int64_t now) {
  Job j;
  j.name = kDefaultJobName;
  j.action = kDefaultJobAction;
  j.call = Json{{"function", kDefaultJobAction}, {"args", Json::object()}};
  j.owner = "$system";
  j.created = now;
  j.schedule.kind = JobSchedule::Kind::kDaily;
  j.schedule.time_zone_id = "$Local";
  j.schedule.time_seconds = 3600;  // 01:00: outside the hours clocks change in most zones
  return j;
}

Result<std::int64_t> FirebirdJobStore::create(const Job& job) {
  auto rows = db_.db().query("SELECT MAX(ID) FROM JOBS");
  if (!rows) return rows.error();
  const std::int64_t id = dbInt((*rows)[0][0]) + 1;
  SPE_TRY(db_.db().exec(
      "INSERT INTO JOBS (ID, NAME, ACTION_TEXT, CALL_JSON, OWNER, CREATED_AT, SCHEDULE_JSON, ENABLED, LAST_START, "
      "LAST_COMPLETE, NEXT_RUN) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {id, job.name, job.action, dumpJson(job.call), job.owner, job.created, dumpJson(job.schedule.toJson()),
       std::int64_t{job.enabled ? 1 : 0}, opt(job.last_start), opt(job.last_complete), opt(job.next_run)}));
  return id;
}

Result<std::vector<Job>> FirebirdJobStore::list() {
  auto rows = db_.db().query(std::string(kJobColumns) + "ORDER BY ID");
  if (!rows) return rows.error();
  std::vector<Job> out;
  for (const auto& r : *rows) {
    auto j = jobFromRow(r);
    if (!j) return j.error();
    out.push_back(std::move(*j));
  }
  return out;
}

Result<Job> FirebirdJobStore::get(std::int64_t id) {
  auto rows = db_.db().query(std::string(kJobColumns) + "WHERE ID = ?", {id});
  if (!rows) return rows.error();
  if (rows->empty()) return makeError(ErrorCode::kNotFound, "There is no job with the id " + std::to_string(id) + ".");
  return jobFromRow((*rows)[0]);
}

Status FirebirdJobStore::update(const Job& job) {
  auto rows = db_.db().query("SELECT COUNT(*) FROM JOBS WHERE ID = ?", {job.id});
  if (!rows) return rows.error();
  if (dbInt((*rows)[0][0]) == 0) {
    return makeError(ErrorCode::kNotFound, "There is no job with the id " + std::to_string(job.id) + ".");
  }
  return db_.db().exec(
      "UPDATE JOBS SET NAME = ?, SCHEDULE_JSON = ?, ENABLED = ?, NEXT_RUN = ? WHERE ID = ?",
      {job.name, dumpJson(job.schedule.toJson()), std::int64_t{job.enabled ? 1 : 0}, opt(job.next_run), job.id});
}

Status FirebirdJobStore::setLastStart(std::int64_t id, std::int64_t when) {
  return db_.db().exec("UPDATE JOBS SET LAST_START = ? WHERE ID = ?", {when, id});
}

Status FirebirdJobStore::setLastComplete(std::int64_t id, std::int64_t when) {
  return db_.db().exec("UPDATE JOBS SET LAST_COMPLETE = ? WHERE ID = ?", {when, id});
}

Status FirebirdJobStore::remove(std::int64_t id) {
  auto j = get(id);
  if (!j) return j.error();
  return db_.db().exec("DELETE FROM JOBS WHERE ID = ?", {id});
}

Result<std::int64_t> FirebirdJobStore::startResult(const JobRunResult& r) {
  auto rows = db_.db().query("SELECT MAX(ID) FROM JOB_RESULTS");
  if (!rows) return rows.error();
  const std::int64_t id = dbInt((*rows)[0][0]) + 1;
  SPE_TRY(
      db_.db().exec("INSERT INTO JOB_RESULTS (ID, JOB_ID, ACTION_TEXT, START_TIME, COMPLETE_TIME, RESULT, LOG_TEXT) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    {id, r.job_id, r.action, r.start, opt(r.complete), r.result, r.log}));
  return id;
}

Status FirebirdJobStore::finishResult(const JobRunResult& r) {
  return db_.db().exec("UPDATE JOB_RESULTS SET COMPLETE_TIME = ?, RESULT = ?, LOG_TEXT = ? WHERE ID = ?",
                       {opt(r.complete), r.result, r.log, r.id});
}

Result<std::vector<JobRunResult>> FirebirdJobStore::results(std::int64_t from, std::int64_t to,
                                                            std::optional<std::int64_t> job_id) {
  std::string sql = std::string(kResultColumns) + "WHERE START_TIME >= ? AND START_TIME < ?";
  std::vector<DbValue> params{from, to};
  if (job_id) {
    sql += " AND JOB_ID = ?";
    params.emplace_back(*job_id);
  }
  auto rows = db_.db().query(sql + " ORDER BY ID", params);
  if (!rows) return rows.error();
  std::vector<JobRunResult> out;
  for (const auto& r : *rows) out.push_back(resultFromRow(r));
  return out;
}

Status FirebirdJobStore::pruneResults(std::int64_t before) {
  return db_.db().exec("DELETE FROM JOB_RESULTS WHERE START_TIME < ?", {before});
}

Status FirebirdJobStore::markAbandoned(std::int64_t now) {
  auto rows = db_.db().query(std::string(kResultColumns) + "WHERE RESULT = 'running'");
  if (!rows) return rows.error();
  for (const auto& row : *rows) {
    JobRunResult r = resultFromRow(row);
    r.result = "failed";
    r.complete = now;
    r.log += "The instance stopped during the run.\n";
    SPE_TRY(finishResult(r));
  }
  return okStatus();
}

Status FirebirdJobStore::ensureDefaultJob(std::int64_t now) {
  auto done = db_.setting(kDefaultJobSetting, false);
  if (!done) return done.error();
  if (done->is_boolean() && done->get<bool>()) return okStatus();
  Job j = defaultJob(now);
  auto next = j.schedule.nextRun(now);
  if (!next) return next.error();
  j.next_run = *next;
  auto id = create(j);
  if (!id) return id.error();
  return db_.setSetting(kDefaultJobSetting, true);
}

}  // namespace spe::instance
