#include "common/base/clock.h"

#include <utility>

#include "common/base/timer_queue.h"

namespace spe {

class TimerQueue::QueueTimer final : public Timer {
 public:
  QueueTimer(TimerQueue& queue, std::uint64_t id) : queue_(queue), id_(id) {}
  ~QueueTimer() override { queue_.erase(id_); }
  void armAfter(Clock::Duration delay) override { queue_.arm(id_, delay); }
  void cancel() override { queue_.cancel(id_); }

 private:
  TimerQueue& queue_;
  std::uint64_t id_;
};

std::unique_ptr<Timer> TimerQueue::make(std::function<void()> fn) {
  std::lock_guard lock(mutex_);
  const std::uint64_t id = next_id_++;
  timers_[id] = Entry{std::make_shared<std::function<void()>>(std::move(fn)), std::nullopt};
  return std::make_unique<QueueTimer>(*this, id);
}

void TimerQueue::disarm(std::uint64_t id) {
  auto it = timers_.find(id);
  if (it == timers_.end() || !it->second.when) return;
  queue_.erase({*it->second.when, id});
  it->second.when.reset();
}

void TimerQueue::arm(std::uint64_t id, Clock::Duration delay) {
  const TimePoint when = clock_.now() + std::max(delay, Clock::Duration::zero());
  std::lock_guard lock(mutex_);
  disarm(id);
  auto it = timers_.find(id);
  if (it == timers_.end()) return;
  it->second.when = when;
  queue_.emplace(std::make_pair(when, id), id);
  changed_.notify_all();
}

void TimerQueue::cancel(std::uint64_t id) {
  std::unique_lock lock(mutex_);
  disarm(id);
  changed_.notify_all();
  if (running_thread_ == std::this_thread::get_id()) return;  // from inside a call
  changed_.wait(lock, [&] { return running_ != id; });
}

void TimerQueue::erase(std::uint64_t id) {
  cancel(id);
  std::lock_guard lock(mutex_);
  timers_.erase(id);
}

void TimerQueue::runFirst(std::unique_lock<std::mutex>& lock, const std::function<void(TimePoint)>& before) {
  const auto first = queue_.begin();
  const TimePoint when = first->first.first;
  const std::uint64_t id = first->second;
  queue_.erase(first);
  auto& entry = timers_.at(id);
  entry.when.reset();
  auto fn = entry.fn;  // the timer may be destroyed by its own call
  running_ = id;
  running_thread_ = std::this_thread::get_id();
  if (before) before(when);
  lock.unlock();
  (*fn)();
  lock.lock();
  running_ = 0;
  running_thread_ = {};
  changed_.notify_all();
}

bool TimerQueue::runOneDue(TimePoint limit, const std::function<void(TimePoint)>& before) {
  std::unique_lock lock(mutex_);
  if (queue_.empty() || queue_.begin()->first.first > limit) return false;
  runFirst(lock, before);
  return true;
}

void TimerQueue::runForever() {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (queue_.empty()) {
      changed_.wait(lock);
    } else if (const TimePoint when = queue_.begin()->first.first; clock_.now() < when) {
      changed_.wait_until(lock, when);
    } else {
      runFirst(lock, {});
    }
  }
}

std::size_t TimerQueue::armed() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

std::optional<TimerQueue::TimePoint> TimerQueue::earliest() const {
  std::lock_guard lock(mutex_);
  if (queue_.empty()) return std::nullopt;
  return queue_.begin()->first.first;
}

bool TimerQueue::waitUntilArmed(std::size_t n, std::chrono::milliseconds limit) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, limit, [&] { return queue_.size() >= n; });
}

namespace {

// std::chrono's clocks; the timers wait in one thread on a queue ordered by
// moment (a condition variable's wait_until on the earliest), so a waiting
// timer costs no thread and no polling.
class SystemClock final : public Clock {
 public:
  SystemClock() {
    // Detached: the clock lives as long as the process (systemClock()).
    std::thread([this] { queue_.runForever(); }).detach();
  }
  TimePoint now() const override { return std::chrono::steady_clock::now(); }
  SystemTime systemNow() const override { return std::chrono::system_clock::now(); }
  std::unique_ptr<Timer> makeTimer(std::function<void()> fn) override { return queue_.make(std::move(fn)); }

 private:
  TimerQueue queue_{*this};
};

}  // namespace

Clock& systemClock() {
  static SystemClock* const clock = new SystemClock;  // never destroyed: its thread runs until exit
  return *clock;
}

}  // namespace spe
