// Functions carried out inside an instance (users, folders, archive stores,
// profiles): the Management Server checks the arguments and access, then
// forwards the call through the instance's host to the instance process
// ("api" method), relaying progress and cancellation.
#include <atomic>
#include <thread>

#include "common/base/password.h"
#include "management/api/function_registry.h"
#include "management/functions/job_action.h"
#include "management/instance_control.h"
#include "management/management_context.h"

namespace spe::management {
namespace {

struct Forwarded {
  const char* name;
  std::vector<ArgSpec> args;
  Scope scope;
  bool long_running;
};

constexpr auto S = ArgType::kString;
constexpr auto N = ArgType::kNumber;
constexpr auto B = ArgType::kBool;
constexpr auto J = ArgType::kJson;
constexpr auto kUser = Scope::kInstance;
constexpr auto kStore = Scope::kInstanceStoreOrIndex;

// The functions forwarded to instances, with their arguments, in three
// tables that share the common arguments.
class ForwardedTable {
 public:
  std::vector<Forwarded> all() const {
    std::vector<Forwarded> out = usersAndFolders();
    for (const auto& part : {stores(), profiles(), directory(), smtp(), jobs(), audit(), retention(), compliance()}) {
      out.insert(out.end(), part.begin(), part.end());
    }
    return out;
  }

 private:
  static ArgSpec opt(const char* name, ArgType t) { return ArgSpec{name, t, true}; }

  std::vector<Forwarded> usersAndFolders() const {
    return {
        {"CreateUser",
         {id, user, privileges, opt("fullName", S), opt("distinguishedName", S).maxLength(1000),
          opt("authentication", S), opt("password", S).maxLength(1024), opt("loginPrivileges", S).maxLength(500)},
         kUser,
         false},
        {"DeleteUser", {id, user}, kUser, false},
        {"GetUsers", {id}, kUser, false},
        {"GetUserInfo", {id, user}, kUser, false},
        {"RenameUser", {id, {"oldUserName", S}, {"newUserName", S}}, kUser, false},
        {"SetUserPassword", {id, user, password}, kUser, false},
        {"SetUserFullName", {id, user, opt("fullName", S)}, kUser, false},
        {"SetUserEmailAddresses", {id, user, opt("emailAddresses", S).maxLength(8000)}, kUser, false},
        {"SetUserPop3UserNames", {id, user, opt("pop3UserNames", S).maxLength(4000)}, kUser, false},
        {"SetUserPrivileges", {id, user, privileges}, kUser, false},
        {"SetUserLoginPrivileges", {id, user, ArgSpec{"loginPrivileges", S}.maxLength(500)}, kUser, false},
        {"SetUserAuthentication", {id, user, {"authentication", S}}, kUser, false},
        {"SetUserDistinguishedName", {id, user, opt("distinguishedName", S).maxLength(1000)}, kUser, false},
        {"InitializeMFA", {id, user}, kUser, false},
        {"DisableMFA", {id, user}, kUser, false},
        {"DeleteAppPasswords", {id, user}, kUser, false},
        {"SendStatusReport",
         {id, ArgSpec{"timespan", S}.maxLength(16), opt("timeZoneId", S).maxLength(64),
          opt("recipients", S).maxLength(8000)},
         kUser,
         false},
        {"GetNotificationSettings", {id}, kUser, false},
        {"SetNotificationSettings", {id, {"settings", J}}, kUser, false},
        {"SetUserPrivilegesOnFolder", {id, user, folder, privileges}, kUser, false},
        {"ClearUserPrivilegesOnFolders", {id, user}, kUser, false},
        {"GetChildFolders", {id, opt("folder", S).maxLength(1000), opt("maxLevels", N)}, kUser, false},
        {"MoveFolder",
         {id, ArgSpec{"fromFolder", S}.maxLength(1000), ArgSpec{"toFolder", S}.maxLength(1000)},
         kUser,
         false},
        {"DeleteEmptyFolders", {id, opt("folder", S).maxLength(1000)}, kUser, false},
        {"GetFolderStatistics", {id}, kUser, false},
    };
  }

