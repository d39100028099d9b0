#include "instancehost/instance/model/profiles.h"

#include <unistd.h>

#include <algorithm>
#include <ctime>

#include "common/metrics/metrics.h"

namespace spe::instance {
namespace {

std::string sealSecrets(const Key256& key, const Json& secrets) {
  if (secrets.empty()) return {};
  std::string box;
  seal(key, dumpJson(secrets), "spe-profile-secrets", box);
  return toHex(box);
}

Json openSecrets(const Key256& key, const std::string& hex) {
  if (hex.empty()) return Json::object();
  auto box = fromHex(hex);
  if (!box) return Json::object();
  auto plain = open(key, *box, "spe-profile-secrets");
  if (!plain) return Json::object();
  Json j = Json::parse(*plain, nullptr, false);
  return j.is_object() ? j : Json::object();
}

constexpr std::pair<RunResult, const char*> kRunResultNames[] = {
    {RunResult::kRunning, "running"},
    {RunResult::kSucceeded, "succeeded"},
    {RunResult::kCompletedWithWarnings, "completedWithWarnings"},
    {RunResult::kCompletedWithErrors, "completedWithErrors"},
    {RunResult::kFailed, "failed"},
    {RunResult::kCancelled, "cancelled"},
    {RunResult::kThreadAbort, "threadAbort"},
};

WorkerResult resultFromRow(const DbRow& r) {
  WorkerResult w;
  w.id = dbInt(r[0]);
  w.profile_id = dbInt(r[1]);
  w.profile_name = dbStr(r[2]);
  w.user_name = dbStr(r[3]);
  w.result = runResultFromName(dbStr(r[4]));
  w.items_archived = dbInt(r[5]);
  w.start_time = dbInt(r[6]);
  w.complete_time = dbInt(r[7]);
  w.machine_name = dbStr(r[8]);
  w.report = Json::parse(dbStr(r[9]), nullptr, false);
  if (w.report.is_discarded()) w.report = Json::object();
  return w;
}

constexpr const char* kResultColumns =
    "SELECT ID, PROFILE_ID, PROFILE_NAME, USER_NAME, RESULT, ITEMS_ARCHIVED, START_TIME, COMPLETE_TIME, MACHINE_NAME, "
    "REPORT FROM WORKER_RESULTS ";
// The same without the report (a BLOB each row would read): for lists.
constexpr const char* kResultColumnsNoReport =
    "SELECT ID, PROFILE_ID, PROFILE_NAME, USER_NAME, RESULT, ITEMS_ARCHIVED, START_TIME, COMPLETE_TIME, MACHINE_NAME, "
    "NULL FROM WORKER_RESULTS ";

}  // namespace

const char* runResultName(RunResult r) {
  for (const auto& [result, name] : kRunResultNames) {
    if (result == r) return name;
  }
  return "failed";
}

RunResult runResultFromName(std::string_view name) {
  for (const auto& [result, known] : kRunResultNames) {
    if (name == known) return result;
  }
  return RunResult::kFailed;
}

Json Profile::toJson() const {
  return Json{{"id", id},
              {"name", name},
              {"type", type},
              {"owner", owner},
              {"connector", connector},
              {"details", details},
              {"serverSideExecution", server_side}};
}

Result<bool> detailFlag(const Json& details, const std::string& key, bool fallback) {
  if (!details.contains(key) || details[key].is_null()) return fallback;
  const Json& v = details[key];
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    if (s == "1" || s == "true" || s == "True") return true;
    if (s == "0" || s == "false" || s == "False" || s.empty()) return false;
  }
  if (v.is_number_integer()) return v.get<std::int64_t>() != 0;
  return makeError(ErrorCode::kInvalidArgument, "'details." + key + "' must be true or false.");
}

Result<std::string> detailString(const Json& details, const std::string& key, bool required) {
  if (!details.contains(key) || details[key].is_null() ||
      (details[key].is_string() && details[key].get<std::string>().empty())) {
    if (required) return makeError(ErrorCode::kInvalidArgument, "'details." + key + "' is required.");
    return std::string();
  }
  if (!details[key].is_string())
    return makeError(ErrorCode::kInvalidArgument, "'details." + key + "' must be a string.");
  return details[key].get<std::string>();
}

