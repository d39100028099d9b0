#include "instancehost/instance_supervisor.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/streambuf.hpp>
#include <cstring>
#include <filesystem>
#include <optional>
#include <set>

#include "common/base/logging.h"
#include "common/rpc/rpc.h"
#include "instancehost/instance_list_file.h"
#include "instancehost/instance_process.h"
#include "instancehost/instance_setup.h"
#include "instancehost/instance_supervisor_managed.h"
#include "instancehost/instance_users.h"
#include "instancehost/on_demand.h"

extern char** environ;

namespace spe::instancehost {
namespace fs = std::filesystem;

const char* stateName(InstanceState state) {
  switch (state) {
    case InstanceState::kStopped: return "stopped";
    case InstanceState::kStarting: return "starting";
    case InstanceState::kRunning: return "running";
    case InstanceState::kStopping: return "stopping";
    case InstanceState::kError: return "error";
  }
  return "error";
}

namespace {

std::string seconds(std::chrono::milliseconds ms) { return std::to_string((ms.count() + 999) / 1000) + " s"; }

}  // namespace

InstanceSupervisor::InstanceSupervisor(asio::io_context& io, SupervisorOptions options, Clock& clock)
    : io_(io), options_(std::move(options)), clock_(clock) {
  makeListFileAndOnDemand();
}

InstanceSupervisor::~InstanceSupervisor() {
  {
    // No restart after this (a timer's call only posts to the pool; one
    // under way ends before its timer goes).
    std::lock_guard lock(mutex_);
    shutting_down_ = true;
    for (auto& [id, m] : instances_) m->restart_timer.reset();
  }
  pool_.stop();
  pool_.join();
}

std::map<std::string, Status> InstanceSupervisor::forEach(const std::vector<std::string>& ids,
                                                          const std::function<Status(const std::string&)>& op) {
  std::map<std::string, Status> out;
  std::mutex m;
  std::condition_variable done;
  std::size_t left = ids.size();
  for (const auto& id : ids) {
    asio::post(pool_, [&, id] {
      Status st = op(id);
      std::lock_guard lock(m);
      out[id] = st;
      if (--left == 0) done.notify_all();
    });
  }
  std::unique_lock lock(m);
  done.wait(lock, [&] { return left == 0; });
  return out;
}

std::string InstanceSupervisor::socketPath(const std::string& id) const {
  // A directory per instance: the instance's user may create its socket
  // there and nowhere else in the runtime directory.
  return options_.runtime_directory + "/" + id + "/instance.sock";
}

InstanceSupervisor::Managed* InstanceSupervisor::find(const std::string& id) {
  auto it = instances_.find(id);
  return it == instances_.end() ? nullptr : it->second.get();
}

void InstanceSupervisor::begin() {
  std::error_code ec;
  fs::create_directories(options_.runtime_directory, ec);
  // With a user per instance, they must pass through (not list) the runtime
  // directory and the host's data directory above it to reach their own
  // socket directory; the host's key and TLS key keep their own modes.
  ::chmod(options_.runtime_directory.c_str(), options_.user_per_instance ? 0711 : 0700);
  if (options_.user_per_instance) {
    const fs::path data = fs::absolute(options_.runtime_directory).lexically_normal().parent_path();
    struct stat st {};
    if (::stat(data.c_str(), &st) == 0 && (st.st_mode & S_IXOTH) == 0) {
      ::chmod(data.c_str(), (st.st_mode & 07777) | S_IXGRP | S_IXOTH);
    }
  }
  if (const auto leftovers = findLeftoverInstances(options_.runtime_directory); !leftovers.empty()) {
    std::string list;
    for (int pid : leftovers) list += (list.empty() ? "" : ", ") + std::to_string(pid);
    logger("instances")
        ->warn("ending {} instance processes left over from an earlier run of this host (pid {})", leftovers.size(),
               list);
    endLeftoverInstances(leftovers, options_.stop_timeout);
  }
  {
    std::string key = loadOrCreateHostKey(options_.host_key_file.empty() ? options_.runtime_directory + "/host.key"
                                                                         : options_.host_key_file);
    std::lock_guard lock(mutex_);
    host_key_hex_ = std::move(key);
  }
  sigchld_ = std::make_unique<asio::signal_set>(io_, SIGCHLD);
  reap();
  if (auto specs = loadInstanceList(options_.state_file)) {
    logger("instances")->info("starting from the cached list of {} instances", specs->size());
    sync(*specs);
  }
  on_demand_->begin();
}

void InstanceSupervisor::reap() {
  sigchld_->async_wait([this](const ErrorCodeT& ec, int) {
    if (ec) return;
    int st = 0;
    for (int pid; (pid = ::waitpid(-1, &st, WNOHANG)) > 0;) onChildExit(pid, st);
    reap();
  });
}

void InstanceSupervisor::onChildExit(int pid, int st) {
  std::lock_guard lock(mutex_);
  Managed* m = nullptr;
  for (auto& [id, inst] : instances_) {
    if (inst->pid == pid) m = inst.get();
  }
  if (!m) {
    orphan_exits_[pid] = st;
    exited_.notify_all();
    return;
  }
  m->pid = 0;
  m->frozen = false;
  m->exit_status = st;
  exited_.notify_all();
  if (m->starting) return;  // start() reports it
  if (m->stop_requested || shutting_down_) {
    m->state = InstanceState::kStopped;
    m->error.clear();
    logger("instances")->info("[I{}] stopped ({})", m->spec.id, describeExit(st));
    return;
  }
  m->error = "The instance process exited unexpectedly (" + describeExit(st) + ").";
  logger("instances")->error("[I{}] {}", m->spec.id, m->error);
  if (m->spec.start_mode == "automatic") {
    const bool healthy = clock_.now() - m->started_at >= options_.healthy_after;
    m->backoff = (healthy || m->backoff.count() == 0) ? options_.backoff_initial
                                                      : std::min(m->backoff * 2, options_.backoff_max);
    m->state = InstanceState::kStarting;
    m->error += " Restarting in " + seconds(m->backoff) + ".";
    scheduleRestart(m->spec.id, m->backoff);
  } else {
    m->state = InstanceState::kError;
  }
}

// With mutex_ held. The timer's call only hands the start to the pool: it
// runs on the clock's thread, and an instance process must be started by a
// thread that lives as long as it should (PR_SET_PDEATHSIG).
void InstanceSupervisor::scheduleRestart(const std::string& id, std::chrono::milliseconds delay) {
  Managed* m = find(id);
  m->restart_timer = clock_.schedule(delay, [this, id] { asio::post(pool_, [this, id] { restartAfterBackoff(id); }); });
}

void InstanceSupervisor::restartAfterBackoff(const std::string& id) {
  Status st = start(id, false);
  if (st.ok()) return;
  std::lock_guard lock(mutex_);
  Managed* m = find(id);
  if (!m || m->stop_requested || m->spec.start_mode != "automatic" || shutting_down_) return;
  m->backoff = std::min(std::max(m->backoff * 2, options_.backoff_initial), options_.backoff_max);
  m->error = st.error().message + " Retrying in " + seconds(m->backoff) + ".";
  scheduleRestart(id, m->backoff);
}

void InstanceSupervisor::readLogs(const std::string& id, int fd) {
  auto sd = std::make_shared<asio::posix::stream_descriptor>(io_, fd);
  asio::co_spawn(
      io_,
      [this, sd, id]() -> asio::awaitable<void> {
        asio::streambuf buf(64 * 1024);
        for (;;) {
          ErrorCodeT ec;
          co_await asio::async_read_until(*sd, buf, '\n', asio::redirect_error(asio::use_awaitable, ec));
          if (ec && buf.size() == 0) break;
          std::istream in(&buf);
          std::string line;
          std::getline(in, line);
          if (line.empty() && ec) break;
          logger("instances")->info("[I{}] {}", id, line);
          std::lock_guard lock(mutex_);
          if (Managed* m = find(id)) m->last_log = line;
        }
        std::lock_guard lock(mutex_);
        if (Managed* m = find(id)) m->log_open = false;
        exited_.notify_all();
      },
      asio::detached);
}

bool InstanceSupervisor::waitUntil(std::unique_lock<std::mutex>& lock, Clock::Duration limit,
                                   const std::function<bool()>& done) {
  if (done()) return true;
  auto expired = std::make_shared<bool>(false);
  auto timer = clock_.schedule(limit, [this, expired] {
    std::lock_guard l(mutex_);
    *expired = true;
    exited_.notify_all();
  });
  // Also bounded in real time: these waits are for real processes (an exit
  // reaped by the io_context's SIGCHLD handler), so a test's fake clock that
  // never advances, or an io_context already stopped, cannot hang them.
  exited_.wait_for(lock, limit, [&] { return *expired || done(); });
  const bool ok = done();
  lock.unlock();  // the timer's call takes the lock: cancel it without
  timer.reset();
  lock.lock();
  return ok;
}

void InstanceSupervisor::forgetOrphan(int pid) {
  std::unique_lock lock(mutex_);
  int st = 0;
  if (::waitpid(pid, &st, WNOHANG) != pid) {
    waitUntil(lock, std::chrono::seconds(5), [&] { return orphan_exits_.count(pid) > 0; });
  }
  orphan_exits_.erase(pid);
}

Result<int> InstanceSupervisor::runProgram(const std::vector<std::string>& args) {
  std::vector<std::string> copy = args;
  std::vector<char*> argv;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addclosefrom_np(&fa, 3);
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return makeError(ErrorCode::kIo, "Cannot run '" + args[0] + "': " + std::strerror(rc));
  std::optional<int> status;
  const auto left = awaitExits({pid}, clock_, std::chrono::seconds(60), [&](int, int st) { status = st; });
  if (!left.empty()) {
    ::kill(pid, SIGKILL);
    return makeError(ErrorCode::kTimeout, "'" + args[0] + "' did not finish within 60 s.");
  }
  if (status) return *status;
  // The SIGCHLD handler reaped it first: it files the exit under orphan_exits_.
  std::unique_lock lock(mutex_);
  waitUntil(lock, std::chrono::seconds(5), [&] { return orphan_exits_.count(pid) > 0; });
  auto it = orphan_exits_.find(pid);
  if (it == orphan_exits_.end()) return makeError(ErrorCode::kIo, "The exit of '" + args[0] + "' was lost.");
  const int st = it->second;
  orphan_exits_.erase(it);
  return st;
}

Result<bool> InstanceSupervisor::claimStart(const std::string& id, InstanceSpec& spec) {
  std::lock_guard lock(mutex_);
  Managed* m = find(id);
  if (!m) return makeError(ErrorCode::kNotFound, "The Instance Host does not know the instance '" + id + "'.");
  if (shutting_down_) return makeError(ErrorCode::kUnavailable, "The Instance Host is shutting down.");
  if (m->spec.start_mode == "disabled") {
    return makeError(ErrorCode::kInvalidArgument,
                     "The instance '" + id + "' has the start mode 'disabled' and cannot be started.");
  }
  if (m->starting) return makeError(ErrorCode::kInvalidArgument, "The instance '" + id + "' is already starting.");
  if (m->pid != 0) {
    if (m->state == InstanceState::kStopping) {
      return makeError(ErrorCode::kInvalidArgument, "The instance '" + id + "' is stopping.");
    }
    return false;  // running already
  }
  m->restart_timer.reset();
  m->starting = true;
  m->state = InstanceState::kStarting;
  m->error.clear();
  m->stop_requested = false;
  m->exit_status = -1;
  m->last_log.clear();
  spec = m->spec;
  return true;
}

Status InstanceSupervisor::failStart(const std::string& id, const std::string& why) {
  std::lock_guard lock(mutex_);
  if (Managed* m = find(id)) {
    m->starting = false;
    m->state = InstanceState::kError;
    m->error = why;
  }
  logger("instances")->error("[I{}] {}", id, why);
  return makeError(ErrorCode::kUnavailable, why);
}

Status InstanceSupervisor::start(const std::string& id, bool safe_mode) {
  if (start_guard_) SPE_TRY(start_guard_(id));  // e.g. being moved to another host
  InstanceSpec spec;
  auto claimed = claimStart(id, spec);
  if (!claimed) return claimed.error();
  if (!*claimed) return okStatus();
  LaunchOptions launch;
  launch.argv = {options_.instance_binary,
                 "--id",
                 id,
                 "--base-directory",
                 spec.base_directory,
                 "--socket",
                 socketPath(id),
                 "--log-level",
                 spec.debug_log ? "debug" : "info",
                 "--key-fd",
                 "3"};
  if (safe_mode) launch.argv.emplace_back("--safe-mode");
  auto run = [this](const std::vector<std::string>& argv) { return runProgram(argv); };
  if (auto st = prepareInstance(spec, options_, socketPath(id), run, useradd_mutex_, launch); !st) {
    return failStart(id, st.error().message);
  }
  if (host_key_hex_.empty()) return failStart(id, "The host key is not available (see the host's log).");
  launch.host_key_hex = host_key_hex_;
  int failed_child = 0;
  auto process = InstanceProcess::spawn(launch, failed_child);
  if (!process) {
    if (failed_child) forgetOrphan(failed_child);  // its exit is reaped by the SIGCHLD handler (or here)
    return failStart(id, process.error().message);
  }
  const int pid = (*process)->pid();
  {
    std::lock_guard lock(mutex_);
    Managed* m = find(id);
    m->pid = pid;
    m->log_open = true;
    if (shutting_down_) {
      // stopAll() ran while this process was being started and did not
      // know it: it must not outlive the host.
      m->stop_requested = true;
      m->state = InstanceState::kStopping;
      ::kill(pid, SIGTERM);
    }
    auto orphan = orphan_exits_.find(pid);
    if (orphan != orphan_exits_.end()) {
      m->pid = 0;
      m->exit_status = orphan->second;
      orphan_exits_.erase(orphan);
    }
  }
  asio::post(io_, [this, id, fd = (*process)->takeLogPipe()] { readLogs(id, fd); });
  const auto ready = (*process)->awaitReady(clock_, options_.ready_timeout);
  if (ready != InstanceProcess::Ready::kReady) {
    return failStart(id, "The instance process " + whyNotReady(id, ready == InstanceProcess::Ready::kTimedOut));
  }
  return markRunning(id, pid, safe_mode);
}

// Kills a process that did not become ready, waits for its exit and its
// last log line (which usually says why), and says why.
std::string InstanceSupervisor::whyNotReady(const std::string& id, bool timed_out) {
  std::unique_lock lock(mutex_);
  Managed* m = find(id);
  if (m->pid != 0) {
    ::kill(m->pid, SIGKILL);
    waitUntil(lock, std::chrono::seconds(5), [m] { return m->pid == 0; });
  }
  // Dead, its stderr is closed: the reader reaches the end soon.
  waitUntil(lock, std::chrono::seconds(1), [m] { return !m->log_open; });
  const std::string why = timed_out
                              ? "did not report ready within " + seconds(options_.ready_timeout)
                              : "exited during start-up" +
                                    (m->exit_status >= 0 ? " (" + describeExit(m->exit_status) + ")" : std::string());
  return why + (m->last_log.empty() ? "." : ": " + m->last_log);
}

Status InstanceSupervisor::markRunning(const std::string& id, int pid, bool safe_mode) {
  std::lock_guard lock(mutex_);
  Managed* m = find(id);
  m->starting = false;
  if (m->pid == 0) {
    m->state = InstanceState::kError;
    m->error = "The instance process exited right after start-up.";
    return makeError(ErrorCode::kUnavailable, m->error);
  }
  m->state = InstanceState::kRunning;
  m->started_at = clock_.now();
  m->safe_mode = safe_mode;
  m->frozen = false;
  logger("instances")->info("[I{}] running, pid {}{}", id, pid, safe_mode ? ", safe mode" : "");
  return okStatus();
}

Status InstanceSupervisor::stop(const std::string& id) {
  std::unique_lock lock(mutex_);
  Managed* m = find(id);
  if (!m) return makeError(ErrorCode::kNotFound, "The Instance Host does not know the instance '" + id + "'.");
  m->restart_timer.reset();
  m->stop_requested = true;
  if (m->pid == 0) {
    if (!m->starting) {
      m->state = InstanceState::kStopped;
      m->error.clear();
    }
    return okStatus();
  }
  m->state = InstanceState::kStopping;
  const int pid = m->pid;
  ::kill(pid, SIGTERM);
  if (!waitUntil(lock, options_.stop_timeout, [m, pid] { return m->pid != pid; })) {
    logger("instances")->warn("[I{}] did not stop within {}; killing it", id, seconds(options_.stop_timeout));
    ::kill(pid, SIGKILL);
    waitUntil(lock, std::chrono::seconds(5), [m, pid] { return m->pid != pid; });
  }
  if (m->pid == pid) return makeError(ErrorCode::kTimeout, "The instance '" + id + "' could not be stopped.");
  m->state = InstanceState::kStopped;
  m->error.clear();
  return okStatus();
}

Status InstanceSupervisor::restart(const std::string& id, bool safe_mode) {
  SPE_TRY(stop(id));
  return start(id, safe_mode);
}

Result<std::string> InstanceSupervisor::socketOfRunning(const std::string& id) {
  std::lock_guard lock(mutex_);
  Managed* m = find(id);
  if (!m) return makeError(ErrorCode::kNotFound, "The Instance Host does not know the instance '" + id + "'.");
  if (m->state != InstanceState::kRunning && m->state != InstanceState::kStopping) {
    // Stopped (or ended with an error and not restarting): nothing will start it but an administrator.
    const bool stopped = m->state == InstanceState::kStopped || m->state == InstanceState::kError;
    return makeError(ErrorCode::kUnavailable,
                     "The instance '" + id + "' is not running (status: " + stateName(m->state) + ").",
                     stopped ? kArchiveStopped : "");
  }
  return socketPath(id);
}

Result<Json> InstanceSupervisor::call(const std::string& id, const std::string& method, const Json& params,
                                      std::chrono::milliseconds timeout,
                                      const std::function<void(int, const std::string&)>& progress) {
  std::shared_ptr<void> in_use;
  // Reads of figures (the host's metrics and idle checks, the Management
  // Server's hourly statistics) neither start an on-demand instance nor keep it running.
  if (method != "metrics" && method != "activity" && method != "statistics") {
    in_use = on_demand_->use(id);
    SPE_TRY(on_demand_->wake(id));
  }
  auto socket = socketOfRunning(id);
  if (!socket) return socket.error();
  return LocalRpcClient(*socket).call(method, params, timeout, progress);
}

Status InstanceSupervisor::freeze(const std::string& id) {
  auto r = call(id, "freeze", Json{{"timeoutMilliseconds", 60000}}, std::chrono::seconds(70));
  if (!r) return r.error();
  std::lock_guard lock(mutex_);
  if (Managed* m = find(id)) m->frozen = true;
  return okStatus();
}

Status InstanceSupervisor::thaw(const std::string& id) {
  auto r = call(id, "thaw", Json::object(), std::chrono::seconds(10));
  if (!r) return r.error();
  std::lock_guard lock(mutex_);
  if (Managed* m = find(id)) m->frozen = false;
  return okStatus();
}

void InstanceSupervisor::stopAll() {
  list_file_->flush();
  std::vector<int> pids;
  {
    std::lock_guard lock(mutex_);
    shutting_down_ = true;
    for (auto& [id, m] : instances_) {
      m->restart_timer.reset();
      if (m->pid) {
        m->stop_requested = true;
        m->state = InstanceState::kStopping;
        ::kill(m->pid, SIGTERM);
        pids.push_back(m->pid);
      }
    }
  }
  if (pids.empty()) return;
  logger("instances")->info("stopping {} instances", pids.size());
  // The io_context may no longer run: reap here (what the SIGCHLD handler
  // reaps first just leaves the list).
  auto reaped = [this](int pid, int st) { onChildExit(pid, st); };
  pids = awaitExits(std::move(pids), clock_, options_.stop_timeout, reaped);
  for (int pid : pids) ::kill(pid, SIGKILL);
  if (!pids.empty()) awaitExits(std::move(pids), clock_, std::chrono::seconds(5), reaped);
}

}  // namespace spe::instancehost
