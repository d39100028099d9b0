#include "instancehost/instance_supervisor.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <filesystem>
#include <cstring>
#include <fstream>
#include <set>

#include "common/password.h"
#include <thread>

#include "common/logging.h"
#include "common/rpc.h"

extern char** environ;

namespace spe::instancehost {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct InstanceSupervisor::Managed {
  InstanceSpec spec;
  std::string status = "stopped";
  int pid = 0;
  std::string error;
  bool safe_mode = false;
  bool frozen = false;
  bool stop_requested = false;
  bool starting = false;  // a start() call owns the process until it is ready
  int exit_status = -1;
  Clock::time_point started_at{};
  std::chrono::milliseconds backoff{0};
  std::shared_ptr<asio::steady_timer> restart_timer;
  std::string last_log;
};

namespace {

std::string describeExit(int st) {
  if (WIFEXITED(st)) return "exit code " + std::to_string(WEXITSTATUS(st));
  if (WIFSIGNALED(st)) {
    const int sig = WTERMSIG(st);
    const char* name = sigabbrev_np(sig);
    return "signal " + std::to_string(sig) + (name ? std::string(" SIG") + name : std::string());
  }
  return "status " + std::to_string(st);
}

std::string seconds(std::chrono::milliseconds ms) { return std::to_string((ms.count() + 999) / 1000) + " s"; }

}  // namespace

InstanceSupervisor::InstanceSupervisor(asio::io_context& io, SupervisorOptions options)
    : io_(io), options_(std::move(options)) {}

InstanceSupervisor::~InstanceSupervisor() {
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
  return options_.runtime_directory + "/" + id + ".sock";
}

InstanceSupervisor::Managed* InstanceSupervisor::find(const std::string& id) {
  auto it = instances_.find(id);
  return it == instances_.end() ? nullptr : it->second.get();
}

// Reads the host key, creating it (mode 600) on first use. Empty on failure.
static std::string loadOrCreateHostKey(const std::string& path) {
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  if (!fs::exists(path)) {
    const std::string hex = randomHex(32);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
      logger("instances")->error("cannot create the host key '{}': {}", path, std::strerror(errno));
      return {};
    }
    const std::string line = hex + "\n";
    const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) {
      logger("instances")->error("cannot write the host key '{}'", path);
      return {};
    }
    logger("instances")->info("created the host key {}", path);
  }
  std::ifstream in(path);
  std::string hex;
  std::getline(in, hex);
  if (hex.size() != 64) {
    logger("instances")->error("the host key '{}' is damaged", path);
    return {};
  }
  return hex;
}

void InstanceSupervisor::begin() {
  std::error_code ec;
  fs::create_directories(options_.runtime_directory, ec);
  ::chmod(options_.runtime_directory.c_str(), 0700);
  host_key_hex_ = loadOrCreateHostKey(options_.host_key_file.empty() ? options_.runtime_directory + "/host.key"
                                                                     : options_.host_key_file);
  sigchld_ = std::make_unique<asio::signal_set>(io_, SIGCHLD);
  reap();
  if (!options_.state_file.empty() && fs::exists(options_.state_file)) {
    auto doc = loadJsonFile(options_.state_file);
    if (doc && doc->is_array()) {
      std::vector<InstanceSpec> specs;
      for (const auto& j : *doc) {
        specs.push_back({j.value("id", ""), j.value("baseDirectory", ""), j.value("startMode", "manual"),
                         j.value("debugLog", false)});
      }
      logger("instances")->info("starting from the cached list of {} instances", specs.size());
      sync(specs);
    }
  }
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
    return;
  }
  m->pid = 0;
  m->frozen = false;
  m->exit_status = st;
  exited_.notify_all();
  if (m->starting) return;  // start() reports it
  if (m->stop_requested || shutting_down_) {
    m->status = "stopped";
    m->error.clear();
    logger("instances")->info("[I{}] stopped ({})", m->spec.id, describeExit(st));
    return;
  }
  m->error = "The instance process exited unexpectedly (" + describeExit(st) + ").";
  logger("instances")->error("[I{}] {}", m->spec.id, m->error);
  if (m->spec.start_mode == "automatic") {
    const bool healthy = Clock::now() - m->started_at >= options_.healthy_after;
    m->backoff = (healthy || m->backoff.count() == 0) ? options_.backoff_initial
                                                       : std::min(m->backoff * 2, options_.backoff_max);
    m->status = "starting";
    m->error += " Restarting in " + seconds(m->backoff) + ".";
    scheduleRestart(m->spec.id, m->backoff);
  } else {
    m->status = "error";
  }
}

