#include "instancehost/instance_supervisor.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <grp.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <algorithm>
#include <filesystem>
#include <cstring>
#include <fstream>
#include <optional>
#include <set>

#include "common/base/password.h"
#include <thread>

#include "common/base/logging.h"
#include "common/rpc/rpc.h"
#include "instancehost/instance_users.h"

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
  // A directory per instance: the instance's user may create its socket
  // there and nowhere else in the runtime directory.
  return options_.runtime_directory + "/" + id + "/instance.sock";
}

InstanceSupervisor::Managed* InstanceSupervisor::find(const std::string& id) {
  auto it = instances_.find(id);
  return it == instances_.end() ? nullptr : it->second.get();
}

// Reads the host key, creating it (mode 600) on first use. Empty on failure.
static std::string loadOrCreateHostKey(const std::string& path) {
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  ::chmod(fs::path(path).parent_path().c_str(), 0700);
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
    logger("instances")->warn("ending {} instance processes left over from an earlier run of this host (pid {})",
                              leftovers.size(), list);
    endLeftoverInstances(leftovers, options_.stop_timeout);
  }
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
    exited_.notify_all();
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
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  std::unique_lock lock(mutex_);
  for (;;) {
    if (auto it = orphan_exits_.find(pid); it != orphan_exits_.end()) {
      const int st = it->second;
      orphan_exits_.erase(it);
      return st;
    }
    int st = 0;
    if (::waitpid(pid, &st, WNOHANG) == pid) return st;
    // Either still running or reaped by the SIGCHLD handler, which then
    // files it under orphan_exits_ and notifies.
    if (Clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      return makeError(ErrorCode::kTimeout, "'" + args[0] + "' did not finish within 60 s.");
    }
    exited_.wait_for(lock, std::chrono::milliseconds(20));
  }
}

