#include "instancehost/instance/instance_server.h"

#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <filesystem>

#include "common/base/logging.h"
#include "common/base/password.h"
#include "common/base/termination_signals.h"
#include "common/base/text.h"
#include "common/db/firebird_db.h"
#include "instancehost/instance/access/end_user_login.h"
#include "instancehost/instance/access/web/web_stream.h"
#include "instancehost/instance/api/search.h"
#include "instancehost/instance/directory/ldap_directory_login.h"
#include "instancehost/instance/instance_metrics.h"
#include "instancehost/instance/mail/instance_mail.h"
#include "instancehost/instance/model/compliance.h"
#include "instancehost/instance/model/instance_keys.h"
#include "instancehost/instance/model/path_roots.h"
#include "instancehost/instance/model/user_mfa.h"
#include "instancehost/instance/process_stats.h"
#include "instancehost/instance/reports/notifier.h"

namespace spe::instance {
namespace fs = std::filesystem;

namespace {

double mb(std::int64_t bytes) { return static_cast<double>(bytes) / (1024.0 * 1024.0); }

}  // namespace

InstanceServer::InstanceServer(const InstanceOptions& options) : options_(options), process_unique_id_(newGuid()) {}

InstanceServer::~InstanceServer() {
  pool_.join();
  web_.reset();  // stops Web Access restores, which read the stores
  if (stores_) stores_->closeAll();
}

Result<std::unique_ptr<InstanceServer>> InstanceServer::open(const InstanceOptions& options) {
  std::unique_ptr<InstanceServer> s(new InstanceServer(options));
  WebRestoreOptions restore;  // checked before anything starts
  restore.enabled = options.web_restore;
  auto servers = HostAllowList::parse(options.restore_servers);
  if (!servers) return makeError(ErrorCode::kInvalidArgument, "--restore-server " + servers.error().message);
  restore.servers = std::move(*servers);
  restore.ca_file = options.restore_ca_file;
  std::error_code ec;
  fs::create_directories(fs::path(options.base_directory) / "Data", ec);
  if (ec) {
    return makeError(ErrorCode::kIo, "Cannot create '" + options.base_directory + "/Data': " + ec.message());
  }
  std::vector<std::string> roots = {options.base_directory};
  roots.insert(roots.end(), options.allowed_roots.begin(), options.allowed_roots.end());
  setAllowedPathRoots(roots);
  SPE_TRY(setFirebirdLockDirectory(options.base_directory + "/.fblock"));
  auto db = InstanceMasterDb::open(options.base_directory + "/MailStoreMaster.fdb");
  if (!db) return db.error();
  s->db_ = std::move(db.value());
  if (options.key_fd < 0) {
    return makeError(ErrorCode::kInvalidArgument,
                     "No host key: spe-instance is started by spe-instancehost (--key-fd).");
  }
  auto host_key = readHostKey(options.key_fd);
  if (!host_key) return host_key.error();
  auto keys = loadOrCreateInstanceKeys(options.base_directory, options.instance_id, *host_key);
  if (!keys) return keys.error();
  // The audit log (docs/compliance.md), before anything can be audited.
  audit::AuditLogOptions audit_options;
  audit_options.directory = options.base_directory + "/Audit";
  audit_options.instance_id = options.instance_id;
  audit_options.secrets_key = keys->instance_key;
  auto audit_log = audit::AuditLog::open(std::move(audit_options));
  if (!audit_log) return audit_log.error();
  s->audit_log_ = std::move(audit_log.value());
  s->db_->setAuditLog(s->audit_log_.get());
  // logSuccessfulUserActivities (model/compliance.h) chooses the successes
  // kept; failures always are, and so is every change of that choice.
  s->compliance_ = std::make_unique<Compliance>(*s->db_);
  s->db_->setAuditFilter([compliance = s->compliance_.get()](std::string_view event, bool success) {
    return event == "ComplianceChangeSettings" || compliance->shouldLog(event, success);
  });
  s->users_ = std::make_unique<UserDirectory>(*s->db_);
  s->index_settings_ = std::make_shared<index::IndexSettings>(options.base_directory + "/Temp/Extract");
  SPE_TRY(loadIndexConfiguration(*s->db_, *s->index_settings_));
  // Indexes wait while the instance is frozen (and stay stoppable).
  s->index_settings_->setWritePermits([gate = &s->gate_]() -> std::optional<index::IndexSettings::WritePermit> {
    auto permit = gate->tryAcquire(std::chrono::milliseconds(200));
    if (!permit) return std::nullopt;
    return std::shared_ptr<void>(std::make_shared<WriteGate::Permit>(std::move(*permit)));
  });
  s->stores_ = std::make_unique<StoreManager>(*s->db_, options.base_directory, *keys);
  s->stores_->setIndexSettings(s->index_settings_);
  SPE_TRY(s->stores_->openAll());
  s->profiles_ = std::make_unique<ProfileStore>(*s->db_, keys->instance_key);
  s->results_ = std::make_unique<WorkerResults>(*s->db_);
  SPE_TRY(s->results_->markAbandoned());
  s->source_state_ = std::make_unique<SourceState>(*s->db_);
  s->importer_ = std::make_unique<Importer>(*s->stores_, *s->users_, s->gate_, *s->source_state_);
  s->export_state_ = std::make_unique<ExportState>(*s->db_);
  s->exporter_ = std::make_unique<Exporter>(*s->stores_, *s->export_state_);
  s->runner_ = std::make_unique<ProfileRunner>(*s->importer_, *s->exporter_, *s->results_);
  s->scheduler_ = std::make_unique<ProfileScheduler>(*s->profiles_, *s->runner_, s->gate_);
  // Safe mode runs nothing by itself.
  if (!options.safe_mode) s->scheduler_->start();
  s->context_ = std::make_unique<InstanceContext>(
      InstanceContext{options.instance_id, options.base_directory, *s->db_, *s->users_, *s->stores_, *s->profiles_,
                      *s->results_, *s->importer_, s->gate_, *s->index_settings_, *s->runner_, *s->scheduler_});
  s->context_->secrets_key = keys->instance_key;
  s->mfa_ = std::make_unique<UserMfa>(*s->db_, *s->users_, keys->instance_key, options.instance_id, systemClock(),
                                      "Email Archive " + options.instance_id);
  s->context_->mfa = s->mfa_.get();
  s->directory_login_ = std::make_unique<LdapDirectoryLogin>(*s->db_, keys->instance_key, options.instance_id,
                                                             ldapDirectoryFactory(options.base_directory));
  s->context_->directory = s->directory_login_.get();
  s->api_ = std::make_unique<InstanceApi>(*s->context_);
  s->job_store_ = std::make_unique<FirebirdJobStore>(*s->db_);
  s->jobs_ = std::make_unique<JobScheduler>(
      *s->job_store_,
      JobScheduler::Hooks{[api = s->api_.get()](const std::string& fn, ApiCall& call) { return api->call(fn, call); },
                          [gate = &s->gate_] { return gate->frozen(); },
                          [gate = &s->gate_](std::function<void()> fn) { return gate->onThaw(std::move(fn)); }},
      options.instance_id);
  s->context_->jobs = s->jobs_.get();
  SPE_TRY(s->job_store_->ensureDefaultJob(s->jobs_->now()));
  // Safe mode runs nothing by itself (RunJobAsync still runs a job).
  if (!options.safe_mode) s->jobs_->start();
  ImapServerOptions imap;
  imap.safe_mode = options.safe_mode;
  s->imap_ = std::make_unique<ImapServer>(*s->context_, s->pool_, imap);
  s->web_ = std::make_unique<WebApi>(*s->context_, options.safe_mode, std::move(restore));
  // Notification mails (reports/notifier.h); safe mode sends none.
  if (!options.safe_mode) {
    InstanceApi* api = s->api_.get();
    InstanceContext* ctx = s->context_.get();
    s->notifier_ = std::make_unique<Notifier>(
        systemClock(), *s->db_,
        [api](const std::string& function, const Json& args) -> Result<Json> {
          ApiCall call{args, "$system", {}, {}, {}};
          return api->call(function, call);
        },
        [ctx](const std::string& subject, const std::string& text) -> Status {
          net::MailMessage message;
          message.subject = subject;
          message.text = text;
          auto sent = sendInstanceMail(*ctx, message);
          if (!sent) return sent.error();
          return okStatus();
        },
        [server = s.get()](std::function<void()> fn) { asio::post(server->pool_, std::move(fn)); }, options.instance_id,
        options.notification_sweep);
    s->notifier_->start();
  }
  return s;
}

namespace {

asio::awaitable<void> refuseStream(std::shared_ptr<ByteStream> stream, Json answer) {
  ErrorCodeT ec;
  co_await writeFrame(*stream, answer, ec);
  co_await stream->shutdown();
}

}  // namespace

Status InstanceServer::listen() {
  server_ = std::make_unique<LocalRpcServer>(
      io_, pool_, [this](const RpcRequest& r) { return handle(r); }, "instance socket");
  server_->setStreamHandler([this](std::shared_ptr<ByteStream> stream, RpcRequest request, Json id) {
    const std::string service = stringOf(request.params, "service").value_or("");
    if (service == "imap") {
      imap_->accept(std::move(stream), request.params, std::move(id));
      return;
    }
    if (service == "web") {  // Web Access requests from a CAS (web_stream.h)
      serveWebStream(std::move(stream), std::move(id), *web_, pool_);
      return;
    }
    const Json answer{
        {"id", id},
        {"error", rpcErrorToJson(makeError(ErrorCode::kNotSupported,
                                           "The instance has no stream service '" + printable(service) + "'."))}};
    auto ex = stream->executor();
    asio::co_spawn(ex, refuseStream(std::move(stream), answer), asio::detached);
  });
  return server_->listen(options_.socket_path);
}

void InstanceServer::run() {
  asio::signal_set signals(io_, SIGINT, SIGTERM);
  signals.async_wait([this](const ErrorCodeT& ec, int) {
    if (!ec) stop();
  });
  unblockTerminationSignals();  // one that came since main started goes to `signals` now
  io_.run();
  web_->stopRestores();  // Web Access restores read the stores
  scheduler_->stop();    // cancels automatic runs under way
  jobs_->stop();         // cancels job runs under way
  // Let writes under way finish before the process ends.
  if (!gate_.freeze(options_.drain_timeout)) {
    logger("instance")->warn("{} writes still running after the drain deadline", gate_.writesInProgress());
  }
  audit_log_->close();  // the last checkpoint
  logger("instance")->info("stopped");
}

void InstanceServer::stop() {
  if (server_) server_->stop();
  io_.stop();
}

Result<Json> InstanceServer::statistics() {
  // The master database counts as a database file; recovery records as content.
  std::error_code ec;
  const auto master = fs::file_size(fs::path(options_.base_directory) / "MailStoreMaster.fdb", ec);
  std::int64_t db = ec ? 0 : static_cast<std::int64_t>(master), content = 0, index = 0;
  std::int64_t messages = 0;
  for (const auto& [id, s] : stores_->loaded()) {
    const auto sizes = s->sizes();
    db += sizes.database;
    content += sizes.content + sizes.recovery;
    index += sizes.index;
    auto st = s->statistics();
    if (!st) return st.error();
    messages += st->messages;
  }
  return Json{{"totalSizeMB", mb(db + content + index)},
              {"databaseFileSizeMB", mb(db)},
              {"contentFileSizeMB", mb(content)},
              {"indexFileSizeMB", mb(index)},
              {"numberOfMessages", messages}};
}

Result<Json> InstanceServer::callApi(const RpcRequest& r) {
  const std::string function = stringOf(r.params, "function").value_or("");
  const std::string operation = stringOf(r.params, "operationId").value_or("");
  const auto args_it = r.params.find("args");
  const Json args = args_it == r.params.end() || args_it->is_null() ? Json::object() : *args_it;
  if (!args.is_object()) return makeError(ErrorCode::kInvalidArgument, "'args' must be a JSON object.");
  auto cancelled = std::make_shared<std::atomic<bool>>(false);
  if (!operation.empty()) {
    std::lock_guard lock(operations_mutex_);
    operations_[operation] = cancelled;
  }
  ApiCall call{
      args, stringOf(r.params, "caller").value_or(""), {}, {}, stringOf(r.params, "callerAddress").value_or("")};
  // Progress goes out at most every 250 ms (and always at 100 %).
  auto last = std::make_shared<std::chrono::steady_clock::time_point>();
  call.control.progress = [&r, last](int percent, const std::string& text) {
    const auto now = std::chrono::steady_clock::now();
    if (percent < 100 && now - *last < std::chrono::milliseconds(250)) return;
    *last = now;
    if (r.progress) r.progress(percent, text);
  };
  call.control.cancelled = [cancelled] { return cancelled->load(); };
  call.log = [](const std::string& line) { logger("instance")->info("{}", line); };
  logger("instance")->info("{} calls {}", call.caller.empty() ? "$system" : call.caller, function);
  Result<Json> result = api_->call(function, call);
  if (!result) logger("instance")->info("{} failed: {}", function, result.error().message);
  if (!operation.empty()) {
    std::lock_guard lock(operations_mutex_);
    operations_.erase(operation);
  }
  if (result && function.rfind("Run", 0) == 0 && result->is_object()) {
    messages_archived_ += result->value("itemsArchived", std::int64_t{0});
  }
  return result;
}

Json InstanceServer::activity() const {
  Json reasons = Json::array();
  if (runner_->anyRunning()) reasons.push_back("an archiving or export profile runs");
  if (jobs_ && jobs_->anyRunning()) reasons.push_back("a job runs");
  if (web_ && web_->sessionCount() > 0) reasons.push_back("Web Access sessions are open");
  if (gate_.frozen()) reasons.push_back("it is frozen (a backup runs): a new process would not be");
  std::optional<std::int64_t> wake;
  if (!options_.safe_mode) {  // in safe mode nothing runs by itself
    if (auto in = scheduler_->nextRunIn()) wake = std::chrono::ceil<std::chrono::seconds>(*in).count();
    if (jobs_) {
      if (auto next = jobs_->earliestNextRun(); next && *next) {
        const std::int64_t in = std::max<std::int64_t>(**next - jobs_->now(), 0);
        wake = wake ? std::min(*wake, in) : in;
      }
    }
  }
  return Json{{"busy", !reasons.empty()}, {"reasons", reasons}, {"nextWakeSeconds", wake ? Json(*wake) : Json()}};
}

Json InstanceServer::liveStatistics() const {
  const ProcessStats p = readProcessStats();
  const PasswordHashStats hashes = passwordHashStats();
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  return Json{{"processUniqueID", process_unique_id_},
              {"timestamp", now},
              {"totalProcessorMilliseconds", p.cpu_milliseconds},
              {"totalIOReadBytes", p.io_read_bytes},
              {"totalIOWriteBytes", p.io_write_bytes},
              {"totalIOOtherBytes", p.io_other_bytes},
              {"totalRemoteProcedureCalls", rpc_calls_.load()},
              {"totalMessagesArchived", messages_archived_.load()},
              {"totalMessagesChecked", 0},
              {"currentPrivateMemoryBytes", p.private_memory_bytes},
              // Login hardening (docs/security.md): Argon2id checks run, of them against the dummy
              // hash (unknown users), attempts refused before hashing, most hashes at once.
              {"totalPasswordChecks", hashes.verifications},
              {"totalDummyPasswordChecks", hashes.dummy_verifications},
              {"totalLoginsThrottled", endUserLoginsThrottled()},
              {"peakConcurrentPasswordHashes", hashes.peak_running}};
}

Result<Json> InstanceServer::handle(const RpcRequest& r) {
  ++rpc_calls_;
  const Json& p = r.params;
  if (r.method == "ping") {
    return Json{{"instanceID", options_.instance_id},
                {"processID", ::getpid()},
                {"safeMode", options_.safe_mode},
                {"frozen", gate_.frozen()},
                {"processUniqueID", process_unique_id_}};
  }
  if (r.method == "statistics") return statistics();
  if (r.method == "api") return callApi(r);
  if (r.method == "search") return searchArchives(*context_, p);
  if (r.method == "archiveAdmin.oneTimePassword") return Json{{"password", web_->createArchiveAdminPassword()}};
  if (r.method == "archiveAdmin.revoke") {
    web_->revokeArchiveAdminPasswords();
    return Json::object();
  }
  if (r.method == "indexStatus") return Json{{"storesNeedingRebuild", stores_->storesNeedingIndexRebuild()}};
  if (r.method == "cancel") {
    std::lock_guard lock(operations_mutex_);
    auto it = operations_.find(stringOf(p, "operationId").value_or(""));
    if (it == operations_.end()) return Json{{"cancelled", false}};
    it->second->store(true);
    return Json{{"cancelled", true}};
  }
  if (r.method == "liveStatistics") return liveStatistics();
  if (r.method == "activity") return activity();
  if (r.method == "metrics") return instanceMetrics(*stores_, web_ ? web_->sessionCount() : 0);
  if (r.method == "freeze") {
    auto ms = intField(p, "timeoutMilliseconds", 60000, 0, 3600000);
    if (!ms) return ms.error();
    const auto timeout = std::chrono::milliseconds(*ms);
    if (!gate_.freeze(timeout)) {
      return makeError(ErrorCode::kTimeout, "Writes still running after " + std::to_string(timeout.count()) +
                                                " ms; the instance was not frozen.");
    }
    logger("instance")->info("frozen");
    return Json{{"frozen", true}};
  }
  if (r.method == "thaw") {
    gate_.thaw();
    logger("instance")->info("thawed");
    return Json{{"frozen", false}};
  }
  if (r.method == "audit") {
    auto permit = gate_.acquire();  // held while frozen
    auto user = stringField(p, "userName", "$system", 1024);
    auto event = stringField(p, "event", {}, 256);
    auto details = stringField(p, "details", {}, 64 * 1024);
    for (const auto* f : {&user, &event, &details}) {
      if (!*f) return f->error();
    }
    // The Management Server's own audit records (archive admin access): its
    // administrators' doing.
    audit::AuditEntry e;
    e.actor_kind = *user == "$system" ? audit::ActorKind::kSystem : audit::ActorKind::kAdministrator;
    e.actor = *user;
    e.event = *event;
    e.details = *details;
    e.source = stringField(p, "source", {}, 256).value_or("");
    SPE_TRY(db_->audit(e));
    return Json();
  }
  if (r.method == "auditLog") {
    auto limit = intField(p, "limit", 100, 1, 100000);
    if (!limit) return limit.error();
    return db_->auditLog(static_cast<int>(*limit));
  }
  return makeError(ErrorCode::kNotSupported, "The instance has no method '" + printable(r.method) + "'.");
}

}  // namespace spe::instance