Result<std::int64_t> detailNumber(const Json& details, const std::string& key, std::int64_t fallback, std::int64_t min,
                                  std::int64_t max) {
  if (!details.contains(key) || details[key].is_null() ||
      (details[key].is_string() && details[key].get<std::string>().empty())) {
    return fallback;
  }
  const Json& v = details[key];
  std::int64_t n = 0;
  if (v.is_number_integer()) {
    n = v.get<std::int64_t>();
  } else if (v.is_string()) {
    const std::string s = v.get<std::string>();
    if (s.empty() || s.size() > 12 || s.find_first_not_of("0123456789") != std::string::npos) {
      return makeError(ErrorCode::kInvalidArgument, "'details." + key + "' must be a number.");
    }
    n = std::stoll(s);
  } else {
    return makeError(ErrorCode::kInvalidArgument, "'details." + key + "' must be a number.");
  }
  if (n < min || n > max) {
    return makeError(ErrorCode::kInvalidArgument, "'details." + key + "' must be between " + std::to_string(min) +
                                                      " and " + std::to_string(max) + ".");
  }
  return n;
}

Result<ServerDetails> serverDetails(const Json& details, const Json& secrets, const std::vector<std::string>& protocols,
                                    std::uint16_t plain_port, std::uint16_t tls_port, bool multidrop) {
  auto bad = [](const std::string& what) { return makeError(ErrorCode::kInvalidArgument, what); };
  ServerDetails d;
  auto host = detailString(details, "host", true);
  if (!host) return host.error();
  d.host = *host;
  auto protocol = detailString(details, "protocol", false);
  if (!protocol) return protocol.error();
  const std::string p = protocol->empty() ? protocols.back() : *protocol;
  const auto it = std::find(protocols.begin(), protocols.end(), p);
  if (it == protocols.end()) {
    return bad("'details.protocol' must be " + protocols[0] + ", " + protocols[1] + " (upgraded to TLS) or " +
               protocols[2] + ", not '" + p + "'.");
  }
  d.security = static_cast<int>(it - protocols.begin());
  auto port = detailNumber(details, "port", d.security == 2 ? tls_port : plain_port, 1, 65535);
  if (!port) return port.error();
  d.port = static_cast<std::uint16_t>(*port);
  auto user = detailString(details, "userName", true);
  if (!user) return user.error();
  d.user = *user;
  if (!secrets.contains("password") || !secrets["password"].is_string() ||
      secrets["password"].get<std::string>().empty()) {
    return bad("'details.password' is required.");
  }
  d.password = secrets["password"].get<std::string>();
  if (d.user.find_first_of("\r\n") != std::string::npos || d.password.find_first_of("\r\n") != std::string::npos) {
    return bad("'details.userName' and 'details.password' may not contain line breaks.");
  }
  auto ignore = detailFlag(details, "ignoreSSLPolicyErrors", false);
  if (!ignore) return ignore.error();
  d.ignore_certificate_errors = *ignore;
  auto timeout = detailNumber(details, "timeout", 0, 0, 3600);
  if (!timeout) return timeout.error();
  d.timeout = std::chrono::seconds(*timeout == 0 ? 60 : *timeout);
  auto target = detailString(details, "targetUserFolder", !multidrop);
  if (!target) return target.error();
  return d;
}

Result<std::int64_t> ProfileStore::create(Profile profile) {
  // An id is never given twice: a deleted profile's worker results, and jobs
  // that name it (RunProfile --id=N), must not pass to a new profile. The
  // highest id ever given is kept in SETTINGS (LastProfileId); databases from
  // before it also count the ids their worker results name.
  auto tx = db_.db().begin();
  if (!tx) return tx.error();
  auto rows = (*tx)->query(
      "SELECT (SELECT MAX(ID) FROM PROFILES), (SELECT MAX(PROFILE_ID) FROM WORKER_RESULTS), "
      "(SELECT SETTING_VALUE FROM SETTINGS WHERE NAME = 'LastProfileId') FROM RDB$DATABASE");
  if (!rows) return rows.error();
  const auto& r = (*rows)[0];
  const std::int64_t last = std::max({dbInt(r[0]), dbInt(r[1]), dbInt(r[2])});
  profile.id = last + 1;
  SPE_TRY(
      (*tx)->exec("INSERT INTO PROFILES (ID, NAME, OWNER, CONNECTOR, PROFILE_JSON, SECRETS) VALUES (?, ?, ?, ?, ?, ?)",
                  {profile.id, profile.name, profile.owner, profile.connector, dumpJson(profile.toJson()),
                   sealSecrets(key_, profile.secrets)}));
  SPE_TRY(
      (*tx)->exec("UPDATE OR INSERT INTO SETTINGS (NAME, SETTING_VALUE) VALUES ('LastProfileId', ?) MATCHING (NAME)",
                  {std::to_string(profile.id)}));
  SPE_TRY((*tx)->commit());
  ++generation_;
  return profile.id;
}

