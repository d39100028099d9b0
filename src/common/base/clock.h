// Clock: the seam between code whose behaviour depends on time and the
// time itself (LevelDB's Env idea, reduced to time). Code that measures
// intervals, computes deadlines or waits for a moment asks a Clock instead of
// std::chrono::*_clock::now() and instead of a thread that sleeps or polls:
//
//   auto timer = clock.schedule(std::chrono::seconds(2), [this] { retry(); });
//
// The product uses systemClock(); tests use FakeClock
// (tests/support/fake_clock.h), whose advance(d) moves time on and runs the
// timers that fall due, in order of their deadlines, on the calling thread,
// so timing logic is tested without waiting and without races.
//
// Timers: makeTimer(fn) gives a Timer that runs `fn` each time it is armed
// and its moment comes; schedule(delay, fn) is makeTimer plus armAfter.
// `fn` runs on the clock's timer thread (SystemClock: one thread for all
// timers of the process; FakeClock: the thread that calls advance()), so it
// must be short and must not block: hand longer work to a pool or a thread
// of its own. `fn` may re-arm its own timer and arm or cancel others.
// Thread safety: every member may be called from any thread.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

namespace spe {

// A call at a moment of its Clock (Clock::makeTimer, Clock::schedule).
// Destroying it cancels it. It must not outlive its clock.
class Timer {
 public:
  virtual ~Timer() = default;
  // Arms the timer to call once, `delay` (<= 0: at once) from now; an
  // earlier moment not yet reached is replaced.
  virtual void armAfter(std::chrono::steady_clock::duration delay) = 0;
  // Disarms it. After cancel() returns, the call does not start any more
  // (until armed again); when it is running on another thread at that
  // moment, cancel() waits until it has returned (so what it uses may be
  // destroyed next: never cancel while holding a lock the call takes).
  // Called from inside the call it only disarms.
  virtual void cancel() = 0;
};

class Clock {
 public:
  using Duration = std::chrono::steady_clock::duration;
  using TimePoint = std::chrono::steady_clock::time_point;
  using SystemTime = std::chrono::system_clock::time_point;

  virtual ~Clock() = default;
  // Monotonic time, for intervals and deadlines.
  virtual TimePoint now() const = 0;
  // Wall-clock time, for what depends on the time of day (maintenance
  // windows); never for intervals.
  virtual SystemTime systemNow() const = 0;
  // A timer that calls `fn` on the timer thread whenever it is armed and
  // its moment comes; not armed yet.
  [[nodiscard]] virtual std::unique_ptr<Timer> makeTimer(std::function<void()> fn) = 0;
  // Runs `fn` once, `delay` from now, unless the returned Timer is cancelled
  // or destroyed first.
  [[nodiscard]] std::unique_ptr<Timer> schedule(Duration delay, std::function<void()> fn) {
    auto timer = makeTimer(std::move(fn));
    timer->armAfter(delay);
    return timer;
  }
};

// The process's real clock: std::chrono's steady and system clocks, timers
// run by one thread started on first use. Lives as long as the process.
Clock& systemClock();

}  // namespace spe
