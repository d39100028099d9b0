#include "instancehost/instance/model/write_gate.h"

namespace spe::instance {

WriteGate::Permit WriteGate::acquire() {
  std::unique_lock lock(mutex_);
  ++waiting_;
  cv_.wait(lock, [this] { return !frozen_ && !freezing_; });
  --waiting_;
  ++active_;
  return Permit(*this);
}

std::optional<WriteGate::Permit> WriteGate::tryAcquire(std::chrono::milliseconds wait) {
  std::unique_lock lock(mutex_);
  ++waiting_;
  const bool open = cv_.wait_for(lock, wait, [this] { return !frozen_ && !freezing_; });
  --waiting_;
  if (!open) return std::nullopt;
  ++active_;
  return Permit(*this);
}

void WriteGate::release() {
  std::lock_guard lock(mutex_);
  --active_;
  cv_.notify_all();
}

bool WriteGate::freeze(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  if (frozen_) return true;
  freezing_ = true;  // new writers wait from now on
  const bool drained = cv_.wait_for(lock, timeout, [this] { return active_ == 0; });
  freezing_ = false;
  frozen_ = drained;
  cv_.notify_all();
  return drained;
}

void WriteGate::thaw() {
  bool was_frozen = false;
  {
    std::lock_guard lock(mutex_);
    was_frozen = frozen_;
    frozen_ = false;
    cv_.notify_all();
  }
  if (was_frozen) thawed_.notify();  // unlocked: a listener may ask frozen()
}

bool WriteGate::frozen() const {
  std::lock_guard lock(mutex_);
  return frozen_;
}

int WriteGate::writesInProgress() const {
  std::lock_guard lock(mutex_);
  return active_;
}

int WriteGate::writesWaiting() const {
  std::lock_guard lock(mutex_);
  return waiting_;
}

}  // namespace spe::instance
