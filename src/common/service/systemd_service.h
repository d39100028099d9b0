// SystemdService: a role daemon's side of systemd's service protocol
// (sd_notify(3), units in packaging/systemd/, Type=notify):
//
// - ready(): READY=1 with a status line, once the daemon listens;
// - SIGHUP (systemctl reload): RELOADING=1, the daemon's `reload`, READY=1;
// - the watchdog: WATCHDOG=1 at half of the unit's WatchdogSec from the
//   daemon's io_context, so a daemon whose event loop hangs is restarted;
// - stopping(): STOPPING=1.
// Outside systemd (no NOTIFY_SOCKET) the notifications go nowhere and
// SIGHUP still reloads.
// Thread safety: construct, ready() and stopping() on one thread; the
// handlers run on `io`.
#pragma once

#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <string>

#include "common/net/asio.h"

namespace spe::service {

class SystemdService {
 public:
  SystemdService(asio::io_context& io, std::function<void()> reload);
  ~SystemdService();
  SystemdService(const SystemdService&) = delete;
  SystemdService& operator=(const SystemdService&) = delete;

  void ready(const std::string& status);
  void stopping();

 private:
  void waitForHangUp();
  void pet();

  asio::signal_set hangup_;
  asio::steady_timer watchdog_;
  std::chrono::microseconds watchdog_interval_{0};
  std::function<void()> reload_;
};

}  // namespace spe::service
