#include "instancehost/on_demand.h"

#include <algorithm>
#include <vector>

#include "common/base/logging.h"

namespace spe::instancehost {

OnDemandInstances::OnDemandInstances(Hooks hooks, Clock& clock, std::chrono::seconds idle_after)
    : hooks_(std::move(hooks)), clock_(clock), idle_after_(idle_after) {}

OnDemandInstances::~OnDemandInstances() {
  std::vector<std::unique_ptr<Timer>> timers;
  {
    std::lock_guard lock(mutex_);
    timers.push_back(std::move(sweep_timer_));
    for (auto& [id, s] : states_) timers.push_back(std::move(s.wake_timer));
  }
  for (auto& t : timers) {
    if (t) t->cancel();
  }
}

void OnDemandInstances::begin() {
  if (idle_after_.count() <= 0) return;
  const auto every = std::clamp<std::chrono::seconds>(idle_after_ / 4, std::chrono::seconds(1),
                                                      std::chrono::seconds(60));
  std::lock_guard lock(mutex_);
  sweep_timer_ = clock_.makeTimer([this, every] {
    sweep();
    std::lock_guard again(mutex_);
    if (sweep_timer_) sweep_timer_->armAfter(every);
  });
  sweep_timer_->armAfter(every);
}

OnDemandInstances::Use OnDemandInstances::use(const std::string& id) {
  {
    std::lock_guard lock(mutex_);
    State& s = states_[id];
    ++s.in_use;
    s.last_used = clock_.now();
    s.seen = true;
  }
  return std::shared_ptr<void>(nullptr, [weak = weak_from_this(), id](void*) {
    auto self = weak.lock();
    if (!self) return;
    std::lock_guard lock(self->mutex_);
    State& s = self->states_[id];
    --s.in_use;
    s.last_used = self->clock_.now();
  });
}

Status OnDemandInstances::wake(const std::string& id) {
  if (!hooks_.on_demand(id)) return okStatus();
  std::unique_lock lock(mutex_);
  // An idle stop under way ends first; then the instance starts again.
  stopped_cv_.wait(lock, [&] { return !stopping_.count(id); });
  if (auto w = waking_.find(id); w != waking_.end()) {
    auto pending = w->second;  // another use is starting it: its outcome is this one's
    lock.unlock();
    return pending.get();
  }
  if (hooks_.running(id)) return okStatus();
  std::promise<Status> promise;
  waking_[id] = promise.get_future().share();
  lock.unlock();
  const auto t0 = clock_.now();
  Status st = hooks_.start(id);
  if (st) {
    logger("instances")
        ->info("[I{}] started on demand in {} ms", id,
               std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now() - t0).count());
  }
  std::unique_ptr<Timer> old_wake;
  lock.lock();
  waking_.erase(id);
  State& s = states_[id];
  s.last_used = clock_.now();
  s.seen = true;
  if (st) old_wake = std::move(s.wake_timer);  // it runs now: a wake armed for later is not needed
  lock.unlock();
  promise.set_value(st);
  if (old_wake) old_wake->cancel();
  return st;
}

std::set<std::string> OnDemandInstances::sweep() {
  const auto running = hooks_.running_ids();
  const auto now = clock_.now();
  std::set<std::string> idle, kept_in_use;
  {
    std::lock_guard lock(mutex_);
    for (const auto& id : running) {
      if (!hooks_.on_demand(id)) continue;
      State& s = states_[id];
      if (!s.seen) {  // started by an administrator or after a crash: used from now on
        s.seen = true;
        s.last_used = now;
        continue;
      }
      if (stopping_.count(id) || waking_.count(id) || now - s.last_used < idle_after_) continue;
      (s.in_use > 0 ? kept_in_use : idle).insert(id);
    }
    // Forget what is neither running nor in use nor waiting to wake (10,000
    // registered instances keep no state here while they sleep).
    for (auto it = states_.begin(); it != states_.end();) {
      const State& s = it->second;
      const bool keep = s.in_use > 0 || s.wake_timer || running.count(it->first) || stopping_.count(it->first);
      it = keep ? std::next(it) : states_.erase(it);
    }
    for (const auto& id : idle) stopping_.insert(id);
  }
  for (const auto& id : kept_in_use) logger("instances")->debug("[I{}] idle long enough but in use: kept running", id);
  for (const auto& id : idle) hooks_.post([this, id] { idleStop(id); });
  return idle;
}

void OnDemandInstances::idleStop(const std::string& id) {
  auto done = [this, &id](bool used_now) {
    std::lock_guard lock(mutex_);
    stopping_.erase(id);
    if (used_now) {
      State& s = states_[id];
      s.last_used = clock_.now();
      s.seen = true;
    }
    stopped_cv_.notify_all();
  };
  const Result<Json> activity = hooks_.activity(id);
  if (!activity || !activity->is_object()) {
    logger("instances")
        ->warn("[I{}] not stopped for idleness: it did not say what it does ({})", id,
               activity ? "no answer" : activity.error().message);
    return done(true);
  }
  if (activity->value("busy", false) == true) {
    logger("instances")->debug("[I{}] idle but busy ({}): kept running", id, activity->value("reasons", Json()).dump());
    return done(true);
  }
  {
    std::lock_guard lock(mutex_);
    if (states_[id].in_use > 0) {  // used since the sweep looked
      stopping_.erase(id);
      stopped_cv_.notify_all();
      return;
    }
  }
  const Status st = hooks_.stop(id);
  if (!st) {
    logger("instances")->warn("[I{}] could not be stopped for idleness: {}", id, st.error().message);
    return done(true);
  }
  const auto next = activity->find("nextWakeSeconds");
  std::optional<std::int64_t> wake_in;
  if (next != activity->end() && next->is_number_integer()) {
    wake_in = std::clamp<std::int64_t>(next->get<std::int64_t>(), 0, 366LL * 24 * 3600);
  }
  logger("instances")
      ->info(
          "[I{}] stopped after {} s without use{}", id, idle_after_.count(),
          wake_in ? "; it starts again in " + std::to_string(*wake_in) + " s for its scheduled work" : std::string());
  if (wake_in) armWake(id, std::chrono::seconds(*wake_in));
  done(false);
}

void OnDemandInstances::armWake(const std::string& id, std::chrono::seconds in) {
  std::unique_ptr<Timer> old;
  {
    std::lock_guard lock(mutex_);
    State& s = states_[id];
    old = std::move(s.wake_timer);
    s.wake_timer = clock_.schedule(in, [this, id] {
      hooks_.post([this, id] {
        if (auto st = wake(id); !st) {
          logger("instances")->warn("[I{}] could not start for its scheduled work: {}", id, st.error().message);
        }
      });
    });
  }
  if (old) old->cancel();
}

std::set<std::string> OnDemandInstances::stopping() const {
  std::lock_guard lock(mutex_);
  return stopping_;
}

std::set<std::string> OnDemandInstances::wakesArmed() const {
  std::lock_guard lock(mutex_);
  std::set<std::string> out;
  for (const auto& [id, s] : states_) {
    if (s.wake_timer) out.insert(id);
  }
  return out;
}

}  // namespace spe::instancehost