void InstanceSupervisor::scheduleRestart(const std::string& id, std::chrono::milliseconds delay) {
  Managed* m = find(id);
  auto timer = std::make_shared<asio::steady_timer>(io_, delay);
  m->restart_timer = timer;
  timer->async_wait([this, id, timer](const ErrorCodeT& ec) {
    if (ec) return;
    asio::post(pool_, [this, id] {
      Status st = start(id, false);
      if (st.ok()) return;
      std::lock_guard lock(mutex_);
      Managed* mm = find(id);
      if (!mm || mm->stop_requested || mm->spec.start_mode != "automatic" || shutting_down_) return;
      mm->backoff = std::min(std::max(mm->backoff * 2, options_.backoff_initial), options_.backoff_max);
      mm->error = st.error().message + " Retrying in " + seconds(mm->backoff) + ".";
      scheduleRestart(id, mm->backoff);
    });
  });
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
      },
      asio::detached);
}

Status InstanceSupervisor::start(const std::string& id, bool safe_mode) {
  InstanceSpec spec;
  {
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
      if (m->status == "stopping") {
        return makeError(ErrorCode::kInvalidArgument, "The instance '" + id + "' is stopping.");
      }
      return okStatus();  // running already
    }
    if (m->restart_timer) m->restart_timer->cancel();
    m->restart_timer.reset();
    m->starting = true;
    m->status = "starting";
    m->error.clear();
    m->stop_requested = false;
    m->exit_status = -1;
    m->last_log.clear();
    spec = m->spec;
  }
  auto fail = [&](const std::string& why) -> Status {
    std::lock_guard lock(mutex_);
    if (Managed* m = find(id)) {
      m->starting = false;
      m->status = "error";
      m->error = why;
    }
    logger("instances")->error("[I{}] {}", id, why);
    return makeError(ErrorCode::kUnavailable, why);
  };

  std::error_code ec;
  fs::create_directories(spec.base_directory, ec);
  if (ec) return fail("Cannot create the base directory '" + spec.base_directory + "': " + ec.message());
  const std::string socket = socketPath(id);
  if (socket.size() >= 100) return fail("The runtime socket path '" + socket + "' is too long.");

  if (host_key_hex_.empty()) return fail("The host key is not available (see the host's log).");
  int out[2], err[2], key[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return fail("Cannot create a pipe.");
  if (::pipe2(err, O_CLOEXEC) != 0) {
    ::close(out[0]);
    ::close(out[1]);
    return fail("Cannot create a pipe.");
  }
  if (::pipe2(key, O_CLOEXEC) != 0) {
    for (int fd : {out[0], out[1], err[0], err[1]}) ::close(fd);
    return fail("Cannot create a pipe.");
  }
  // The key fits in the pipe's buffer: write it now, the instance reads it at start.
  const std::string key_line = host_key_hex_ + "\n";
  const bool key_written = ::write(key[1], key_line.data(), key_line.size()) == static_cast<ssize_t>(key_line.size());
  ::close(key[1]);
  if (!key_written) {
    for (int fd : {out[0], out[1], err[0], err[1], key[0]}) ::close(fd);
    return fail("Cannot hand the host key to the instance.");
  }
  std::vector<std::string> args = {options_.instance_binary, "--id", id, "--base-directory", spec.base_directory,
                                   "--socket", socket, "--log-level", spec.debug_log ? "debug" : "info",
                                   "--key-fd", "3"};
  if (safe_mode) args.emplace_back("--safe-mode");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err[1], 2);
  posix_spawn_file_actions_adddup2(&fa, key[0], 3);
  posix_spawn_file_actions_addclosefrom_np(&fa, 4);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, options_.instance_binary.c_str(), &fa, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  ::close(out[1]);
  ::close(err[1]);
  ::close(key[0]);
  if (rc != 0) {
    ::close(out[0]);
    ::close(err[0]);
    return fail("Cannot start '" + options_.instance_binary + "': " + std::strerror(rc));
  }
  {
    std::lock_guard lock(mutex_);
    Managed* m = find(id);
    m->pid = pid;
    if (shutting_down_) {
      // stopAll() ran while this process was being started and did not
      // know it: it must not outlive the host.
      m->stop_requested = true;
      m->status = "stopping";
      ::kill(pid, SIGTERM);
    }
    auto orphan = orphan_exits_.find(pid);
    if (orphan != orphan_exits_.end()) {
      m->pid = 0;
      m->exit_status = orphan->second;
      orphan_exits_.erase(orphan);
    }
  }
  asio::post(io_, [this, id, fd = err[0]] { readLogs(id, fd); });

  // Wait for "READY <pid>\n" on stdout.
  std::string line;
  bool ready = false, timed_out = false;
  const auto deadline = Clock::now() + options_.ready_timeout;
  while (!ready) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{out[0], POLLIN, 0};
    const int n = ::poll(&p, 1, static_cast<int>(left));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) continue;
    char buf[256];
    const ssize_t got = ::read(out[0], buf, sizeof buf);
    if (got <= 0) break;  // the process closed stdout: it exited
    line.append(buf, static_cast<std::size_t>(got));
    if (line.find('\n') != std::string::npos) ready = line.rfind("READY", 0) == 0;
    if (line.find('\n') != std::string::npos && !ready) break;
  }
  ::close(out[0]);
  if (!ready) {
    std::unique_lock lock(mutex_);
    Managed* m = find(id);
    if (m->pid != 0) {
      ::kill(m->pid, SIGKILL);
      exited_.wait_for(lock, std::chrono::seconds(5), [m] { return m->pid == 0; });
    }
    std::string why = timed_out ? "did not report ready within " + seconds(options_.ready_timeout)
                                : "exited during start-up" +
                                      (m->exit_status >= 0 ? " (" + describeExit(m->exit_status) + ")" : std::string());
    // The last line it logged usually says why.
    const std::string last = m->last_log;
    lock.unlock();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let the log reader catch the last line
    lock.lock();
    const std::string detail = m->last_log.empty() ? last : m->last_log;
    lock.unlock();
    return fail("The instance process " + why + (detail.empty() ? "." : ": " + detail));
  }
  std::lock_guard lock(mutex_);
  Managed* m = find(id);
  m->starting = false;
  if (m->pid == 0) {
    m->status = "error";
    m->error = "The instance process exited right after start-up.";
    return makeError(ErrorCode::kUnavailable, m->error);
  }
  m->status = "running";
  m->started_at = Clock::now();
  m->safe_mode = safe_mode;
  m->frozen = false;
  logger("instances")->info("[I{}] running, pid {}{}", id, pid, safe_mode ? ", safe mode" : "");
  return okStatus();
}

