#include "instancehost/instance_process.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <initializer_list>
#include <utility>

extern char** environ;

namespace spe::instancehost {
namespace {

void closeAll(std::initializer_list<int> fds) {
  for (int fd : fds) {
    if (fd >= 0) ::close(fd);
  }
}

// A pipe a Clock timer writes to, so that a poll() wakes at the clock's
// moment instead of at a timeout of its own.
class WakeUp {
 public:
  WakeUp() {
    if (::pipe2(fds_, O_CLOEXEC | O_NONBLOCK) != 0) fds_[0] = fds_[1] = -1;
  }
  ~WakeUp() { closeAll({fds_[0], fds_[1]}); }
  WakeUp(const WakeUp&) = delete;
  WakeUp& operator=(const WakeUp&) = delete;
  int fd() const { return fds_[0]; }
  void signal() const {
    const char c = 1;
    (void)!::write(fds_[1], &c, 1);
  }

 private:
  int fds_[2];
};

// The pipes of a start; -1 where closed.
struct Pipes {
  int out[2] = {-1, -1}, err[2] = {-1, -1}, key[2] = {-1, -1}, report[2] = {-1, -1};
  int devnull = -1;
  ~Pipes() { closeAll({out[0], out[1], err[0], err[1], key[0], key[1], report[0], report[1], devnull}); }
  bool open() {
    for (int* p : {out, err, key, report}) {
      if (::pipe2(p, O_CLOEXEC) != 0) return false;
    }
    devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    return devnull >= 0;
  }
  static int take(int& fd) { return std::exchange(fd, -1); }
};

// The child between fork and exec: only async-signal-safe calls; a failure
// goes to `report` as {step, errno} and ends the child.
[[noreturn]] void becomeInstance(const Pipes& p, const LaunchOptions& o, char* const* argv, pid_t parent) {
  const int report = p.report[1];
  auto die = [report](int step) {
    const int e[2] = {step, errno};
    (void)!::write(report, e, sizeof e);
    ::_exit(127);
  };
  ::setsid();  // a terminal's Ctrl-C reaches only the host
  if (::dup2(p.devnull, 0) < 0 || ::dup2(p.out[1], 1) < 0 || ::dup2(p.err[1], 2) < 0) die(1);
  if (p.key[0] == 3 ? ::fcntl(3, F_SETFD, 0) < 0 : ::dup2(p.key[0], 3) < 0) die(1);
  // Everything else closes at exec, the report pipe included.
  if (report > 4) ::close_range(4, static_cast<unsigned>(report) - 1, 0);
  ::close_range(static_cast<unsigned>(report) + 1, ~0U, 0);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig = 1; sig < NSIG; ++sig) ::signal(sig, SIG_DFL);
  if (o.uid >= 0) {
    if (::setgroups(0, nullptr) != 0) die(2);
    if (::setgid(static_cast<gid_t>(o.gid)) != 0) die(2);
    if (::setuid(static_cast<uid_t>(o.uid)) != 0) die(2);
    if (::setuid(0) == 0) die(2);  // must not be able to come back
  }
  // After the user change, which clears the parent-death signal.
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) die(3);
  if (::getppid() != parent) ::_exit(125);  // the host died meanwhile
  ::execve(argv[0], argv, environ);
  die(4);
  ::_exit(127);  // die() does not return; the compiler cannot see it
}

std::string stepFailure(const std::string& program, int step, int error) {
  static const char* const kSteps[] = {"", "cannot set up its descriptors", "cannot become the instance's user",
                                       "cannot ask for the parent-death signal", "cannot run the program"};
  step = std::clamp(step, 0, 4);
  return "Cannot start '" + program + "'" + (step ? std::string(": ") + kSteps[step] : "") + ": " +
         std::strerror(error);
}

}  // namespace

std::string describeExit(int st) {
  if (WIFEXITED(st)) return "exit code " + std::to_string(WEXITSTATUS(st));
  if (WIFSIGNALED(st)) {
    const int sig = WTERMSIG(st);
    const char* name = sigabbrev_np(sig);
    return "signal " + std::to_string(sig) + (name ? std::string(" SIG") + name : std::string());
  }
  return "status " + std::to_string(st);
}

