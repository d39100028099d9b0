#include "instancehost/instance/archiving/profile_scheduler.h"

#include <ctime>
#include <optional>

#include "common/base/logging.h"

namespace spe::instance {
namespace {

Error bad(const std::string& what) { return makeError(ErrorCode::kInvalidArgument, what); }

// "hh:mm" as minutes of the day.
std::optional<int> minuteOf(const std::string& s) {
  if (s.size() != 5 || s[2] != ':') return std::nullopt;
  for (int i : {0, 1, 3, 4}) {
    if (!std::isdigit(static_cast<unsigned char>(s[static_cast<std::size_t>(i)]))) return std::nullopt;
  }
  const int h = std::stoi(s.substr(0, 2)), m = std::stoi(s.substr(3, 2));
  if (h > 23 || m > 59) return std::nullopt;
  return h * 60 + m;
}

// The windows as [from, to) minute pairs; nullopt when malformed.
std::optional<std::vector<std::pair<int, int>>> windowsOf(const std::string& text) {
  std::vector<std::pair<int, int>> out;
  std::string cur;
  auto flush = [&]() -> bool {
    std::string w;
    for (char c : cur) {
      if (c != ' ') w += c;
    }
    cur.clear();
    if (w.empty()) return true;
    const auto dash = w.find('-');
    if (dash == std::string::npos) return false;
    const auto from = minuteOf(w.substr(0, dash)), to = minuteOf(w.substr(dash + 1));
    if (!from || !to) return false;
    out.emplace_back(*from, *to);
    return true;
  };
  for (char c : text) {
    if (c == ',' || c == ';') {
      if (!flush()) return std::nullopt;
    } else {
      cur += c;
    }
  }
  if (!flush()) return std::nullopt;
  return out;
}

}  // namespace

Result<Json> parseServerSideExecution(const Json& s, bool require_pause) {
  if (!s.is_object()) return bad("'serverSideExecution' must be an object.");
  auto automatic = detailFlag(s, "automatic", false);
  if (!automatic) return bad("'automatic' must be true or false.");
  Json out{{"automatic", *automatic}};
  const bool has_pause = s.contains("automaticPauseBetweenExecutions") &&
                         !s["automaticPauseBetweenExecutions"].is_null();
  if (*automatic && require_pause && !has_pause) {
    return bad("'automaticPauseBetweenExecutions' is required with automatic=true.");
  }
  auto pause = detailNumber(s, "automaticPauseBetweenExecutions", 300, 0, 2147483647);
  if (!pause) return bad("'automaticPauseBetweenExecutions' must be a number of seconds from 0 to 2147483647.");
  out["automaticPauseBetweenExecutions"] = *pause;
  auto windows = detailString(s, "automaticMaintenanceWindows", false);
  if (!windows) return bad("'automaticMaintenanceWindows' must be a string like 22:00-04:00.");
  if (!windowsOf(*windows)) {
    return bad("'automaticMaintenanceWindows' must be time spans like 22:00-04:00 (several separated by ','), not '" +
               *windows + "'.");
  }
  out["automaticMaintenanceWindows"] = *windows;
  return out;
}

bool inMaintenanceWindow(const std::string& text, int minute) {
  const auto windows = windowsOf(text);
  if (!windows) return false;
  for (const auto& [from, to] : *windows) {
    if (from <= to ? (minute >= from && minute < to) : (minute >= from || minute < to)) return true;
  }
  return false;
}

ProfileScheduler::ProfileScheduler(ProfileStore& profiles, ProfileRunner& runner, WriteGate& gate, Clock& clock)
    : ProfileScheduler(
          Hooks{[&profiles] { return profiles.generation(); }, [&profiles] { return profiles.list(); },
                [&runner](std::int64_t id) { return runner.running(id); },
                [&runner](const Profile& p, const store::OperationControl& control) { return runner.run(p, control); },
                [&gate] { return gate.frozen(); },
                [&gate](std::function<void()> fn) { return gate.onThaw(std::move(fn)); },
                [&runner](std::function<void()> fn) { return runner.onRunEnd(std::move(fn)); }},
          clock) {}

ProfileScheduler::ProfileScheduler(Hooks hooks, Clock& clock)
    : hooks_(std::move(hooks)), clock_(clock), timer_(clock.makeTimer([this] { look(); })) {}

ProfileScheduler::~ProfileScheduler() { stop(); }

void ProfileScheduler::start() {
  std::lock_guard lifecycle(lifecycle_mutex_);
  {
    std::lock_guard lock(mutex_);
    if (started_) return;
    started_ = true;
    stopping_ = false;
    cancel_ = false;
  }
  // Without mutex_: a report under way holds its Listeners lock and waits for mutex_.
  if (hooks_.on_thaw) subscriptions_.push_back(hooks_.on_thaw([this] { lookNow(); }));
  if (hooks_.on_run_end) subscriptions_.push_back(hooks_.on_run_end([this] { lookNow(); }));
  timer_->armAfter(Clock::Duration::zero());
}

void ProfileScheduler::stop() {
  std::lock_guard lifecycle(lifecycle_mutex_);
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    started_ = false;
  }
  subscriptions_.clear();  // waits for a report under way (which takes mutex_)
  cancel_ = true;
  timer_->cancel();  // waits for a look under way (which takes mutex_)
  std::list<Run> runs;
  {
    std::lock_guard lock(mutex_);
    runs.swap(runs_);
  }
  for (auto& r : runs) r.thread.join();  // a run's end takes mutex_
}

