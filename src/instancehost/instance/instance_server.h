// InstanceServer: the spe-instance process of one customer instance.
//
// Opens (creating) <base>/MailStoreMaster.fdb and <base>/Data, then serves
// its Instance Host over a Unix socket in the host's runtime directory. It
// never listens on a network port. On SIGTERM it stops taking requests,
// lets running writes finish (up to the drain deadline) and exits.
// Thread safety: handle() may run on several pool threads at once.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/net/asio.h"
#include "common/rpc/rpc.h"
#include "instancehost/instance/access/directory_login.h"
#include "instancehost/instance/access/imap/imap_server.h"
#include "instancehost/instance/access/web/web_api.h"
#include "instancehost/instance/api/instance_api.h"
#include "instancehost/instance/archiving/profile_scheduler.h"
#include "instancehost/instance/jobs/job_scheduler.h"
#include "instancehost/instance/model/compliance.h"
#include "instancehost/instance/model/master_db.h"
#include "instancehost/instance/model/user_mfa.h"
#include "instancehost/instance/model/write_gate.h"
#include "instancehost/instance/reports/notifier.h"

namespace spe::instance {

struct InstanceOptions {
  std::string instance_id;
  std::string base_directory;
  std::string socket_path;
  std::string log_level = "info";
  bool safe_mode = false;
  std::chrono::milliseconds drain_timeout{8000};
  int key_fd = -1;  // the host key arrives on this descriptor
  // Where imports and stores may be (path_roots.h); the base directory is
  // always added.
  std::vector<std::string> allowed_roots;
  // Web Access restores (web_restore.h): off with --no-web-restore; the
  // servers the provider allows (--restore-server, host_names.h) and the
  // certificates trusted besides the system's (--restore-ca-file).
  bool web_restore = true;
  std::vector<std::string> restore_servers;
  std::string restore_ca_file;
  // The notifier's interval (reports/notifier.h; --notification-sweep-seconds).
  std::chrono::seconds notification_sweep = Notifier::kSweep;
};

class InstanceServer {
 public:
  static Result<std::unique_ptr<InstanceServer>> open(const InstanceOptions& options);
  ~InstanceServer();

  Status listen();
  // Serves until SIGTERM/SIGINT or stop().
  void run();
  void stop();

  Result<Json> handle(const RpcRequest& request);

 private:
  explicit InstanceServer(const InstanceOptions& options);
  Result<Json> statistics();
  Json liveStatistics() const;
  // For the host's idle stops of on-demand instances: {busy, reasons,
  // nextWakeSeconds (when its next scheduled work is due; null: none)}.
  Json activity() const;
  Result<Json> callApi(const RpcRequest& request);

  InstanceOptions options_;
  std::unique_ptr<audit::AuditLog> audit_log_;  // outlives db_, which writes to it
  std::unique_ptr<Compliance> compliance_;      // the audit filter of db_ asks it
  std::unique_ptr<InstanceMasterDb> db_;
  WriteGate gate_;
  std::unique_ptr<UserDirectory> users_;
  std::unique_ptr<UserMfa> mfa_;
  std::shared_ptr<index::IndexSettings> index_settings_;
  std::unique_ptr<StoreManager> stores_;
  std::unique_ptr<ProfileStore> profiles_;
  std::unique_ptr<WorkerResults> results_;
  std::unique_ptr<SourceState> source_state_;
  std::unique_ptr<Importer> importer_;
  std::unique_ptr<ExportState> export_state_;
  std::unique_ptr<Exporter> exporter_;
  std::unique_ptr<ProfileRunner> runner_;
  std::unique_ptr<ProfileScheduler> scheduler_;
  std::unique_ptr<InstanceContext> context_;
  std::unique_ptr<DirectoryLogin> directory_login_;
  std::unique_ptr<InstanceApi> api_;
  std::unique_ptr<JobStore> job_store_;
  std::unique_ptr<JobScheduler> jobs_;  // after api_: its runs call it
  std::unique_ptr<ImapServer> imap_;
  std::unique_ptr<WebApi> web_;
  std::unique_ptr<Notifier> notifier_;  // sweeps run on pool_, which the destructor joins first
  std::mutex operations_mutex_;
  std::map<std::string, std::shared_ptr<std::atomic<bool>>> operations_;  // running calls by operation id
  std::string process_unique_id_;
  std::atomic<std::int64_t> rpc_calls_{0};
  std::atomic<std::int64_t> messages_archived_{0};
  asio::io_context io_;
  asio::thread_pool pool_{8};
  std::unique_ptr<LocalRpcServer> server_;
};

}  // namespace spe::instance
