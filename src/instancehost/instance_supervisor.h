// InstanceSupervisor: the Instance Host's instance processes, supervised as
// Dovecot's master supervises its children.
//
// - start(): prepares the instance's directories and user, starts
//   spe-instance (InstanceProcess, instance_process.h), waits for its
//   "READY" line (ready timeout), logs its stderr as [I<id>];
// - a SIGCHLD handler reaps exits; an automatic instance that exits without
//   being asked is restarted after a backoff (2 s doubling to 60 s, reset
//   after 60 s of healthy running); a manual one goes to "error";
// - stop(): SIGTERM, then SIGKILL after the stop deadline;
// - freeze/thaw and any other call are forwarded over the instance's Unix
//   socket in the runtime directory.
// States: InstanceState (stopped, starting, running, stopping, error, plus
// startStopError), named as strings only in status().
// Every duration (backoff, healthy time, ready and stop deadlines) is
// measured and waited for on the Clock given at construction (timers, no
// polling), so tests drive them with a FakeClock.
// Thread safety: every public function may be called from any thread; the
// blocking ones (start, stop, restart) must not run on the io_context, which
// must run (it reaps the children and reads their logs).
#pragma once

#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/base/clock.h"
#include "common/base/json_reader.h"
#include "common/base/result.h"
#include "common/net/asio.h"
#include "instancehost/on_demand.h"

namespace spe::instancehost {

class InstanceListFile;

enum class InstanceState { kStopped, kStarting, kRunning, kStopping, kError };
// The details of the error for an instance that is stopped: the CAS shows
// end users the message of such an error ("This archive is stopped ...").
inline constexpr const char* kArchiveStopped = "archiveStopped";
// "stopped", "starting", "running", "stopping", "error" (the API's names).
const char* stateName(InstanceState state);

struct InstanceSpec {
  std::string id;
  std::string base_directory;
  std::string start_mode = "manual";  // automatic | manual | disabled
  bool debug_log = false;
};

struct SupervisorOptions {
  std::string instance_binary;
  std::string runtime_directory;
  std::string state_file;  // last known instance list, for starting without the Management Server
  // The host key (64 hex characters, mode 600) that protects every
  // instance's key file; handed to each instance on a pipe. Created on
  // first use. Empty = <runtime_directory>/host.key.
  std::string host_key_file;
  // Each instance runs as its own system user spe-i-<id>, created when
  // missing (needs root; see instance_users.h). False: instances run as the
  // host's user.
  bool user_per_instance = false;
  // Root of the per-instance import directories (<import_directory>/<id>,
  // created at start); empty = none.
  std::string import_directory;
  // Further directories every instance may import from and keep stores in;
  // "{instanceID}" in an entry becomes the instance's ID. The instance's base
  // directory and import directory are always allowed.
  std::vector<std::string> allowed_path_roots;
  // Web Access restores (instancehost_config.h): handed to every instance.
  bool web_restore = true;
  std::vector<std::string> web_restore_servers;
  std::string web_restore_ca_file;
  // How often instances look for events to notify about
  // (notificationSweepSeconds; reports/notifier.h); nullopt: their default.
  std::optional<std::chrono::seconds> notification_sweep;
  std::chrono::milliseconds ready_timeout{30000};
  std::chrono::milliseconds stop_timeout{10000};
  std::chrono::milliseconds backoff_initial{2000};
  std::chrono::milliseconds backoff_max{60000};
  std::chrono::milliseconds healthy_after{60000};
  // An instance with the start mode "onDemand" stops after this long
  // without use (on_demand.h); 0: only when asked.
  std::chrono::seconds idle_stop_after{900};
};

class InstanceSupervisor {
 public:
  // `clock` must outlive the supervisor.
  InstanceSupervisor(asio::io_context& io, SupervisorOptions options, Clock& clock = systemClock());
  ~InstanceSupervisor();

  // Ends instance processes an earlier run of this host left behind (their
  // socket lies in the runtime directory), installs the SIGCHLD handler and
  // loads the cached instance list (starting its automatic instances). Call
  // once, before the io_context runs.
  //
  // Instance processes die with the host: they get SIGKILL when the thread
  // that started them ends (PR_SET_PDEATHSIG); every start runs on this
  // supervisor's own pool threads, which live as long as the supervisor.
  void begin();

  // Replaces the known instances with the Management Server's list.
  void sync(const std::vector<InstanceSpec>& specs);
  // Applies a change of that list: adds or updates `changed`, forgets
  // `removed` (as sync() forgets what its list lacks: not while it runs).
  void update(const std::vector<InstanceSpec>& changed, const std::vector<std::string>& removed);