Result<std::unique_ptr<InstanceProcess>> InstanceProcess::spawn(const LaunchOptions& o, int& failed_child) {
  failed_child = 0;
  Pipes p;
  if (!p.open()) return makeError(ErrorCode::kUnavailable, "Cannot create a pipe.");
  // The key fits in the pipe's buffer: write it now, the instance reads it at start.
  const std::string key_line = o.host_key_hex + "\n";
  const bool key_written = ::write(p.key[1], key_line.data(), key_line.size()) == static_cast<ssize_t>(key_line.size());
  ::close(Pipes::take(p.key[1]));
  if (!key_written) return makeError(ErrorCode::kUnavailable, "Cannot hand the host key to the instance.");
  std::vector<std::string> args = o.argv;
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  // fork() rather than posix_spawn: the child changes its user and asks for
  // the parent-death signal.
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) becomeInstance(p, o, argv.data(), parent);
  if (pid < 0) return makeError(ErrorCode::kUnavailable, stepFailure(o.argv.at(0), 0, errno));
  closeAll({Pipes::take(p.devnull), Pipes::take(p.out[1]), Pipes::take(p.err[1]), Pipes::take(p.key[0]),
            Pipes::take(p.report[1])});
  int failure[2] = {0, 0};
  ssize_t got = 0;
  while ((got = ::read(p.report[0], failure, sizeof failure)) < 0 && errno == EINTR) {
  }
  if (got == static_cast<ssize_t>(sizeof failure)) {
    failed_child = pid;
    return makeError(ErrorCode::kUnavailable, stepFailure(o.argv.at(0), std::max(failure[0], 1), failure[1]));
  }
  return std::unique_ptr<InstanceProcess>(new InstanceProcess(pid, Pipes::take(p.out[0]), Pipes::take(p.err[0])));
}

InstanceProcess::~InstanceProcess() { closeAll({out_, err_}); }

int InstanceProcess::takeLogPipe() { return std::exchange(err_, -1); }

InstanceProcess::Ready InstanceProcess::awaitReady(Clock& clock, Clock::Duration timeout) {
  constexpr std::size_t kMaxLine = 4096;  // "READY <pid>"; anything longer is not it
  WakeUp wake;
  auto timer = clock.schedule(timeout, [&wake] { wake.signal(); });
  Ready result = Ready::kExited;
  std::string line;
  while (out_ >= 0 && wake.fd() >= 0) {
    pollfd p[2] = {{out_, POLLIN, 0}, {wake.fd(), POLLIN, 0}};
    if (::poll(p, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (p[0].revents == 0) {
      if (p[1].revents != 0) result = Ready::kTimedOut;
      if (p[1].revents != 0) break;
      continue;
    }
    char buf[256];
    const ssize_t got = ::read(out_, buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;  // the process closed stdout: it exited
    line.append(buf, static_cast<std::size_t>(got));
    if (line.find('\n') != std::string::npos || line.size() > kMaxLine) {
      result = line.rfind("READY", 0) == 0 && line.find('\n') != std::string::npos ? Ready::kReady : Ready::kExited;
      break;
    }
  }
  if (wake.fd() < 0) result = Ready::kTimedOut;  // no pipe to wait with: as if it never answered
  timer.reset();                                 // before `wake` goes
  closeAll({std::exchange(out_, -1)});
  return result;
}

std::vector<int> awaitExits(std::vector<int> pids, Clock& clock, Clock::Duration limit,
                            const std::function<void(int, int)>& reaped) {
  // True when `pid` is gone: reaped here, or by another reaper.
  auto collect = [&](int pid) {
    int st = 0;
    const int r = ::waitpid(pid, &st, WNOHANG);
    if (r == pid) reaped(pid, st);
    return r == pid || (r < 0 && errno == ECHILD);
  };
  struct Watched {
    int pid;
    int fd;
  };
  std::vector<Watched> watched;
  std::vector<int> unwatchable;  // no pidfd (ENOSYS, EMFILE): reported as still running
  for (int pid : pids) {
    if (collect(pid)) continue;
    // The system call: glibc 2.36's <sys/pidfd.h> declares pidfd_open without
    // extern "C", so C++ cannot link it.
    const int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    if (fd >= 0) watched.push_back({pid, fd});
    else if (errno != ESRCH) unwatchable.push_back(pid);
  }
  WakeUp wake;
  auto timer = clock.schedule(limit, [&wake] { wake.signal(); });
  while (!watched.empty() && wake.fd() >= 0) {
    std::vector<pollfd> p;
    for (const auto& w : watched) p.push_back({w.fd, POLLIN, 0});
    p.push_back({wake.fd(), POLLIN, 0});
    if (::poll(p.data(), p.size(), -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (std::size_t i = watched.size(); i-- > 0;) {
      if (p[i].revents == 0) continue;
      collect(watched[i].pid);  // a readable pidfd: it has exited
      ::close(watched[i].fd);
      watched.erase(watched.begin() + static_cast<std::ptrdiff_t>(i));
    }
    if (p.back().revents != 0) break;
  }
  timer.reset();
  for (const auto& w : watched) {
    ::close(w.fd);
    unwatchable.push_back(w.pid);
  }
  return unwatchable;
}

}  // namespace spe::instancehost
