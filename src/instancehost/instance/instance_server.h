// InstanceServer: the spe-instance process of one customer instance.
//
// Opens (creating) <base>/MailStoreMaster.fdb and <base>/Data, then serves
// its Instance Host over a Unix socket in the host's runtime directory. It
// never listens on a network port. On SIGTERM it stops taking requests,
// lets running writes finish (up to the drain deadline) and exits.
// Thread safety: handle() may run on several pool threads at once.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "common/asio.h"
#include "common/rpc.h"
#include "instancehost/instance/master_db.h"
#include "instancehost/instance/write_gate.h"

namespace spe::instance {

struct InstanceOptions {
  std::string instance_id;
  std::string base_directory;
  std::string socket_path;
  std::string log_level = "info";
  bool safe_mode = false;
  std::chrono::milliseconds drain_timeout{8000};
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
  Json statistics() const;
  Json liveStatistics() const;

  InstanceOptions options_;
  std::unique_ptr<InstanceMasterDb> db_;
  WriteGate gate_;
  std::string process_unique_id_;
  std::atomic<std::int64_t> rpc_calls_{0};
  asio::io_context io_;
  asio::thread_pool pool_{2};
  std::unique_ptr<LocalRpcServer> server_;
};

}  // namespace spe::instance