Status InstanceSupervisor::stop(const std::string& id) {
  std::unique_lock lock(mutex_);
  Managed* m = find(id);
  if (!m) return makeError(ErrorCode::kNotFound, "The Instance Host does not know the instance '" + id + "'.");
  if (m->restart_timer) m->restart_timer->cancel();
  m->restart_timer.reset();
  m->stop_requested = true;
  if (m->pid == 0) {
    if (!m->starting) {
      m->status = "stopped";
      m->error.clear();
    }
    return okStatus();
  }
  m->status = "stopping";
  const int pid = m->pid;
  ::kill(pid, SIGTERM);
  if (!exited_.wait_for(lock, options_.stop_timeout, [m, pid] { return m->pid != pid; })) {
    logger("instances")->warn("[I{}] did not stop within {}; killing it", id, seconds(options_.stop_timeout));
    ::kill(pid, SIGKILL);
    exited_.wait_for(lock, std::chrono::seconds(5), [m, pid] { return m->pid != pid; });
  }
  if (m->pid == pid) return makeError(ErrorCode::kTimeout, "The instance '" + id + "' could not be stopped.");
  m->status = "stopped";
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
  if (m->status != "running" && m->status != "stopping") {
    return makeError(ErrorCode::kUnavailable, "The instance '" + id + "' is not running (status: " + m->status + ").");
  }
  return socketPath(id);
}