  std::vector<Forwarded> stores() const {
    return {
        {"CreateStore",
         {id, {"name", S}, database_path, content_path, index_path, opt("requestedState", S)},
         kStore,
         false},
        {"AttachStore",
         {id, {"name", S}, database_path, content_path, index_path, opt("requestedState", S)},
         kStore,
         false},
        {"DetachStore", {id, store}, kStore, false},
        {"RenameStore", {id, store, {"name", S}}, kStore, false},
        {"SetStorePath", {id, store, database_path, content_path, index_path}, kStore, false},
        {"SetStoreRequestedState", {id, store, {"requestedState", S}}, kStore, false},
        {"GetStores", {id, opt("includeSize", B)}, kStore, false},
        {"RetryOpenStores", {id}, kStore, false},
        {"UnlockStore", {id, store, ArgSpec{"passphrase", S}.maxLength(1024)}, kStore, false},
        {"GetStoreAutoCreateConfiguration", {id}, kStore, false},
        {"SetStoreAutoCreateConfiguration", {id, {"config", J}}, kStore, false},
        {"VerifyStore", {id, store, opt("includeIndexes", B)}, kStore, true},
        {"VerifyStores", {id, opt("includeIndexes", B)}, kStore, true},
        {"RecoverStore",
         {id, store, opt("encryptionKey", S).maxLength(1024), opt("recoverDeletedMessages", B)},
         kStore,
         true},
        {"RecreateRecoveryRecords", {id, store}, kStore, true},
        {"RefreshAllStoreStatistics", {id}, kStore, true},
        {"UpgradeStore", {id, store}, kStore, true},
        {"UpgradeStores", {id}, kStore, true},
        {"RepairStoreDatabase", {id, store}, kStore, true},
        {"CompactStore", {id, store}, kStore, true},
        {"MaintainFileSystemDatabases", {id}, kStore, true},
        {"MergeStore", {id, store, {"sourceId", N}}, kStore, true},
        {"GetIndexConfiguration", {id}, kStore, false},
        {"SetIndexConfiguration", {id, {"config", J}}, kStore, false},
        {"SelectAllStoreIndexesForRebuild", {id}, kStore, false},
        {"RebuildSelectedStoreIndexes", {id}, kStore, true},
    };
  }

  std::vector<Forwarded> profiles() const {
    return {
        {"CreateProfile", {id, {"properties", J}, {"raw", B}}, kUser, false},
        {"GetProfiles", {id, {"raw", B}}, kUser, false},
        {"DeleteProfile", {id, {"id", N}}, kUser, false},
        {"CanRunArchiveProfiles", {id}, kUser, false},
        {"SetProfileServerSideExecution",
         {id,
          {"id", N},
          {"automatic", B},
          opt("automaticPauseBetweenExecutions", N).range(0, kMaxId),
          opt("automaticMaintenanceWindows", S)},
         kUser,
         false},
        {"RunProfile", {id, {"id", N}}, kUser, true},
        {"RunTemporaryProfile", {id, {"properties", J}, {"raw", B}}, kUser, true},
        {"GetWorkerResults",
         {id, {"fromIncluding", S}, {"toExcluding", S}, {"timeZoneID", S}, opt("profileID", N), opt("userName", S)},
         kUser,
         false},
        {"GetWorkerResultReport", {id, {"id", N}}, kUser, false},
        {"GetWorkerResultReportEntries",
         {id,
          {"id", N},
          ArgSpec{"kind", S}.maxLength(8),
          ArgSpec{"from", N, true}.range(0, kMaxId),
          ArgSpec{"count", N, true}.range(1, 10000)},
         kUser,
         false},
        {"GetTimeZones", {id}, kUser, false},
    };
  }

  // Directory services: the instance checks each field of `config`.
  std::vector<Forwarded> directory() const {
    return {
        {"GetDirectoryServicesConfiguration", {id}, kUser, false},
        {"SetDirectoryServicesConfiguration", {id, {"config", J}}, kUser, false},
        {"SyncUsersWithDirectoryServices", {id, opt("dryRun", B)}, kUser, true},
        {"GetCredentials", {id}, kUser, false},
    };
  }