Result<std::vector<Profile>> ProfileStore::list() {
  auto rows = db_.db().query("SELECT ID, PROFILE_JSON, SECRETS FROM PROFILES ORDER BY ID");
  if (!rows) return rows.error();
  std::vector<Profile> out;
  for (const auto& r : *rows) {
    const Json j = Json::parse(dbStr(r[1]), nullptr, false);
    if (j.is_discarded()) continue;
    Profile p;
    p.id = dbInt(r[0]);
    p.name = j.value("name", "");
    p.type = j.value("type", "archive") == "export" ? "export" : "archive";
    p.owner = j.value("owner", "");
    p.connector = j.value("connector", "");
    p.details = j.value("details", Json::object());
    p.server_side = j.value("serverSideExecution", Json::object());
    p.secrets = openSecrets(key_, dbStr(r[2]));
    out.push_back(std::move(p));
  }
  return out;
}

Result<Profile> ProfileStore::get(std::int64_t id) {
  auto all = list();
  if (!all) return all.error();
  for (auto& p : *all) {
    if (p.id == id) return p;
  }
  return makeError(ErrorCode::kNotFound, "There is no profile with the id " + std::to_string(id) + ".");
}

Status ProfileStore::update(const Profile& profile) {
  SPE_TRY(get(profile.id));
  SPE_TRY(db_.db().exec("UPDATE PROFILES SET PROFILE_JSON = ? WHERE ID = ?", {dumpJson(profile.toJson()), profile.id}));
  ++generation_;
  return okStatus();
}

Status ProfileStore::remove(std::int64_t id) {
  SPE_TRY(get(id));
  SPE_TRY(db_.db().exec("DELETE FROM SOURCE_STATE WHERE PROFILE_ID = ?", {id}));
  SPE_TRY(db_.db().exec("DELETE FROM SOURCE_UIDS WHERE PROFILE_ID = ?", {id}));
  SPE_TRY(db_.db().exec("DELETE FROM EXPORT_STATE WHERE PROFILE_ID = ?", {id}));
  SPE_TRY(db_.db().exec("DELETE FROM EXPORT_RUNS WHERE PROFILE_ID = ?", {id}));
  SPE_TRY(db_.db().exec("DELETE FROM PROFILES WHERE ID = ?", {id}));
  ++generation_;
  return okStatus();
}

Result<std::optional<SourcePosition>> SourceState::get(std::int64_t profile_id, const std::string& folder) {
  auto rows = db_.db().query("SELECT VALIDITY, LAST_ID FROM SOURCE_STATE WHERE PROFILE_ID = ? AND FOLDER_HASH = ?",
                             {profile_id, sha256Hex(folder)});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<SourcePosition>();
  return std::optional<SourcePosition>(SourcePosition{dbInt((*rows)[0][0]), dbInt((*rows)[0][1])});
}

Status SourceState::save(std::int64_t profile_id, const std::string& folder, const SourcePosition& position) {
  return db_.db().exec(
      "UPDATE OR INSERT INTO SOURCE_STATE (PROFILE_ID, FOLDER_HASH, FOLDER, VALIDITY, LAST_ID) VALUES (?, ?, ?, ?, ?) "
      "MATCHING (PROFILE_ID, FOLDER_HASH)",
      {profile_id, sha256Hex(folder), folder, position.validity, position.last});
}

std::string SourceState::uidHash(const std::string& uid) { return sha256Hex(uid); }

Result<std::set<std::string>> SourceState::archivedUids(std::int64_t profile_id) {
  auto rows = db_.db().query("SELECT UID_HASH FROM SOURCE_UIDS WHERE PROFILE_ID = ?", {profile_id});
  if (!rows) return rows.error();
  std::set<std::string> out;
  for (const auto& r : *rows) out.insert(dbStr(r[0]));
  return out;
}

Status SourceState::addArchivedUids(std::int64_t profile_id, const std::vector<std::string>& uids) {
  auto tx = db_.db().begin();
  if (!tx) return tx.error();
  for (const auto& uid : uids) {
    SPE_TRY(
        (*tx)->exec("UPDATE OR INSERT INTO SOURCE_UIDS (PROFILE_ID, UID_HASH) VALUES (?, ?) "
                    "MATCHING (PROFILE_ID, UID_HASH)",
                    {profile_id, uidHash(uid)}));
  }
  return (*tx)->commit();
}

Status SourceState::keepArchivedUids(std::int64_t profile_id, const std::set<std::string>& on_server) {
  auto known = archivedUids(profile_id);
  if (!known) return known.error();
  auto tx = db_.db().begin();
  if (!tx) return tx.error();
  for (const auto& h : *known) {
    if (!on_server.count(h)) {
      SPE_TRY((*tx)->exec("DELETE FROM SOURCE_UIDS WHERE PROFILE_ID = ? AND UID_HASH = ?", {profile_id, h}));
    }
  }
  return (*tx)->commit();
}