void ProfileScheduler::lookNow() {
  std::lock_guard lock(mutex_);
  if (started_ && !stopping_) timer_->armAfter(Clock::Duration::zero());
}

void ProfileScheduler::restart(std::int64_t profile_id) {
  std::lock_guard lock(mutex_);
  next_.erase(profile_id);
  if (started_ && !stopping_) timer_->armAfter(Clock::Duration::zero());
}

std::optional<Clock::Duration> ProfileScheduler::nextRunIn() {
  std::lock_guard lock(mutex_);
  if (!started_ || stopping_ || automatic_.empty()) return std::nullopt;
  const auto now = clock_.now();
  Clock::Duration soonest = Clock::Duration::max();
  for (const auto& p : automatic_) {
    auto due = next_.find(p.id);
    if (due == next_.end() || due->second == Clock::TimePoint::max() || due->second <= now) return Clock::Duration(0);
    soonest = std::min(soonest, due->second - now);
  }
  return soonest;
}

void ProfileScheduler::reap() {
  for (auto it = runs_.begin(); it != runs_.end();) {
    if (it->done->load()) {
      it->thread.join();
      it = runs_.erase(it);
    } else {
      ++it;
    }
  }
}

void ProfileScheduler::look() {
  std::unique_lock lock(mutex_);
  if (!started_ || stopping_) return;
  reap();
  if (const auto generation = hooks_.generation(); generation != seen_generation_) {
    lock.unlock();
    auto all = hooks_.profiles();  // only when profiles changed
    lock.lock();
    if (!started_ || stopping_) return;
    if (!all) {
      timer_->armAfter(kRetryAfterError);
      return;
    }
    automatic_.clear();
    for (auto& p : *all) {
      if (p.server_side.value("automatic", false)) automatic_.push_back(std::move(p));
    }
    seen_generation_ = generation;
  }
  if (const auto next = startDue()) timer_->armAfter(*next);
}

std::optional<Clock::Duration> ProfileScheduler::startDue() {
  std::optional<Clock::Duration> next;
  auto lookIn = [&](Clock::Duration d) { next = next ? std::min(*next, d) : d; };
  if (hooks_.frozen()) return next;  // the thaw looks again (lookNow)
  const auto wall = clock_.systemNow();
  const std::time_t t = std::chrono::system_clock::to_time_t(wall);
  std::tm local{};
  localtime_r(&t, &local);
  const int minute = local.tm_hour * 60 + local.tm_min;
  const Clock::Duration to_next_minute = std::max<Clock::Duration>(
      std::chrono::seconds(60 - local.tm_sec) - (wall - std::chrono::floor<std::chrono::seconds>(wall)),
      std::chrono::milliseconds(100));
  const auto now = clock_.now();
  for (const auto& p : automatic_) {
    auto due = next_.find(p.id);
    if (due != next_.end() && due->second == Clock::TimePoint::max()) continue;  // our run: its end looks again
    if (hooks_.running(p.id)) continue;  // a RunProfile run: its end looks again (lookNow)
    if (due != next_.end() && now < due->second) {
      lookIn(due->second - now);
      continue;
    }
    if (inMaintenanceWindow(p.server_side.value("automaticMaintenanceWindows", ""), minute)) {
      lookIn(to_next_minute);
      continue;
    }
    startRun(p);
  }
  return next;
}

void ProfileScheduler::startRun(const Profile& p) {
  next_[p.id] = Clock::TimePoint::max();  // until this run ends
  auto done = std::make_shared<std::atomic<bool>>(false);
  const auto pause = std::chrono::seconds(p.server_side.value("automaticPauseBetweenExecutions", 300));
  runs_.push_back(
      {std::thread([this, p, done, pause] {
         store::OperationControl control;
         control.cancelled = [this] { return cancel_.load(); };
         auto r = hooks_.run(p, control);
         if (!r) {
           logger("profiles")->warn("automatic run of profile '{}' (id {}): {}", p.name, p.id, r.error().message);
         }
         runEnded(p.id, pause);
         *done = true;
       }),
       done});
}

void ProfileScheduler::runEnded(std::int64_t profile_id, std::chrono::seconds pause) {
  std::lock_guard lock(mutex_);
  auto it = next_.find(profile_id);
  if (it != next_.end()) it->second = clock_.now() + pause;
  // Looks at once, which sets the timer to the pause (the thread is joined
  // at a later look, or by stop()).
  if (started_ && !stopping_) timer_->armAfter(Clock::Duration::zero());
}

}  // namespace spe::instance
