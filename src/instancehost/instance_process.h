// InstanceProcess: starting one spe-instance process, the way Dovecot's
// master starts a child, and waiting for child processes to end.
//
// spawn() creates the pipes (stdout for the ready line, stderr for the log,
// descriptor 3 carrying the host key, and a report pipe closed by exec),
// forks, and in the child: a session of its own (a terminal's Ctrl-C
// reaches only the host), stdin from /dev/null, stdout/stderr/3 on the
// pipes, every other descriptor closed at exec, default signal handling,
// the instance's user (when given; it must not be able to become root
// again), SIGKILL when the parent thread ends (PR_SET_PDEATHSIG, asked
// after the user change, which clears it), then exec. A failure before exec
// is reported as {step, errno} on the report pipe and named in the error.
//
// awaitReady() waits for the "READY <pid>" line, at most the ready timeout
// measured on a Clock: its timer wakes the wait, so no polling, and tests
// drive it with a FakeClock.
//
// Thread safety: one InstanceProcess is used by one thread. spawn() and
// the waits block: call them on a pool thread, never on an io_context's.
// The parent-death signal is tied to the thread that called spawn(): it
// must live as long as the process should (the supervisor's pool threads).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/base/clock.h"
#include "common/base/result.h"

namespace spe::instancehost {

struct LaunchOptions {
  std::vector<std::string> argv;  // argv[0] is the program's path
  int uid = -1;                   // -1: stay the host's user (then gid is ignored)
  int gid = -1;
  std::string host_key_hex;  // written on descriptor 3, one line
};

class InstanceProcess {
 public:
  enum class Ready { kReady, kExited, kTimedOut };

  // Starts the program. On failure the error names the step that failed;
  // when a child was forked and has exited, `failed_child` is its pid (the
  // caller reaps it), else 0.
  static Result<std::unique_ptr<InstanceProcess>> spawn(const LaunchOptions& options, int& failed_child);

  ~InstanceProcess();
  InstanceProcess(const InstanceProcess&) = delete;
  InstanceProcess& operator=(const InstanceProcess&) = delete;

  int pid() const { return pid_; }
  // The read end of the process's stderr; the caller owns it from now on.
  // -1 after the first call.
  int takeLogPipe();
  // Waits for the first line on stdout: kReady when it begins with "READY",
  // kExited when the process closes stdout or writes another line first,
  // kTimedOut when `timeout` passes on `clock` first. Closes stdout. The
  // process is left as it is (the caller kills it when not ready).
  Ready awaitReady(Clock& clock, Clock::Duration timeout);

 private:
  InstanceProcess(int pid, int out, int err) : pid_(pid), out_(out), err_(err) {}
  int pid_;
  int out_;
  int err_;
};

// "exit code 3", "signal 9 SIGKILL": a waitpid() status for a message.
std::string describeExit(int wait_status);

// Waits until each of `pids` (children of this process) has exited, at most
// `limit` on `clock`, watching them through pidfds. A child reaped here is
// passed to `reaped(pid, wait_status)`; one that another reaper (the SIGCHLD
// handler) took first just leaves the list. Returns the pids still running
// at the limit. Blocks.
std::vector<int> awaitExits(std::vector<int> pids, Clock& clock, Clock::Duration limit,
                            const std::function<void(int, int)>& reaped);

}  // namespace spe::instancehost