Result<std::int64_t> WorkerResults::start(const WorkerResult& r) {
  auto rows = db_.db().query("SELECT MAX(ID) FROM WORKER_RESULTS");
  if (!rows) return rows.error();
  const std::int64_t id = dbInt((*rows)[0][0]) + 1;
  SPE_TRY(db_.db().exec(
      "INSERT INTO WORKER_RESULTS (ID, PROFILE_ID, PROFILE_NAME, USER_NAME, RESULT, ITEMS_ARCHIVED, START_TIME, "
      "MACHINE_NAME, REPORT) VALUES (?, ?, ?, ?, ?, 0, ?, ?, '{}')",
      {id, r.profile_id ? DbValue{r.profile_id} : DbValue{}, r.profile_name, r.user_name,
       std::string(runResultName(RunResult::kRunning)), r.start_time, r.machine_name}));
  return id;
}

Status WorkerResults::finish(const WorkerResult& r) {
  metrics::counter("spe_worker_results_total", "Archiving runs (profiles) finished, by result.",
                   {{"result", runResultName(r.result)}})
      .Increment();
  // Whole, however long (REPORT is a text BLOB).
  return db_.db().exec(
      "UPDATE WORKER_RESULTS SET RESULT = ?, ITEMS_ARCHIVED = ?, COMPLETE_TIME = ?, REPORT = ? WHERE ID = ?",
      {std::string(runResultName(r.result)), r.items_archived, r.complete_time, dumpJson(r.report), r.id});
}

Result<std::vector<WorkerResult>> WorkerResults::range(std::int64_t from, std::int64_t to,
                                                       std::optional<std::int64_t> profile_id,
                                                       const std::string& user_name) {
  std::string sql = std::string(kResultColumnsNoReport) + "WHERE START_TIME >= ? AND START_TIME < ?";
  std::vector<DbValue> params{from, to};
  if (profile_id) {
    sql += " AND PROFILE_ID = ?";
    params.emplace_back(*profile_id);
  }
  if (!user_name.empty()) {
    sql += " AND LOWER(USER_NAME) = LOWER(?)";
    params.emplace_back(user_name);
  }
  auto rows = db_.db().query(sql + " ORDER BY ID", params);
  if (!rows) return rows.error();
  std::vector<WorkerResult> out;
  for (const auto& r : *rows) out.push_back(resultFromRow(r));
  return out;
}

Result<WorkerResult> WorkerResults::get(std::int64_t id) {
  auto rows = db_.db().query(std::string(kResultColumns) + "WHERE ID = ?", {id});
  if (!rows) return rows.error();
  if (rows->empty())
    return makeError(ErrorCode::kNotFound, "There is no worker result with the id " + std::to_string(id) + ".");
  return resultFromRow((*rows)[0]);
}

Status WorkerResults::appendEntries(std::int64_t id, const std::string& kind, std::int64_t first,
                                    const std::vector<std::string>& texts) {
  for (std::size_t i = 0; i < texts.size(); ++i) {
    SPE_TRY(db_.db().exec("INSERT INTO WORKER_RESULT_ENTRIES (RESULT_ID, KIND, SEQ, ENTRY_JSON) VALUES (?, ?, ?, ?)",
                          {id, kind, first + static_cast<std::int64_t>(i), dumpJson(Json(texts[i]))}));
  }
  return okStatus();
}

Result<std::vector<std::string>> WorkerResults::entries(std::int64_t id, const std::string& kind, std::int64_t from,
                                                        std::int64_t count) {
  auto rows = db_.db().query(
      "SELECT ENTRY_JSON FROM WORKER_RESULT_ENTRIES WHERE RESULT_ID = ? AND KIND = ? AND SEQ >= ? ORDER BY SEQ "
      "ROWS ?",
      {id, kind, from, count});
  if (!rows) return rows.error();
  std::vector<std::string> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) {
    auto text = parseJson(dbStr(r[0]), "a report entry");
    out.push_back(text && text->is_string() ? text->get<std::string>() : std::string("(unreadable entry)"));
  }
  return out;
}

Status WorkerResults::markAbandoned() {
  return db_.db().exec(
      "UPDATE WORKER_RESULTS SET RESULT = ?, COMPLETE_TIME = ? WHERE RESULT = ?",
      {std::string(runResultName(RunResult::kThreadAbort)), static_cast<std::int64_t>(std::time(nullptr)),
       std::string(runResultName(RunResult::kRunning))});
}

}  // namespace spe::instance