  // SMTP settings: the instance checks each field of `settings`; the test
  // sends a mail (bounded by the settings' timeouts, well under 5 minutes).
  // The audit log (docs/compliance.md): read-only; times are UTC ISO 8601.
  std::vector<Forwarded> audit() const {
    const std::vector<ArgSpec> filter = {opt("fromIncluding", S).maxLength(40), opt("toExcluding", S).maxLength(40),
                                         opt("actor", S).maxLength(1024), opt("event", S).maxLength(256),
                                         opt("object", S).maxLength(1024)};
    std::vector<ArgSpec> get = {id};
    get.insert(get.end(), filter.begin(), filter.end());
    get.push_back(opt("limit", N).range(1, 10000));
    get.push_back(opt("offset", N).range(0, kMaxId));
    get.push_back(opt("newestFirst", B));
    std::vector<ArgSpec> exp = {id};
    exp.insert(exp.end(), filter.begin(), filter.end());
    return {
        {"GetAuditLog", get, kUser, false},
        {"ExportAuditLog", exp, kUser, true},
        {"VerifyAuditLog", {id}, kUser, true},
        {"GetAuditLogPublicKey", {id}, kUser, false},
    };
  }

  std::vector<Forwarded> smtp() const {
    return {
        {"GetSmtpSettings", {id}, kUser, false},
        {"SetSmtpSettings", {id, {"settings", J}}, kUser, false},
        {"TestSmtpSettings", {id}, kUser, false},
    };
  }

  // Compliance (docs/compliance.md): the instance checks every field of `config`.
  std::vector<Forwarded> compliance() const {
    return {
        {"GetComplianceConfiguration", {id}, kUser, false},
        {"SetComplianceConfiguration", {id, {"config", J}}, kUser, false},
    };
  }

  // Retention policies (docs/compliance.md): the instance checks every field
  // of `config`; processing runs as a task (progress, cancellation).
  std::vector<Forwarded> retention() const {
    return {
        {"GetRetentionPolicies", {id}, kUser, false},
        {"SetRetentionPolicies", {id, {"config", J}}, kUser, false},
        {"ProcessRetentionPolicies", {id, opt("dryRun", B)}, kUser, true},
    };
  }

  // Jobs (docs/jobs.md): CreateJob's action and owner are checked here
  // (prepareJob); the instance checks the schedule.
  std::vector<Forwarded> jobs() const {
    const std::vector<ArgSpec> schedule = {opt("date", S).maxLength(32), opt("interval", N).range(1, 1440),
                                           opt("time", S).maxLength(16), opt("dayOfWeek", S).maxLength(100),
                                           opt("dayOfMonth", S).maxLength(8)};
    std::vector<ArgSpec> create = {id, opt("name", S), ArgSpec{"action", S}.maxLength(4000), opt("owner", S),
                                   opt("timeZoneId", S).maxLength(64)};
    create.insert(create.end(), schedule.begin(), schedule.end());
    std::vector<ArgSpec> reschedule = {id, job, ArgSpec{"timeZoneId", S}.maxLength(64)};
    reschedule.insert(reschedule.end(), schedule.begin(), schedule.end());
    return {
        {"CreateJob", create, kUser, false},
        {"GetJobs", {id}, kUser, false},
        {"RenameJob", {id, job, {"name", S}}, kUser, false},
        {"SetJobEnabled", {id, job, {"enabled", B}}, kUser, false},
        {"SetJobSchedule", reschedule, kUser, false},
        {"DeleteJob", {id, job}, kUser, false},
        {"RunJobAsync", {id, job}, kUser, false},
        {"CancelJobAsync", {id, job}, kUser, false},
        {"GetJobResults",
         {id, {"fromIncluding", S}, {"toExcluding", S}, ArgSpec{"timeZoneId", S}.maxLength(64), opt("jobId", N)},
         kUser,
         false},
    };
  }