Status InstanceSupervisor::prepareInstance(const InstanceSpec& spec, std::vector<std::string>& args, int& uid,
                                           int& gid) {
  const std::string& id = spec.id;
  if (options_.user_per_instance ? !isValidInstanceId(id)
                                 : (id.empty() || id[0] == '.' || id.find('/') != std::string::npos)) {
    return makeError(ErrorCode::kInvalidArgument, "'" + id + "' is not a valid instance ID.");
  }
  std::optional<InstanceUser> user;
  if (options_.user_per_instance) {
    std::lock_guard lock(useradd_mutex_);
    auto u = ensureInstanceUser(id, [this](const std::vector<std::string>& a) { return runProgram(a); });
    if (!u) return u.error();
    user = *u;
    uid = static_cast<int>(u->uid);
    gid = static_cast<int>(u->gid);
  }
  // Base directory: the instance's own, mode 700 (and nothing else of the
  // host's is writable to its user).
  std::error_code ec;
  fs::create_directories(spec.base_directory, ec);
  if (ec) {
    return makeError(ErrorCode::kIo, "Cannot create the base directory '" + spec.base_directory + "': " + ec.message());
  }
  ::chmod(spec.base_directory.c_str(), 0700);
  // Runtime directory for the socket.
  const std::string socket = socketPath(id);
  if (socket.size() >= 100) {
    return makeError(ErrorCode::kInvalidArgument, "The runtime socket path '" + socket + "' is too long.");
  }
  const std::string run_dir = fs::path(socket).parent_path().string();
  fs::create_directories(run_dir, ec);
  if (ec) return makeError(ErrorCode::kIo, "Cannot create '" + run_dir + "': " + ec.message());
  ::chmod(run_dir.c_str(), 0700);
  // Import directory: readable, not writable, by the instance's user.
  std::string import_dir;
  if (!options_.import_directory.empty()) {
    import_dir = options_.import_directory + "/" + id;
    fs::create_directories(import_dir, ec);
    if (ec) return makeError(ErrorCode::kIo, "Cannot create the import directory '" + import_dir + "': " + ec.message());
    ::chmod(options_.import_directory.c_str(), 0711);
    ::chmod(import_dir.c_str(), user ? 0750 : 0700);
  }
  if (user) {
    SPE_TRY(chownTree(spec.base_directory, user->uid, user->gid));
    SPE_TRY(chownTree(run_dir, user->uid, user->gid));
    if (!import_dir.empty() && ::chown(import_dir.c_str(), ::geteuid(), user->gid) != 0) {
      return makeError(ErrorCode::kIo, "Cannot give the import directory '" + import_dir + "' to the group '" +
                                           user->name + "': " + std::strerror(errno));
    }
    SPE_TRY(checkReachable(spec.base_directory, user->uid, user->gid));
    SPE_TRY(checkReachable(run_dir, user->uid, user->gid));
    if (!import_dir.empty()) SPE_TRY(checkReachable(import_dir, user->uid, user->gid));
  }
  // Where imports and stores may be: the instance enforces it (it opens the files).
  std::vector<std::string> roots = {spec.base_directory};
  if (!import_dir.empty()) roots.push_back(import_dir);
  for (std::string r : options_.allowed_path_roots) {
    for (std::size_t at; (at = r.find("{instanceID}")) != std::string::npos;) r.replace(at, 12, id);
    roots.push_back(r);
  }
  for (const auto& r : roots) {
    args.emplace_back("--allowed-root");
    args.push_back(r);
  }
  return okStatus();
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

  std::vector<std::string> args = {options_.instance_binary, "--id", id, "--base-directory", spec.base_directory,
                                   "--socket", socketPath(id), "--log-level", spec.debug_log ? "debug" : "info",
                                   "--key-fd", "3"};
  if (safe_mode) args.emplace_back("--safe-mode");
  int uid = -1, gid = -1;  // -1: stay the host's user
  if (auto st = prepareInstance(spec, args, uid, gid); !st) return fail(st.error().message);

  if (host_key_hex_.empty()) return fail("The host key is not available (see the host's log).");
  int out[2], err[2], key[2], report[2];
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
  if (::pipe2(report, O_CLOEXEC) != 0) {
    for (int fd : {out[0], out[1], err[0], err[1], key[0], key[1]}) ::close(fd);
    return fail("Cannot create a pipe.");
  }
  const int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  // The key fits in the pipe's buffer: write it now, the instance reads it at start.
  const std::string key_line = host_key_hex_ + "\n";
  const bool key_written = ::write(key[1], key_line.data(), key_line.size()) == static_cast<ssize_t>(key_line.size());
  ::close(key[1]);
  if (!key_written || devnull < 0) {
    for (int fd : {out[0], out[1], err[0], err[1], key[0], report[0], report[1], devnull}) {
      if (fd >= 0) ::close(fd);
    }
    return fail("Cannot hand the host key to the instance.");
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  // fork() rather than posix_spawn: the child drops to the instance's user
  // and asks for SIGKILL when its parent dies. Between fork and exec only
  // async-signal-safe calls; a failure is reported as {step, errno} on
  // `report` (closed by a successful exec).
  const pid_t parent = ::getpid();
  const char* binary = options_.instance_binary.c_str();
  const pid_t pid = ::fork();
  if (pid == 0) {
    auto die = [&](int step) {
      const int e[2] = {step, errno};
      (void)!::write(report[1], e, sizeof e);
      ::_exit(127);
    };
    ::setsid();  // a terminal's Ctrl-C reaches only the host
    if (::dup2(devnull, 0) < 0 || ::dup2(out[1], 1) < 0 || ::dup2(err[1], 2) < 0) die(1);
    if (key[0] == 3 ? ::fcntl(3, F_SETFD, 0) < 0 : ::dup2(key[0], 3) < 0) die(1);
    // Everything else closes at exec, report[1] included.
    if (report[1] > 4) ::close_range(4, static_cast<unsigned>(report[1]) - 1, 0);
    ::close_range(static_cast<unsigned>(report[1]) + 1, ~0U, 0);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int sig = 1; sig < NSIG; ++sig) ::signal(sig, SIG_DFL);
    if (uid >= 0) {
      if (::setgroups(0, nullptr) != 0) die(2);
      if (::setgid(static_cast<gid_t>(gid)) != 0) die(2);
      if (::setuid(static_cast<uid_t>(uid)) != 0) die(2);
      if (::setuid(0) == 0) die(2);  // must not be able to come back
    }
    // After the user change, which clears the parent-death signal.
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) die(3);
    if (::getppid() != parent) ::_exit(125);  // the host died meanwhile
    ::execve(binary, argv.data(), environ);
    die(4);
  }
  const int spawn_errno = errno;
  ::close(devnull);
  ::close(out[1]);
  ::close(err[1]);
  ::close(key[0]);
  ::close(report[1]);
  int failure[2] = {0, 0};
  ssize_t got_report = 0;
  if (pid > 0) {
    while ((got_report = ::read(report[0], failure, sizeof failure)) < 0 && errno == EINTR) {
    }
  }
  ::close(report[0]);
  if (pid < 0 || got_report == static_cast<ssize_t>(sizeof failure)) {
    ::close(out[0]);
    ::close(err[0]);
    if (pid > 0) {
      std::unique_lock lock(mutex_);
      // Its exit is reaped by the SIGCHLD handler (or here).
      int st = 0;
      if (::waitpid(pid, &st, WNOHANG) != pid) {
        exited_.wait_for(lock, std::chrono::seconds(5), [&] { return orphan_exits_.count(pid) > 0; });
      }
      orphan_exits_.erase(pid);
    }
    static const char* const kSteps[] = {"", "cannot set up its descriptors", "cannot become the instance's user",
                                         "cannot ask for the parent-death signal", "cannot run the program"};
    const int step = pid < 0 ? 0 : std::clamp(failure[0], 1, 4);
    return fail("Cannot start '" + options_.instance_binary + "'" + (step ? std::string(": ") + kSteps[step] : "") +
                ": " + std::strerror(pid < 0 ? spawn_errno : failure[1]));
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
    f << dumpJson(list, 1);
    if (!f.flush()) return;
  }
  ::chmod(tmp.c_str(), 0600);  // names every instance and its base directory
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