Result<Json> InstanceSupervisor::call(const std::string& id, const std::string& method, const Json& params,
                                      std::chrono::milliseconds timeout,
                                      const std::function<void(int, const std::string&)>& progress) {
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

Json InstanceSupervisor::status() const {
  std::lock_guard lock(mutex_);
  Json out = Json::array();
  for (const auto& [id, m] : instances_) {
    // Plainly stopped instances are left out: "stopped" is the default.
    if (m->status == "stopped" && m->error.empty() && m->pid == 0) continue;
    Json s = Json::object();
    s["instanceID"] = id;
    s["processID"] = m->pid ? Json(m->pid) : Json();
    s["status"] = m->status;
    s["startStopError"] = m->error.empty() ? Json() : Json(m->error);
    s["safeMode"] = m->pid ? m->safe_mode : false;
    s["frozen"] = m->frozen;
    out.push_back(std::move(s));
  }
  return out;
}

int InstanceSupervisor::runningCount() const {
  std::lock_guard lock(mutex_);
  int n = 0;
  for (const auto& [id, m] : instances_) n += m->status == "running" ? 1 : 0;
  return n;
}

int InstanceSupervisor::knownCount() const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(instances_.size());
}

void InstanceSupervisor::sync(const std::vector<InstanceSpec>& specs) {
  bool first = false;
  {
    std::lock_guard lock(mutex_);
    std::set<std::string> wanted;
    for (const auto& s : specs) {
      if (s.id.empty()) continue;
      wanted.insert(s.id);
      if (Managed* m = find(s.id)) {
        m->spec = s;
      } else {
        auto m2 = std::make_unique<Managed>();
        m2->spec = s;
        instances_[s.id] = std::move(m2);
      }
    }
    for (auto it = instances_.begin(); it != instances_.end();) {
      if (!wanted.count(it->first) && it->second->pid == 0 && !it->second->starting) it = instances_.erase(it);
      else ++it;
    }
    first = !autostarted_;
    autostarted_ = true;
  }
  saveState();
  if (first) autostart();
}

void InstanceSupervisor::autostart() {
  std::vector<std::string> ids;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, m] : instances_) {
      if (m->spec.start_mode == "automatic" && m->pid == 0 && !m->starting) ids.push_back(id);
    }
  }
  for (const auto& id : ids) {
    asio::post(pool_, [this, id] { (void)start(id, false); });
  }
}

void InstanceSupervisor::saveState() {
  if (options_.state_file.empty()) return;
  Json list = Json::array();
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, m] : instances_) {
      list.push_back({{"id", id}, {"baseDirectory", m->spec.base_directory}, {"startMode", m->spec.start_mode},
                      {"debugLog", m->spec.debug_log}});
    }
  }
  const std::string tmp = options_.state_file + ".tmp";
  {
    std::ofstream f(tmp, std::ios::trunc);
    f << list.dump(1);
    if (!f.flush()) return;
  }
  std::error_code ec;
  fs::rename(tmp, options_.state_file, ec);
}

void InstanceSupervisor::stopAll() {
  std::vector<int> pids;
  {
    std::lock_guard lock(mutex_);
    shutting_down_ = true;
    for (auto& [id, m] : instances_) {
      if (m->restart_timer) m->restart_timer->cancel();
      if (m->pid) {
        m->stop_requested = true;
        m->status = "stopping";
        ::kill(m->pid, SIGTERM);
        pids.push_back(m->pid);
      }
    }
  }
  if (pids.empty()) return;
  logger("instances")->info("stopping {} instances", pids.size());
  // The io_context may no longer run: reap here.
  const auto deadline = Clock::now() + options_.stop_timeout;
  auto reapSome = [&] {
    for (auto it = pids.begin(); it != pids.end();) {
      int st = 0;
      const int r = ::waitpid(*it, &st, WNOHANG);
      if (r == *it) {
        onChildExit(*it, st);
        it = pids.erase(it);
      } else if (r < 0 && errno == ECHILD) {
        it = pids.erase(it);  // already reaped by the SIGCHLD handler
      } else {
        ++it;
      }
    }
  };
  while (!pids.empty() && Clock::now() < deadline) {
    reapSome();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (int pid : pids) ::kill(pid, SIGKILL);
  const auto kill_deadline = Clock::now() + std::chrono::seconds(5);
  while (!pids.empty() && Clock::now() < kill_deadline) {
    reapSome();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace spe::instancehost
