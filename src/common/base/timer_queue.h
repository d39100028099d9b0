// TimerQueue: the timers of a Clock implementation (clock.h): SystemClock
// runs them on a thread of its own (runForever), a test's FakeClock runs
// them in advance() (runOneDue). One implementation of arming, cancelling
// and "cancel waits for a call under way" for both.
// Thread safety: every member may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "common/base/clock.h"

namespace spe {

class TimerQueue {
 public:
  using TimePoint = Clock::TimePoint;

  // `clock` gives now() for armAfter(); it must outlive the queue's timers.
  explicit TimerQueue(const Clock& clock) : clock_(clock) {}
  TimerQueue(const TimerQueue&) = delete;
  TimerQueue& operator=(const TimerQueue&) = delete;

  std::unique_ptr<Timer> make(std::function<void()> fn);

  // Runs the earliest armed timer whose moment is at or before `limit`, on
  // this thread; `before` gets its moment first (a fake clock sets its time
  // there). False when none is due.
  bool runOneDue(TimePoint limit, const std::function<void(TimePoint)>& before = {});
  // Runs timers at their moments of the real steady clock, forever.
  [[noreturn]] void runForever();

  std::size_t armed() const;
  std::optional<TimePoint> earliest() const;
  // Waits (real time, at most `limit`) until at least `n` timers are armed.
  bool waitUntilArmed(std::size_t n, std::chrono::milliseconds limit);

 private:
  class QueueTimer;
  struct Entry {
    std::shared_ptr<std::function<void()>> fn;
    std::optional<TimePoint> when;  // armed at
  };
  void arm(std::uint64_t id, Clock::Duration delay);
  void cancel(std::uint64_t id);
  void erase(std::uint64_t id);
  void disarm(std::uint64_t id);  // with mutex_ held
  // Pops and runs the first queued timer; with `lock` held, released meanwhile.
  void runFirst(std::unique_lock<std::mutex>& lock, const std::function<void(TimePoint)>& before);

  const Clock& clock_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::uint64_t, Entry> timers_;
  std::map<std::pair<TimePoint, std::uint64_t>, std::uint64_t> queue_;  // armed timers by moment
  std::uint64_t next_id_ = 1;
  std::uint64_t running_ = 0;  // the timer whose call runs now, 0 = none
  std::thread::id running_thread_;
};

}  // namespace spe
