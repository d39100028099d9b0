// InstanceSupervisor::Managed: what the supervisor keeps of each instance
// (its spec from the Management Server, its process and state). Private to
// instance_supervisor*.cpp.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "instancehost/instance_supervisor.h"

namespace spe::instancehost {

struct InstanceSupervisor::Managed {
  InstanceSpec spec;
  InstanceState state = InstanceState::kStopped;
  int pid = 0;
  std::string error;
  bool safe_mode = false;
  bool frozen = false;
  bool stop_requested = false;
  bool starting = false;  // a start() call owns the process until it is ready
  int exit_status = -1;
  Clock::TimePoint started_at{};
  std::chrono::milliseconds backoff{0};
  std::unique_ptr<Timer> restart_timer;
  std::string last_log;
  bool log_open = false;  // the log reader has not reached the end of stderr yet
};

}  // namespace spe::instancehost
