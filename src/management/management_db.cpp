#include "management/management_db.h"

#include "common/base/text.h"

namespace spe::management {
namespace {

// Migration N brings the schema from version N-1 to N. Append only.
const std::vector<std::vector<std::string>> kMigrations = {
    {
        "CREATE TABLE SYSTEM_ADMINISTRATORS ("
        " USER_NAME VARCHAR(256) NOT NULL,"
        " USER_KEY VARCHAR(256) NOT NULL PRIMARY KEY,"
        " FULL_NAME VARCHAR(256),"
        " EMAIL_ADDRESS VARCHAR(256),"
        " PASSWORD_HASH VARCHAR(256) NOT NULL,"
        " API_PASSWORD_HASH VARCHAR(256),"
        " MFA_STATUS VARCHAR(32) DEFAULT 'Disabled' NOT NULL,"
        " CREATED_AT TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)",
        "CREATE TABLE SERVERS ("
        " SERVER_TYPE VARCHAR(32) NOT NULL,"
        " SERVER_NAME VARCHAR(255) NOT NULL,"
        " SERVER_KEY VARCHAR(255) NOT NULL,"
        " PORT INTEGER NOT NULL,"
        " THUMBPRINT VARCHAR(64) NOT NULL,"
        " BASE_DIRECTORY VARCHAR(1024),"
        " PRIMARY KEY (SERVER_TYPE, SERVER_KEY))",
        "CREATE TABLE SETTINGS (NAME VARCHAR(64) NOT NULL PRIMARY KEY, SETTING_VALUE VARCHAR(8000))",
    },
    {
        "CREATE TABLE INSTANCES ("
        " INSTANCE_ID VARCHAR(32) NOT NULL PRIMARY KEY,"
        " ALIAS VARCHAR(64) UNIQUE,"
        " DISPLAY_NAME VARCHAR(256),"
        " INSTANCE_HOST VARCHAR(255) NOT NULL,"
        " START_MODE VARCHAR(16) NOT NULL,"
        " BASE_DIRECTORY VARCHAR(1024) NOT NULL,"
        " DEBUG_LOG SMALLINT DEFAULT 0 NOT NULL,"
        " IMAP_CONNECTION_LOG SMALLINT DEFAULT 0 NOT NULL,"
        " VSS_WRITER SMALLINT DEFAULT 0 NOT NULL,"
        " VSS_EXCLUDE_INDEXES SMALLINT DEFAULT 0 NOT NULL,"
        " ARCHIVE_ADMIN SMALLINT DEFAULT 1 NOT NULL,"
        " CREATED_AT TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)",
    },
    {
        "CREATE TABLE INSTANCE_DAILY_FIGURES ("
        " INSTANCE_ID VARCHAR(32) NOT NULL,"
        " DAY_UTC CHAR(10) NOT NULL,"
        " MESSAGES BIGINT NOT NULL,"
        " SIZE_KB BIGINT NOT NULL,"
        " PRIMARY KEY (INSTANCE_ID, DAY_UTC))",
    },
    {
        // Multi-factor login of administrators (admin_mfa.h) and when the API password was made.
        "ALTER TABLE SYSTEM_ADMINISTRATORS ADD MFA_SECRET VARCHAR(256)",
        "ALTER TABLE SYSTEM_ADMINISTRATORS ADD MFA_LAST_STEP BIGINT",
        "ALTER TABLE SYSTEM_ADMINISTRATORS ADD API_PASSWORD_CREATED BIGINT",
    },
    {
        // The system SMTP password sealed with the Management Server's key:
        // not SQL, see sealSystemSmtpPassword() (kCodeSteps).
    },
    {
        // The last used-license count of each instance (CreateLicenseRequest):
        // what a stopped or frozen instance is reported with. COUNTED_AT: Unix seconds.
        "CREATE TABLE INSTANCE_LICENSE_COUNTS ("
        " INSTANCE_ID VARCHAR(32) NOT NULL PRIMARY KEY,"
        " USED_LICENSES BIGINT NOT NULL,"
        " COUNTED_AT BIGINT NOT NULL,"
        " STORES_NOT_COUNTED INTEGER DEFAULT 0 NOT NULL)",
    },
};

// Migration 5: the system SMTP configuration's "password" (clear, before
// 5) becomes "passwordSealed" (base64 of the box sealed with `key`, bound
// to kSystemSmtpPasswordBinding; null without a password). Idempotent: a
// row without "password" is left alone, so a crash before the version is
// written only repeats a no-op.
Status sealSystemSmtpPassword(FirebirdDb& db, const std::optional<Key256>& key) {
  auto rows = db.query("SELECT SETTING_VALUE FROM SETTINGS WHERE NAME = ?", {std::string(kSystemSmtpSetting)});
  if (!rows) return rows.error();
  if (rows->empty()) return okStatus();
  auto value = parseJson(dbStr(rows->front()[0]), std::string("setting ") + kSystemSmtpSetting);
  if (!value) return value.error();
  Json j = std::move(value.value());
  if (!j.is_object() || !j.contains("password")) return okStatus();
  const std::string clear = j["password"].is_string() ? j["password"].get<std::string>() : "";
  j.erase("password");
  if (clear.empty()) {
    j["passwordSealed"] = nullptr;
  } else {
    if (!key) {
      return makeError(ErrorCode::kInternal,
                       "The management database keeps the system SMTP password in clear; it can only be sealed "
                       "with the Management Server's key.");
    }
    std::string box;
    seal(*key, clear, kSystemSmtpPasswordBinding, box);
    j["passwordSealed"] = base64Encode(box);
  }
  return db.exec("UPDATE SETTINGS SET SETTING_VALUE = ? WHERE NAME = ?",
                 {dumpJson(j), std::string(kSystemSmtpSetting)});
}

// Migrations that are code, run after their (empty) SQL step's predecessor.
struct CodeStep {
  int version;
  Status (*run)(FirebirdDb& db, const std::optional<Key256>& key);
};
const std::vector<CodeStep> kCodeSteps = {{5, sealSystemSmtpPassword}};

AdminRecord adminFromRow(const DbRow& r) {
  AdminRecord a;
  a.user_name = dbStr(r[0]);
  a.full_name = dbStr(r[1]);
  a.email_address = dbStr(r[2]);
  a.password_hash = dbStr(r[3]);
  a.api_password_hash = dbStr(r[4]);
  a.mfa_status = dbStr(r[5]);
  a.mfa_secret = dbStr(r[6]);
  if (!dbIsNull(r[7])) a.mfa_last_step = dbInt(r[7]);
  if (!dbIsNull(r[8])) a.api_password_created = dbInt(r[8]);
  return a;
}

ServerRecord serverFromRow(const DbRow& r) {
  ServerRecord s;
  s.type = parseServerType(dbStr(r[0])).value_or(ServerType::kInstanceHost);
  s.server_name = dbStr(r[1]);
  s.port = dbInt(r[2]);
  s.thumbprint = dbStr(r[3]);
  if (!dbIsNull(r[4])) s.base_directory = dbStr(r[4]);
  return s;
}

// The first row of a query mapped by `fromRow`, or nullopt when there is none.
template <typename T>
Result<std::optional<T>> queryOne(FirebirdDb& db, const std::string& sql, const std::vector<DbValue>& params,
                                  T (*fromRow)(const DbRow&)) {
  auto rows = db.query(sql, params);
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<T>();
  return std::optional<T>(fromRow(rows->front()));
}

constexpr const char* kAdminCols =
    "USER_NAME, FULL_NAME, EMAIL_ADDRESS, PASSWORD_HASH, API_PASSWORD_HASH, MFA_STATUS, MFA_SECRET, MFA_LAST_STEP, "
    "API_PASSWORD_CREATED";

DbValue optionalInt(std::optional<std::int64_t> v) { return v ? DbValue(*v) : DbValue(); }
constexpr const char* kInstanceCols =
    "INSTANCE_ID, ALIAS, DISPLAY_NAME, INSTANCE_HOST, START_MODE, BASE_DIRECTORY, DEBUG_LOG, IMAP_CONNECTION_LOG, "
    "VSS_WRITER, VSS_EXCLUDE_INDEXES, ARCHIVE_ADMIN";

InstanceRecord instanceFromRow(const DbRow& r) {
  InstanceRecord i;
  i.instance_id = dbStr(r[0]);
  i.alias = dbStr(r[1]);
  i.display_name = dbStr(r[2]);
  i.instance_host = dbStr(r[3]);
  i.start_mode = dbStr(r[4]);
  i.base_directory = dbStr(r[5]);
  i.debug_log_enabled = dbInt(r[6]) != 0;
  i.imap_server_connection_log_enabled = dbInt(r[7]) != 0;
  i.vss_writer_enabled = dbInt(r[8]) != 0;
  i.vss_writer_exclude_indexes = dbInt(r[9]) != 0;
  i.archive_admin_enabled = dbInt(r[10]) != 0;
  return i;
}

std::vector<DbValue> instanceValues(const InstanceRecord& i) {
  return {i.alias.empty() ? DbValue() : DbValue(i.alias),
          i.display_name,
          i.instance_host,
          i.start_mode,
          i.base_directory,
          std::int64_t{i.debug_log_enabled},
          std::int64_t{i.imap_server_connection_log_enabled},
          std::int64_t{i.vss_writer_enabled},
          std::int64_t{i.vss_writer_exclude_indexes},
          std::int64_t{i.archive_admin_enabled},
          i.instance_id};
}

constexpr const char* kServerCols = "SERVER_TYPE, SERVER_NAME, PORT, THUMBPRINT, BASE_DIRECTORY";

}  // namespace

const char* serverTypeName(ServerType t) {
  return t == ServerType::kInstanceHost ? "instanceHost" : "clientAccessServer";
}

std::optional<ServerType> parseServerType(const std::string& s) {
  if (s == "instanceHost") return ServerType::kInstanceHost;
  if (s == "clientAccessServer") return ServerType::kClientAccessServer;
  return std::nullopt;
}

Result<std::unique_ptr<ManagementDb>> ManagementDb::open(const std::string& path, const std::optional<Key256>& key) {
  auto db = FirebirdDb::openOrCreate(path);
  if (!db) return db.error();
  std::unique_ptr<ManagementDb> out(new ManagementDb(std::move(db.value())));
  SPE_TRY(out->migrate(key));
  return out;
}

Status ManagementDb::migrate(const std::optional<Key256>& key) {
  static_assert(kSchemaVersion == 6, "kSchemaVersion is the number of migrations");
  const std::string what = "The management database";
  for (const auto& step : kCodeSteps) {
    // The SQL migrations before the step, then the step itself (the
    // version is written by applyMigrations below, after it).
    auto version = applyMigrations(*db_, kMigrations, what, step.version - 1);
    if (!version) return version.error();
    if (*version == step.version - 1) SPE_TRY(step.run(*db_, key));
  }
  auto version = applyMigrations(*db_, kMigrations, what);
  if (!version) return version.error();
  if (*version != kSchemaVersion || kMigrations.size() != static_cast<std::size_t>(kSchemaVersion)) {
    return makeError(ErrorCode::kInternal, what + " is at version " + std::to_string(*version) + ", this program at " +
                                               std::to_string(kSchemaVersion) + ".");
  }
  schema_version_ = *version;
  return okStatus();
}

Result<std::vector<AdminRecord>> ManagementDb::admins() {
  auto rows = db_->query(std::string("SELECT ") + kAdminCols + " FROM SYSTEM_ADMINISTRATORS ORDER BY USER_KEY");
  if (!rows) return rows.error();
  std::vector<AdminRecord> out;
  for (const auto& r : *rows) out.push_back(adminFromRow(r));
  return out;
}

Result<std::optional<AdminRecord>> ManagementDb::admin(const std::string& user_name) {
  return queryOne(*db_, std::string("SELECT ") + kAdminCols + " FROM SYSTEM_ADMINISTRATORS WHERE USER_KEY = ?",
                  {asciiLower(user_name)}, adminFromRow);
}

Status ManagementDb::insertAdmin(const AdminRecord& a) {
  return db_->exec(
      "INSERT INTO SYSTEM_ADMINISTRATORS (USER_NAME, USER_KEY, FULL_NAME, EMAIL_ADDRESS, PASSWORD_HASH, MFA_STATUS) "
      "VALUES (?, ?, ?, ?, ?, ?)",
      {a.user_name, asciiLower(a.user_name), a.full_name, a.email_address, a.password_hash, a.mfa_status});
}

Status ManagementDb::updateAdminProfile(const std::string& user_name, const std::string& full_name,
                                        const std::string& email) {
  return db_->exec("UPDATE SYSTEM_ADMINISTRATORS SET FULL_NAME = ?, EMAIL_ADDRESS = ? WHERE USER_KEY = ?",
                   {full_name, email, asciiLower(user_name)});
}

Status ManagementDb::setAdminPassword(const std::string& user_name, const std::string& hash) {
  return db_->exec("UPDATE SYSTEM_ADMINISTRATORS SET PASSWORD_HASH = ? WHERE USER_KEY = ?",
                   {hash, asciiLower(user_name)});
}

Status ManagementDb::setAdminApiPassword(const std::string& user_name, const std::string& hash, std::int64_t created) {
  return db_->exec(
      "UPDATE SYSTEM_ADMINISTRATORS SET API_PASSWORD_HASH = ?, API_PASSWORD_CREATED = ? WHERE USER_KEY = ?",
      {hash, created, asciiLower(user_name)});
}

Status ManagementDb::setAdminMfa(const std::string& user_name, const std::string& status,
                                 const std::string& sealed_secret, std::optional<std::int64_t> last_step) {
  return db_->exec(
      "UPDATE SYSTEM_ADMINISTRATORS SET MFA_STATUS = ?, MFA_SECRET = ?, MFA_LAST_STEP = ? WHERE USER_KEY = ?",
      {status, sealed_secret.empty() ? DbValue() : DbValue(sealed_secret), optionalInt(last_step),
       asciiLower(user_name)});
}

Status ManagementDb::setAdminMfaStep(const std::string& user_name, const std::string& status, std::int64_t last_step) {
  return db_->exec("UPDATE SYSTEM_ADMINISTRATORS SET MFA_STATUS = ?, MFA_LAST_STEP = ? WHERE USER_KEY = ?",
                   {status, last_step, asciiLower(user_name)});
}

Status ManagementDb::deleteAdmin(const std::string& user_name) {
  return db_->exec("DELETE FROM SYSTEM_ADMINISTRATORS WHERE USER_KEY = ?", {asciiLower(user_name)});
}

Result<std::vector<ServerRecord>> ManagementDb::servers(std::optional<ServerType> type) {
  std::string sql = std::string("SELECT ") + kServerCols + " FROM SERVERS";
  std::vector<DbValue> params;
  if (type) {
    sql += " WHERE SERVER_TYPE = ?";
    params.emplace_back(std::string(serverTypeName(*type)));
  }
  sql += " ORDER BY SERVER_TYPE, SERVER_KEY";
  auto rows = db_->query(sql, params);
  if (!rows) return rows.error();
  std::vector<ServerRecord> out;
  for (const auto& r : *rows) out.push_back(serverFromRow(r));
  return out;
}

Result<std::optional<ServerRecord>> ManagementDb::server(ServerType type, const std::string& name) {
  return queryOne(*db_, std::string("SELECT ") + kServerCols + " FROM SERVERS WHERE SERVER_TYPE = ? AND SERVER_KEY = ?",
                  {std::string(serverTypeName(type)), asciiLower(name)}, serverFromRow);
}

Status ManagementDb::insertServer(const ServerRecord& s) {
  return db_->exec(
      "INSERT INTO SERVERS (SERVER_TYPE, SERVER_NAME, SERVER_KEY, PORT, THUMBPRINT, BASE_DIRECTORY) "
      "VALUES (?, ?, ?, ?, ?, ?)",
      {std::string(serverTypeName(s.type)), s.server_name, asciiLower(s.server_name), s.port, s.thumbprint,
       s.base_directory ? DbValue(*s.base_directory) : DbValue()});
}

Status ManagementDb::updateServer(const ServerRecord& s) {
  return db_->exec(
      "UPDATE SERVERS SET PORT = ?, THUMBPRINT = ?, BASE_DIRECTORY = ? WHERE SERVER_TYPE = ? AND SERVER_KEY = ?",
      {s.port, s.thumbprint, s.base_directory ? DbValue(*s.base_directory) : DbValue(),
       std::string(serverTypeName(s.type)), asciiLower(s.server_name)});
}

Status ManagementDb::deleteServer(ServerType type, const std::string& name) {
  return db_->exec("DELETE FROM SERVERS WHERE SERVER_TYPE = ? AND SERVER_KEY = ?",
                   {std::string(serverTypeName(type)), asciiLower(name)});
}

Result<std::vector<InstanceRecord>> ManagementDb::instances() {
  auto rows = db_->query(std::string("SELECT ") + kInstanceCols + " FROM INSTANCES ORDER BY INSTANCE_ID");
  if (!rows) return rows.error();
  std::vector<InstanceRecord> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) out.push_back(instanceFromRow(r));
  return out;
}

