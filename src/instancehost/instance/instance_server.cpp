#include "instancehost/instance/instance_server.h"

#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <filesystem>

#include "common/firebird_db.h"
#include "common/logging.h"
#include "common/password.h"
#include "instancehost/instance/process_stats.h"

namespace spe::instance {
namespace fs = std::filesystem;

namespace {

std::string newGuid() {
  std::string h = randomHex(16);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

std::int64_t sizeOf(const fs::path& p) {
  std::error_code ec;
  if (fs::is_regular_file(p, ec)) return static_cast<std::int64_t>(fs::file_size(p, ec));
  std::int64_t total = 0;
  if (!fs::is_directory(p, ec)) return 0;
  for (fs::recursive_directory_iterator it(p, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code fec;
    if (it->is_regular_file(fec)) total += static_cast<std::int64_t>(it->file_size(fec));
  }
  return total;
}

double mb(std::int64_t bytes) { return static_cast<double>(bytes) / (1024.0 * 1024.0); }

}  // namespace

InstanceServer::InstanceServer(const InstanceOptions& options)
    : options_(options), process_unique_id_(newGuid()) {}

InstanceServer::~InstanceServer() { pool_.join(); }

Result<std::unique_ptr<InstanceServer>> InstanceServer::open(const InstanceOptions& options) {
  std::unique_ptr<InstanceServer> s(new InstanceServer(options));
  std::error_code ec;
  fs::create_directories(fs::path(options.base_directory) / "Data", ec);
  if (ec) {
    return makeError(ErrorCode::kIo, "Cannot create '" + options.base_directory + "/Data': " + ec.message());
  }
  SPE_TRY(setFirebirdLockDirectory(options.base_directory + "/.fblock"));
  auto db = InstanceMasterDb::open(options.base_directory + "/MailStoreMaster.fdb");
  if (!db) return db.error();
  s->db_ = std::move(db.value());
  return s;
}

Status InstanceServer::listen() {
  server_ = std::make_unique<LocalRpcServer>(io_, pool_, [this](const RpcRequest& r) { return handle(r); },
                                             "instance socket");
  return server_->listen(options_.socket_path);
}

void InstanceServer::run() {
  asio::signal_set signals(io_, SIGINT, SIGTERM);
  signals.async_wait([this](const ErrorCodeT& ec, int) {
    if (!ec) stop();
  });
  io_.run();
  // Let writes under way finish before the process ends.
  if (!gate_.freeze(options_.drain_timeout)) {
    logger("instance")->warn("{} writes still running after the drain deadline", gate_.writesInProgress());
  }
  logger("instance")->info("stopped");
}

void InstanceServer::stop() {
  if (server_) server_->stop();
  io_.stop();
}

Json InstanceServer::statistics() const {
  const fs::path data = fs::path(options_.base_directory) / "Data";
  std::int64_t db = 0, content = 0, index = 0;
  std::error_code ec;
  for (fs::directory_iterator it(data, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_directory()) continue;
    db += sizeOf(it->path() / "MailStoreFileGroup.fdb");
    content += sizeOf(it->path() / "Content");
    index += sizeOf(it->path() / "Index");
  }
  return Json{{"totalSizeMB", mb(db + content + index)},
              {"databaseFileSizeMB", mb(db)},
              {"contentFileSizeMB", mb(content)},
              {"indexFileSizeMB", mb(index)},
              {"numberOfMessages", 0}};
}

Json InstanceServer::liveStatistics() const {
  const ProcessStats p = readProcessStats();
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
              {"totalMessagesArchived", 0},
              {"totalMessagesChecked", 0},
              {"currentPrivateMemoryBytes", p.private_memory_bytes}};
}

Result<Json> InstanceServer::handle(const RpcRequest& r) {
  ++rpc_calls_;
  const Json& p = r.params;
  if (r.method == "ping") {
    return Json{{"instanceID", options_.instance_id}, {"processID", ::getpid()}, {"safeMode", options_.safe_mode},
                {"frozen", gate_.frozen()}, {"processUniqueID", process_unique_id_}};
  }
  if (r.method == "statistics") return statistics();
  if (r.method == "liveStatistics") return liveStatistics();
  if (r.method == "freeze") {
    const auto timeout = std::chrono::milliseconds(p.value("timeoutMilliseconds", 60000));
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
    SPE_TRY(db_->audit(p.value("userName", "$system"), p.value("event", ""), p.value("details", "")));
    return Json();
  }
  if (r.method == "auditLog") return db_->auditLog(static_cast<int>(p.value("limit", 100)));
  return makeError(ErrorCode::kNotSupported, "The instance has no method '" + r.method + "'.");
}

}  // namespace spe::instance
