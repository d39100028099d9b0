// Archiving and export profiles (PROFILES) and worker results (WORKER_RESULTS).
//
// A profile is kept as its raw JSON:
//   {"name", "type": "archive" | "export", "owner", "connector", "details": {...},
//    "serverSideExecution": {"automatic", "automaticPauseBetweenExecutions",
//                            "automaticMaintenanceWindows"}}
// Values in `details` may be strings (as MailStore's clients send them) or
// JSON types. Secrets (details.password) are sealed with the instance key
// and never returned.
// Thread safety: safe from any thread.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/crypto.h"
#include "common/base/json_reader.h"
#include "common/base/result.h"
#include "instancehost/instance/model/master_db.h"

namespace spe::instance {

// What a run Web Access starts for an end user (a restore to the user's
// mailbox: access/web/web_restore.h) brings besides its details; never
// stored. The run takes exactly `messages` (store ID, message ID), and its
// target connects only where `address_allowed` says (null: anywhere),
// trusting the certificates in `extra_ca_file` besides the system's, with
// the limits a server anyone may name calls for.
struct EndUserRun {
  std::vector<std::pair<std::int64_t, std::int64_t>> messages;
  std::function<bool(const std::string&)> address_allowed;
  std::string extra_ca_file;
  std::function<bool()> cancelled;  // also stops a network step that waits (mail_connection.h)
};

struct Profile {
  std::int64_t id = 0;  // 0 = temporary
  std::string name;
  std::string type = "archive";  // or "export" (docs/export.md)
  std::string owner;
  std::string connector;
  Json details = Json::object();  // without secrets
  Json secrets = Json::object();  // e.g. {"password": "..."}
  Json server_side = Json::object();
  std::shared_ptr<const EndUserRun> end_user_run;  // temporary runs from Web Access only
  Json toJson() const;                             // as GetProfiles shows it
};

// Details helpers: a boolean given as true/false/"1"/"0"/"true"/"false".
Result<bool> detailFlag(const Json& details, const std::string& key, bool fallback);
Result<std::string> detailString(const Json& details, const std::string& key, bool required);
// A whole number (JSON or string) in [min, max]; `fallback` when absent or "".
Result<std::int64_t> detailNumber(const Json& details, const std::string& key, std::int64_t fallback, std::int64_t min,
                                  std::int64_t max);

// The connection details every mail server connector has: host, port,
// protocol, userName, password (from the sealed secrets),
// ignoreSSLPolicyErrors, timeout (seconds, 0 = 60) and, unless multidrop,
// targetUserFolder. `protocols` are the protocol names in the order plain,
// upgraded (STARTTLS/STLS), implicit TLS; the last is the default.
struct ServerDetails {
  std::string host;
  std::uint16_t port = 0;
  int security = 2;  // index into `protocols`
  std::string user, password;
  bool ignore_certificate_errors = false;
  std::chrono::seconds timeout{60};
};
Result<ServerDetails> serverDetails(const Json& details, const Json& secrets, const std::vector<std::string>& protocols,
                                    std::uint16_t plain_port, std::uint16_t tls_port, bool multidrop);
// Copies them into a client's options; `security` maps the protocol index.
template <typename Options, typename Security>
void applyServerDetails(Options& o, const ServerDetails& d, const std::array<Security, 3>& security) {
  o.host = d.host;
  o.port = d.port;
  o.security = security[static_cast<std::size_t>(d.security)];
  o.user = d.user;
  o.password = d.password;
  o.ignore_certificate_errors = d.ignore_certificate_errors;
  o.timeout = d.timeout;
}

class ProfileStore {
 public:
  ProfileStore(InstanceMasterDb& db, Key256 instance_key) : db_(db), key_(instance_key) {}
  Result<std::int64_t> create(Profile profile);
  Result<std::vector<Profile>> list();
  Result<Profile> get(std::int64_t id);
  // Saves a changed profile (not its secrets).
  Status update(const Profile& profile);
  Status remove(std::int64_t id);
  // Changes with every create, update and remove (readers may keep a list
  // until it changes).
  std::uint64_t generation() const { return generation_.load(); }

 private:
  InstanceMasterDb& db_;
  Key256 key_;
  std::atomic<std::uint64_t> generation_{1};
};

// Where archiving from a mail server folder stands (IMAP: UIDVALIDITY and
// the highest UID up to which everything is durable in the archive).
struct SourcePosition {
  std::int64_t validity = 0;
  std::int64_t last = 0;
};

class SourceState {
 public:
  explicit SourceState(InstanceMasterDb& db) : db_(db) {}
  Result<std::optional<SourcePosition>> get(std::int64_t profile_id, const std::string& folder);
  Status save(std::int64_t profile_id, const std::string& folder, const SourcePosition& position);
  // POP3: which unique ids (UIDL) are archived, kept as hashes.
  Result<std::set<std::string>> archivedUids(std::int64_t profile_id);
  Status addArchivedUids(std::int64_t profile_id, const std::vector<std::string>& uids);
  // Forgets ids the server no longer has.
  Status keepArchivedUids(std::int64_t profile_id, const std::set<std::string>& hashes_on_server);
  static std::string uidHash(const std::string& uid);

 private:
  InstanceMasterDb& db_;
};

// How a run of a profile ended, stored and answered by GetWorkerResults
// under the product's names (PRODUCT-SPEC.md 1.10): "running" until it
// ends; "threadAbort" for a run a crash or kill ended.
enum class RunResult {
  kRunning,
  kSucceeded,
  kCompletedWithWarnings,
  kCompletedWithErrors,
  kFailed,
  kCancelled,
  kThreadAbort,
};
const char* runResultName(RunResult r);
// The result a stored name stands for; kFailed for a name this version does not know.
RunResult runResultFromName(std::string_view name);

struct WorkerResult {
  std::int64_t id = 0;
  std::int64_t profile_id = 0;
  std::string profile_name;
  std::string user_name;
  RunResult result = RunResult::kRunning;
  std::int64_t items_archived = 0;
  std::int64_t start_time = 0;
  std::int64_t complete_time = 0;
  std::string machine_name;
  Json report = Json::object();
};

class WorkerResults {
 public:
  explicit WorkerResults(InstanceMasterDb& db) : db_(db) {}
  Result<std::int64_t> start(const WorkerResult& r);
  // Stores the result and its whole report (a text BLOB: no length limit).
  Status finish(const WorkerResult& r);
  // The results started in [from, to), without their reports (get() has them).
  Result<std::vector<WorkerResult>> range(std::int64_t from, std::int64_t to, std::optional<std::int64_t> profile_id,
                                          const std::string& user_name);
  Result<WorkerResult> get(std::int64_t id);
  // A run's warnings or errors (`kind` "warnings" or "errors") beyond its
  // report's lists: `texts` are entries first, first + 1, ... of the whole
  // list (kept as JSON strings: bytes that are not UTF-8 become U+FFFD).
  Status appendEntries(std::int64_t id, const std::string& kind, std::int64_t first,
                       const std::vector<std::string>& texts);
  // Up to `count` of them from entry `from` on, in order.
  Result<std::vector<std::string>> entries(std::int64_t id, const std::string& kind, std::int64_t from,
                                           std::int64_t count);
  // Results left "running" by a crash become "threadAbort".
  Status markAbandoned();

 private:
  InstanceMasterDb& db_;
};

}  // namespace spe::instance