Result<std::optional<InstanceRecord>> ManagementDb::instance(const std::string& instance_id) {
  return queryOne(*db_, std::string("SELECT ") + kInstanceCols + " FROM INSTANCES WHERE INSTANCE_ID = ?", {instance_id},
                  instanceFromRow);
}

Status ManagementDb::insertInstance(const InstanceRecord& i) {
  return db_->exec(
      "INSERT INTO INSTANCES (ALIAS, DISPLAY_NAME, INSTANCE_HOST, START_MODE, BASE_DIRECTORY, DEBUG_LOG, "
      "IMAP_CONNECTION_LOG, VSS_WRITER, VSS_EXCLUDE_INDEXES, ARCHIVE_ADMIN, INSTANCE_ID) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      instanceValues(i));
}

Status ManagementDb::updateInstance(const InstanceRecord& i) {
  return db_->exec(
      "UPDATE INSTANCES SET ALIAS = ?, DISPLAY_NAME = ?, INSTANCE_HOST = ?, START_MODE = ?, BASE_DIRECTORY = ?, "
      "DEBUG_LOG = ?, IMAP_CONNECTION_LOG = ?, VSS_WRITER = ?, VSS_EXCLUDE_INDEXES = ?, ARCHIVE_ADMIN = ? "
      "WHERE INSTANCE_ID = ?",
      instanceValues(i));
}

Status ManagementDb::deleteInstance(const std::string& instance_id) {
  // With its license count, in one transaction: a new instance of the same ID starts uncounted.
  auto tx = db_->begin();
  if (!tx) return tx.error();
  SPE_TRY((*tx)->exec("DELETE FROM INSTANCE_LICENSE_COUNTS WHERE INSTANCE_ID = ?", {instance_id}));
  SPE_TRY((*tx)->exec("DELETE FROM INSTANCES WHERE INSTANCE_ID = ?", {instance_id}));
  return (*tx)->commit();
}

Status ManagementDb::recordLicenseCount(const LicenseCount& c) {
  // Only while the instance exists: a count that arrives after its deletion is dropped.
  return db_->exec(
      "MERGE INTO INSTANCE_LICENSE_COUNTS C "
      "USING (SELECT INSTANCE_ID FROM INSTANCES WHERE INSTANCE_ID = ?) I ON C.INSTANCE_ID = I.INSTANCE_ID "
      "WHEN MATCHED THEN UPDATE SET USED_LICENSES = ?, COUNTED_AT = ?, STORES_NOT_COUNTED = ? "
      "WHEN NOT MATCHED THEN INSERT (INSTANCE_ID, USED_LICENSES, COUNTED_AT, STORES_NOT_COUNTED) "
      "VALUES (I.INSTANCE_ID, ?, ?, ?)",
      {c.instance_id, c.used, c.counted_at, c.stores_not_counted, c.used, c.counted_at, c.stores_not_counted});
}

Result<std::vector<LicenseCount>> ManagementDb::licenseCounts() {
  auto rows = db_->query(
      "SELECT INSTANCE_ID, USED_LICENSES, COUNTED_AT, STORES_NOT_COUNTED FROM INSTANCE_LICENSE_COUNTS "
      "ORDER BY INSTANCE_ID");
  if (!rows) return rows.error();
  std::vector<LicenseCount> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) out.push_back({dbStr(r[0]), dbInt(r[1]), dbInt(r[2]), dbInt(r[3])});
  return out;
}