  // Limits: instance IDs are 3-32 characters; ids are positive int32
  // (ArgSpec's default); strings get the size of the column they end in.
  const ArgSpec id = ArgSpec{"instanceID", S}.maxLength(32);
  const ArgSpec store{"id", N};
  const ArgSpec job{"id", N};
  const ArgSpec user{"userName", S};
  const ArgSpec privileges = ArgSpec{"privileges", S}.maxLength(500);
  const ArgSpec password = ArgSpec{"password", S}.maxLength(1024);
  const ArgSpec folder = ArgSpec{"folder", S}.maxLength(1000);
  // Paths of a store: DATABASE_PATH VARCHAR(1000); `path` is the older name
  // of databasePath that official clients still send.
  const ArgSpec database_path = ArgSpec{"databasePath", S}.maxLength(1000).alias("path");
  const ArgSpec content_path = opt("contentPath", S).maxLength(1000);
  const ArgSpec index_path = opt("indexPath", S).maxLength(1000);
};

std::vector<Forwarded> forwardedFunctions() { return ForwardedTable().all(); }

// CreateJob: the action must be a call of an instance function that the API
// would accept (job_action.h) and the owner a system administrator (the
// caller when not given). Adds `actionCall` and the owner's name as stored.
Status prepareJob(const FunctionRegistry& registry, ManagementContext& ctx, const CallContext& c, Json& args) {
  auto call = checkJobAction(registry, c.args.str("action"), c.args.str("instanceID"));
  if (!call) return call.error();
  const std::string owner = c.args.has("owner") ? c.args.str("owner") : c.caller.user_name;
  auto admin = ctx.db.admin(owner);
  if (!admin) return admin.error();
  if (!admin->has_value()) {
    return makeError(ErrorCode::kInvalidArgument,
                     "'owner': '" + owner + "' is not a system administrator; a job runs as one.");
  }
  args["actionCall"] = *call;
  args["owner"] = (*admin)->user_name;
  return okStatus();
}

}  // namespace

void registerArchiveFunctions(FunctionRegistry& registry, ManagementContext& ctx) {
  InstanceControl* control = &ctx.instances;
  const FunctionRegistry* functions = &registry;
  for (auto& f : forwardedFunctions()) {
    const std::string name = f.name;
    const bool long_running = f.long_running;
    FunctionSpec spec;
    spec.name = name;
    spec.args = f.args;
    spec.scope = f.scope;
    spec.long_running = long_running;
    spec.handler = [&ctx, control, functions, name, long_running](CallContext& c) -> Result<Json> {
      const std::string instance_id = c.args.str("instanceID");
      auto r = ctx.db.instance(instance_id);
      if (!r) return r.error();
      if (!r->has_value()) return makeError(ErrorCode::kNotFound, "There is no instance '" + instance_id + "'.");
      const std::string operation = randomHex(8);
      Json args = c.args.toJson();
      if (name == "CreateJob") SPE_TRY(prepareJob(*functions, ctx, c, args));
      Json params{{"function", name},
                  {"args", std::move(args)},
                  {"operationId", operation},
                  {"caller", c.caller.user_name},
                  {"callerAddress", c.caller.address}};
      InstanceRecord instance = **r;
      auto progress = [&c](int percent, const std::string& text) { c.progress.update(percent, text); };
      // A cancellation request is passed on to the instance within 100 ms.
      std::atomic<bool> done{false};
      std::thread watcher;
      if (long_running) {
        watcher = std::thread([&c, &done, control, instance, operation] {
          while (!done.load()) {
            if (c.progress.cancelled()) {
              (void)control->instanceCall(instance, "cancel", Json{{"operationId", operation}},
                                          std::chrono::seconds(10));
              return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
          }
        });
      }
      const auto timeout = long_running ? std::chrono::milliseconds(std::chrono::hours(72))
                                        : std::chrono::milliseconds(std::chrono::minutes(5));
      auto res = control->instanceCall(instance, "api", params, timeout, progress);
      done = true;
      if (watcher.joinable()) watcher.join();
      if (!res && res.error().code == ErrorCode::kUnavailable) {
        Error e = res.error();
        e.message = "The instance '" + instance_id + "' is not running or not reachable: " + e.message;
        return e;
      }
      return res;
    };
    registry.add(std::move(spec));
  }
}

}  // namespace spe::management
