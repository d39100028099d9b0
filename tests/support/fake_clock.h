// FakeClock: a Clock (common/base/clock.h) whose time moves only when a test
// says so. advance(d) runs every timer that falls due within d, earliest
// first, each at its own moment (now() inside a call is that moment), on
// the calling thread, then sets the time to the end of d. A timer armed by
// a call and due within d runs in the same advance().
// Time starts at an arbitrary steady point; systemNow() starts at
// `system_start` and moves with it.
// Thread safety: every member may be called from any thread; advance()
// from one thread at a time. Timers must not outlive the clock.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>

#include "common/base/clock.h"
#include "common/base/timer_queue.h"

namespace spe::testing {

class FakeClock final : public Clock {
 public:
  // 2026-01-01 00:00:00 UTC by default.
  explicit FakeClock(SystemTime system_start = SystemTime(std::chrono::seconds(1767225600)))
      : system_start_(system_start) {}

  TimePoint now() const override {
    std::lock_guard lock(mutex_);
    return now_;
  }
  SystemTime systemNow() const override {
    std::lock_guard lock(mutex_);
    return system_start_ + std::chrono::duration_cast<SystemTime::duration>(now_ - kStart);
  }
  std::unique_ptr<Timer> makeTimer(std::function<void()> fn) override { return timers_.make(std::move(fn)); }

  // Moves time on by `d`, running the timers that fall due meanwhile.
  void advance(Duration d) {
    const TimePoint target = now() + d;
    auto set = [this](TimePoint t) {
      std::lock_guard lock(mutex_);
      if (t > now_) now_ = t;
    };
    while (timers_.runOneDue(target, set)) {
    }
    set(target);
  }

  // Timers armed and not yet run.
  std::size_t pendingTimers() const { return timers_.armed(); }
  // How far the earliest armed timer lies ahead, if there is one.
  std::optional<Duration> nextTimerIn() const {
    const auto when = timers_.earliest();
    if (!when) return std::nullopt;
    return *when - now();
  }
  // Waits (in real time, at most `limit`) until at least `n` timers are
  // armed: for code on another thread that is about to wait for the clock.
  bool waitForPendingTimers(std::size_t n, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    return timers_.waitUntilArmed(n, limit);
  }

 private:
  static constexpr TimePoint kStart = TimePoint(std::chrono::hours(1000));

  const SystemTime system_start_;
  mutable std::mutex mutex_;
  TimePoint now_ = kStart;
  TimerQueue timers_{*this};
};

}  // namespace spe::testing