Status ManagementDb::recordDailyFigures(const DailyFigures& f) {
  return db_->exec(
      "UPDATE OR INSERT INTO INSTANCE_DAILY_FIGURES (INSTANCE_ID, DAY_UTC, MESSAGES, SIZE_KB) VALUES (?, ?, ?, ?) "
      "MATCHING (INSTANCE_ID, DAY_UTC)",
      {f.instance_id, f.day, f.messages, f.size_kb});
}

Result<std::vector<DailyFigures>> ManagementDb::dailyFigures(const std::string& from_day) {
  auto rows = db_->query(
      "SELECT INSTANCE_ID, DAY_UTC, MESSAGES, SIZE_KB FROM INSTANCE_DAILY_FIGURES WHERE DAY_UTC >= ? "
      "ORDER BY INSTANCE_ID, DAY_UTC",
      {from_day});
  if (!rows) return rows.error();
  std::vector<DailyFigures> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) out.push_back({dbStr(r[0]), dbStr(r[1]), dbInt(r[2]), dbInt(r[3])});
  return out;
}

Status ManagementDb::pruneDailyFigures(const std::string& before_day) {
  SPE_TRY(db_->exec("DELETE FROM INSTANCE_DAILY_FIGURES WHERE DAY_UTC < ?", {before_day}));
  return db_->exec(
      "DELETE FROM INSTANCE_DAILY_FIGURES F WHERE NOT EXISTS "
      "(SELECT 1 FROM INSTANCES I WHERE I.INSTANCE_ID = F.INSTANCE_ID)");
}

Result<std::optional<Json>> ManagementDb::setting(const std::string& name) {
  auto rows = db_->query("SELECT SETTING_VALUE FROM SETTINGS WHERE NAME = ?", {name});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<Json>();
  auto parsed = parseJson(dbStr(rows->front()[0]), "setting " + name);
  if (!parsed) return parsed.error();
  return std::optional<Json>(std::move(parsed.value()));
}

Status ManagementDb::setSetting(const std::string& name, const Json& value) {
  return db_->exec("UPDATE OR INSERT INTO SETTINGS (NAME, SETTING_VALUE) VALUES (?, ?) MATCHING (NAME)",
                   {name, dumpJson(value)});
}

}  // namespace spe::management
