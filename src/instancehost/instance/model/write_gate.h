// WriteGate: lets an instance be frozen for a consistent backup.
//
// Every write (to the master database, stores, indexes) holds a
// WriteGate::Permit while it runs. freeze() waits until the writes under way
// have finished, then holds every new permit until thaw(); reads do not take
// permits and go on. onThaw() tells who waits for the thaw (the profile
// scheduler) instead of letting it poll.
// Thread safety: all members are internally locked.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>

#include "instancehost/instance/model/listeners.h"

namespace spe::instance {

class WriteGate {
 public:
  class Permit {
   public:
    explicit Permit(WriteGate& gate) : gate_(&gate) {}
    Permit(Permit&& other) noexcept : gate_(other.gate_) { other.gate_ = nullptr; }
    Permit(const Permit&) = delete;
    Permit& operator=(const Permit&) = delete;
    Permit& operator=(Permit&&) = delete;
    ~Permit() {
      if (gate_) gate_->release();
    }

   private:
    WriteGate* gate_;
  };

  // Blocks while frozen.
  Permit acquire();
  // Waits at most `wait` while frozen; nothing when still frozen then
  // (for background work that must stay stoppable).
  std::optional<Permit> tryAcquire(std::chrono::milliseconds wait);

  // Waits up to `timeout` for running writes to finish; false on timeout
  // (the gate is then not frozen).
  bool freeze(std::chrono::milliseconds timeout);
  // Lets new permits through; when the gate was frozen, calls the onThaw()
  // functions afterwards, on this thread, with no lock of the gate held.
  void thaw();
  // `fn` is called after each thaw of a frozen gate (listeners.h: short, any
  // thread; dropping the subscription waits for a call under way).
  [[nodiscard]] Listeners::Subscription onThaw(std::function<void()> fn) { return thawed_.add(std::move(fn)); }
  bool frozen() const;
  int writesInProgress() const;
  // Writers waiting in acquire()/tryAcquire() now (for tests and statistics).
  int writesWaiting() const;

 private:
  void release();

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  int active_ = 0;
  int waiting_ = 0;
  bool frozen_ = false;
  bool freezing_ = false;
  Listeners thawed_;
};

}  // namespace spe::instance
