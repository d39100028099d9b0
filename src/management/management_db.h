// ManagementDb: the platform's master database (management.fdb, embedded
// Firebird): system administrators, paired servers (Instance Hosts and
// Client Access Servers) and system settings. The schema is versioned;
// migrate() applies the missing steps at start.
// Thread safety: safe from any thread (FirebirdDb serialises).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/base/crypto.h"
#include "common/base/json_reader.h"
#include "common/base/result.h"
#include "common/db/firebird_db.h"

namespace spe::management {

struct AdminRecord {
  std::string user_name;
  std::string full_name;
  std::string email_address;
  std::string password_hash;
  std::string api_password_hash;  // empty when none was created
  // Multi-factor login (admin_mfa.h): "Disabled", "Pending" or "Active"; the
  // TOTP secret sealed with the Management Server's key (base64, empty when
  // Disabled) and the time step of the last code accepted (replays).
  std::string mfa_status = "Disabled";
  std::string mfa_secret;
  std::optional<std::int64_t> mfa_last_step;
  std::optional<std::int64_t> api_password_created;  // Unix seconds; none for passwords made before it was kept
};

enum class ServerType { kInstanceHost, kClientAccessServer };
const char* serverTypeName(ServerType t);
std::optional<ServerType> parseServerType(const std::string& s);

struct ServerRecord {
  ServerType type = ServerType::kInstanceHost;
  std::string server_name;
  std::int64_t port = 0;
  std::string thumbprint;
  std::optional<std::string> base_directory;  // Instance Hosts only
};

struct InstanceRecord {
  std::string instance_id;
  std::string alias;  // empty when none
  std::string display_name;
  std::string instance_host;
  std::string start_mode = "manual";
  std::string base_directory;
  bool debug_log_enabled = false;
  bool imap_server_connection_log_enabled = false;
  bool vss_writer_enabled = false;
  bool vss_writer_exclude_indexes = false;
  bool archive_admin_enabled = true;
};

// An instance's figures on one UTC day (its last sample that day).
struct DailyFigures {
  std::string instance_id;
  std::string day;  // YYYY-MM-DD, UTC
  std::int64_t messages = 0;
  std::int64_t size_kb = 0;  // archive stores, indexes and master database
};

// The last count of an instance's used licenses (CreateLicenseRequest):
// what a stopped or frozen instance is reported with.
struct LicenseCount {
  std::string instance_id;
  std::int64_t used = 0;
  std::int64_t counted_at = 0;  // Unix seconds
  std::int64_t stores_not_counted = 0;
};

// The SETTINGS row of the system SMTP configuration and the associated
// data its sealed password is bound to (functions/smtp_functions.cpp).
inline constexpr const char* kSystemSmtpSetting = "systemSmtp";
inline constexpr const char* kSystemSmtpPasswordBinding = "system-smtp-password";

class ManagementDb {
 public:
  static constexpr int kSchemaVersion = 6;  // = the number of migrations

  // Opens (creating) `path` and applies migrations. `key` is the Management
  // Server's key (management_key.h): migration 5 seals a system SMTP
  // password that older versions kept in clear; without the key that
  // migration fails when there is such a password (a new database has none).
  static Result<std::unique_ptr<ManagementDb>> open(const std::string& path,
                                                    const std::optional<Key256>& key = std::nullopt);

  int schemaVersion() const { return schema_version_; }

  Result<std::vector<AdminRecord>> admins();
  Result<std::optional<AdminRecord>> admin(const std::string& user_name);
  Status insertAdmin(const AdminRecord& admin);
  Status updateAdminProfile(const std::string& user_name, const std::string& full_name, const std::string& email);
  Status setAdminPassword(const std::string& user_name, const std::string& hash);
  // `created`: Unix seconds.
  Status setAdminApiPassword(const std::string& user_name, const std::string& hash, std::int64_t created);
  // Multi-factor login: status, sealed secret (empty: none) and last step, all three at once.
  Status setAdminMfa(const std::string& user_name, const std::string& status, const std::string& sealed_secret,
                     std::optional<std::int64_t> last_step);
  // A code was accepted: its step, and the status (Pending becomes Active).
  Status setAdminMfaStep(const std::string& user_name, const std::string& status, std::int64_t last_step);
  Status deleteAdmin(const std::string& user_name);

  Result<std::vector<ServerRecord>> servers(std::optional<ServerType> type = std::nullopt);
  Result<std::optional<ServerRecord>> server(ServerType type, const std::string& name);
  Status insertServer(const ServerRecord& server);
  Status updateServer(const ServerRecord& server);
  Status deleteServer(ServerType type, const std::string& name);

  Result<std::vector<InstanceRecord>> instances();
  Result<std::optional<InstanceRecord>> instance(const std::string& instance_id);
  Status insertInstance(const InstanceRecord& instance);
  Status updateInstance(const InstanceRecord& instance);
  // Also forgets the instance's last license count.
  Status deleteInstance(const std::string& instance_id);

  // The figures the console's charts draw (figures_recorder.h): one row
  // per instance and UTC day ("YYYY-MM-DD"), the day's last sample.
  Status recordDailyFigures(const DailyFigures& figures);
  // Rows of days >= `from_day`, by instance then day.
  Result<std::vector<DailyFigures>> dailyFigures(const std::string& from_day);
  // Forgets days before `before_day` (and instances deleted since).
  Status pruneDailyFigures(const std::string& before_day);

  // The last license count of each instance (INSTANCE_LICENSE_COUNTS, one
  // row per instance, replaced by each new count), by instance ID. A count
  // of an instance that does not exist (any more) is dropped.
  Status recordLicenseCount(const LicenseCount& count);
  Result<std::vector<LicenseCount>> licenseCounts();

  Result<std::optional<Json>> setting(const std::string& name);
  Status setSetting(const std::string& name, const Json& value);

 private:
  explicit ManagementDb(std::unique_ptr<FirebirdDb> db) : db_(std::move(db)) {}
  Status migrate(const std::optional<Key256>& key);

  std::unique_ptr<FirebirdDb> db_;
  int schema_version_ = 0;
};

}  // namespace spe::management