  Status start(const std::string& id, bool safe_mode);
  // Runs `op` for each id on the start workers (several at once) and returns
  // the outcome per id.
  std::map<std::string, Status> forEach(const std::vector<std::string>& ids,
                                        const std::function<Status(const std::string&)>& op);
  Status stop(const std::string& id);
  Status restart(const std::string& id, bool safe_mode);
  Status freeze(const std::string& id);
  Status thaw(const std::string& id);
  // Forwards a call to the instance; its progress events reach `progress`.
  // A call is a use of an on-demand instance and starts it, except reads of
  // figures ("metrics", "activity", "statistics").
  Result<Json> call(const std::string& id, const std::string& method, const Json& params,
                    std::chrono::milliseconds timeout,
                    const std::function<void(int, const std::string&)>& progress = {});

  // On-demand instances (on_demand.h): a use in progress (a call, a
  // stream), and starting one that is not running (blocking; nothing for
  // other start modes).
  std::shared_ptr<void> use(const std::string& id) { return on_demand_->use(id); }
  Status wake(const std::string& id) { return on_demand_->wake(id); }
  bool onDemand(const std::string& id) const;
  OnDemandInstances& onDemandInstances() { return *on_demand_; }

  // The Unix socket of a running instance (for end-user streams).
  // kUnavailable when it is not running; its details are kArchiveStopped
  // when it is stopped or ended with an error (no start is under way).
  Result<std::string> socketOfRunning(const std::string& id);

  // [{instanceID, processID, status, startStopError, safeMode, frozen}] of
  // every instance that is not plainly stopped (a missing one is stopped).
  Json status() const;
  int runningCount() const;
  int knownCount() const;
  // On-demand instances without a process (GetInstances: standby).
  int standbyCount() const;

  // Asked before every start, also the automatic ones (after a crash, at the
  // host's start): an error refuses it. Before begin().
  void setStartGuard(std::function<Status(const std::string& id)> guard) { start_guard_ = std::move(guard); }

  // The host key (hex; empty before begin() or when it could not be loaded).
  std::string hostKeyHex() const {
    std::lock_guard lock(mutex_);
    return host_key_hex_;
  }

  // Stops every instance (host shutdown).
  void stopAll();

  struct Managed;

 private:
  void onChildExit(int pid, int wait_status);
  void reap();
  void scheduleRestart(const std::string& id, std::chrono::milliseconds delay);
  void restartAfterBackoff(const std::string& id);
  void readLogs(const std::string& id, int fd);
  // The parts of start(): claims the instance (false: it runs already),
  // records a failure, reports why a process did not become ready, and
  // records a process that did.
  Result<bool> claimStart(const std::string& id, InstanceSpec& spec);
  Status failStart(const std::string& id, const std::string& why);
  std::string whyNotReady(const std::string& id, bool timed_out);
  Status markRunning(const std::string& id, int pid, bool safe_mode);
  // Waits on exited_ (with `lock` held on mutex_) until `done` or until
  // `limit` passes on the clock; returns done().
  bool waitUntil(std::unique_lock<std::mutex>& lock, Clock::Duration limit, const std::function<bool()>& done);
  // Waits (at most 5 s) for the SIGCHLD handler to file the exit of `pid`.
  void forgetOrphan(int pid);
  void autostart();
  // Part of the constructor (instance_supervisor_list.cpp).
  void makeListFileAndOnDemand();
  // Forgets an instance that is not running or starting (with mutex_ held).
  void forgetIfIdle(const std::string& id);
  std::string socketPath(const std::string& id) const;
  // Runs a helper program (useradd) to completion; its exit may be reaped
  // by the SIGCHLD handler, which then leaves it in orphan_exits_.
  Result<int> runProgram(const std::vector<std::string>& argv);
  Managed* find(const std::string& id);

  asio::io_context& io_;
  asio::thread_pool pool_{4};  // blocking starts and restarts
  SupervisorOptions options_;
  Clock& clock_;
  std::string host_key_hex_;
  std::function<Status(const std::string&)> start_guard_;
  std::unique_ptr<asio::signal_set> sigchld_;
  mutable std::mutex mutex_;
  std::condition_variable exited_;
  std::map<std::string, std::unique_ptr<Managed>> instances_;
  std::map<int, int> orphan_exits_;  // pid -> status of children reaped before registration
  std::mutex useradd_mutex_;         // useradd fails while another one holds /etc/passwd
  bool autostarted_ = false;
  bool shutting_down_ = false;
  std::unique_ptr<InstanceListFile> list_file_;   // its final write reads instances_
  std::shared_ptr<OnDemandInstances> on_demand_;  // its hooks use the members above
};

}  // namespace spe::instancehost
