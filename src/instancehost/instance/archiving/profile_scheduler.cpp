#include "instancehost/instance/archiving/profile_scheduler.h"

#include <ctime>

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
  const bool has_pause = s.contains("automaticPauseBetweenExecutions") && !s["automaticPauseBetweenExecutions"].is_null();
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

ProfileScheduler::~ProfileScheduler() { stop(); }

void ProfileScheduler::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  cancel_ = false;
  thread_ = std::thread([this] { loop(); });
}

void ProfileScheduler::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cancel_ = true;
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  reap(true);
}

void ProfileScheduler::restart(std::int64_t profile_id) {
  {
    std::lock_guard lock(mutex_);
    next_.erase(profile_id);
  }
  cv_.notify_all();
}

void ProfileScheduler::reap(bool all) {
  for (auto it = runs_.begin(); it != runs_.end();) {
    if (all || it->done->load()) {
      it->thread.join();
      it = runs_.erase(it);
    } else {
      ++it;
    }
  }
}

void ProfileScheduler::loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    cv_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_; });
    if (stopping_) break;
    reap(false);
    if (const auto generation = profiles_.generation(); generation != seen_generation_) {
      lock.unlock();
      auto all = profiles_.list();  // only when profiles changed
      lock.lock();
      if (!all) continue;
      automatic_.clear();
      for (auto& p : *all) {
        if (p.server_side.value("automatic", false)) automatic_.push_back(std::move(p));
      }
      seen_generation_ = generation;
    }
    if (gate_.frozen()) continue;
    const std::time_t t = std::time(nullptr);
    std::tm local{};
    localtime_r(&t, &local);
    const int minute = local.tm_hour * 60 + local.tm_min;
    const auto now = std::chrono::steady_clock::now();
    for (const auto& p : automatic_) {
      if (runner_.running(p.id)) continue;
      if (inMaintenanceWindow(p.server_side.value("automaticMaintenanceWindows", ""), minute)) continue;
      auto next = next_.find(p.id);
      if (next != next_.end() && now < next->second) continue;
      next_[p.id] = std::chrono::steady_clock::time_point::max();  // until this run ends
      auto done = std::make_shared<std::atomic<bool>>(false);
      const auto pause = std::chrono::seconds(p.server_side.value("automaticPauseBetweenExecutions", 300));
      runs_.push_back({std::thread([this, p, done, pause] {
                         store::OperationControl control;
                         control.cancelled = [this] { return cancel_.load(); };
                         auto r = runner_.run(p, control);
                         if (!r) {
                           logger("profiles")->warn("automatic run of profile '{}' (id {}): {}", p.name, p.id,
                                                    r.error().message);
                         }
                         {
                           std::lock_guard l(mutex_);
                           auto it = next_.find(p.id);
                           if (it != next_.end()) it->second = std::chrono::steady_clock::now() + pause;
                         }
                         *done = true;
                       }),
                       done});
    }
  }
}

}  // namespace spe::instance
