#include "common/service/systemd_service.h"

#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <csignal>

#include "common/base/logging.h"

namespace spe::service {

SystemdService::SystemdService(asio::io_context& io, std::function<void()> reload)
    : hangup_(io, SIGHUP), watchdog_(io), reload_(std::move(reload)) {
  waitForHangUp();
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
    watchdog_interval_ = std::chrono::microseconds(usec / 2);
    pet();
  }
}

SystemdService::~SystemdService() {
  ErrorCodeT ec;
  hangup_.cancel(ec);
  watchdog_.cancel();
}

void SystemdService::ready(const std::string& status) {
  sd_notifyf(0, "READY=1\nSTATUS=%s\nMAINPID=%lu", status.c_str(), static_cast<unsigned long>(::getpid()));
}

void SystemdService::stopping() { sd_notify(0, "STOPPING=1"); }

void SystemdService::waitForHangUp() {
  hangup_.async_wait([this](const ErrorCodeT& ec, int) {
    if (ec) return;
    sd_notify(0, "RELOADING=1");
    logger("main")->info("Reloading (SIGHUP)");
    if (reload_) reload_();
    sd_notify(0, "READY=1");
    waitForHangUp();
  });
}

void SystemdService::pet() {
  sd_notify(0, "WATCHDOG=1");
  watchdog_.expires_after(watchdog_interval_);
  watchdog_.async_wait([this](const ErrorCodeT& ec) {
    if (!ec) pet();
  });
}

}  // namespace spe::service
