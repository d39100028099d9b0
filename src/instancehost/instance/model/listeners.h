// Listeners: whom to tell that something happened (WriteGate::thaw(), the
// end of a ProfileRunner run), so that nobody has to poll for it.
//
// add() gives a Subscription; notify() calls every subscribed function on
// the calling thread, one after the other, holding the list's lock.
// Destroying a Subscription (or reset()) removes its function and, when
// notify() is calling it on another thread at that moment, waits until that
// call has returned, so what the function uses may be destroyed next. Hence,
// as for Timer::cancel (common/base/clock.h):
// - a function must be short and must not block (it runs on the notifier's
//   thread), and must not add or drop subscriptions of the same Listeners;
// - whoever drops a Subscription must not hold a lock the function takes;
// - the notifier calls notify() without holding its own locks, so the
//   function may call back into it.
// The Listeners must outlive its Subscriptions.
// Thread safety: every member may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>

namespace spe::instance {

class Listeners {
 public:
  class Subscription {
   public:
    Subscription() = default;
    Subscription(Subscription&& other) noexcept : owner_(other.owner_), id_(other.id_) { other.owner_ = nullptr; }
    Subscription& operator=(Subscription&& other) noexcept {
      if (this != &other) {
        reset();
        owner_ = other.owner_;
        id_ = other.id_;
        other.owner_ = nullptr;
      }
      return *this;
    }
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;
    ~Subscription() { reset(); }
    // Removes the function; waits for a call of it under way.
    void reset() {
      if (owner_ == nullptr) return;
      std::lock_guard lock(owner_->mutex_);
      owner_->functions_.erase(id_);
      owner_ = nullptr;
    }

   private:
    friend class Listeners;
    Subscription(Listeners* owner, std::uint64_t id) : owner_(owner), id_(id) {}
    Listeners* owner_ = nullptr;
    std::uint64_t id_ = 0;
  };

  Listeners() = default;
  Listeners(const Listeners&) = delete;
  Listeners& operator=(const Listeners&) = delete;

  [[nodiscard]] Subscription add(std::function<void()> fn) {
    std::lock_guard lock(mutex_);
    const std::uint64_t id = next_id_++;
    functions_.emplace(id, std::move(fn));
    return Subscription(this, id);
  }

  void notify() {
    std::lock_guard lock(mutex_);  // held so that a dropped Subscription waits for its call
    for (auto& [id, fn] : functions_) fn();
  }

 private:
  std::mutex mutex_;
  std::map<std::uint64_t, std::function<void()>> functions_;
  std::uint64_t next_id_ = 1;
};

}  // namespace spe::instance
