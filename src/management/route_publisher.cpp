#include "management/route_publisher.h"

#include <algorithm>
#include <future>
#include <optional>
#include <vector>

#include "common/base/logging.h"
#include "common/base/text.h"

namespace spe::management {

RoutePublisher::RoutePublisher(InstanceControl& instances, ManagementDb& db, RolePeers& peers)
    : instances_(instances),
      db_(db),
      peers_(peers),
      epoch_(std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                 .count()),
      thread_([this] { run(); }) {}

RoutePublisher::~RoutePublisher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

std::string RoutePublisher::versionOf(std::int64_t seq) const {
  return std::to_string(epoch_) + "." + std::to_string(seq);
}

std::string RoutePublisher::version() const { return versionOf(seq_.load()); }

Json RoutePublisher::table() {
  const std::int64_t seq = seq_.load();  // before the table (see the header)
  std::lock_guard lock(table_mutex_);
  if (table_seq_ != seq) {
    Json out = instances_.routesForCas();
    if (!out.contains("routes")) return out;  // the database failed: the CASes keep their tables
    out["routesVersion"] = versionOf(seq);
    out["routesOrder"] = Json{{"epoch", epoch_}, {"seq", seq}};
    table_ = std::move(out);
    table_seq_ = seq;
  }
  return table_;
}

void RoutePublisher::publish(const Json& changes, std::chrono::milliseconds wait) {
  std::unique_lock lock(mutex_);
  const std::int64_t target = ++seq_;
  log_[target] = changes.is_array() ? changes : Json();
  while (log_.size() > kMaxLog) log_.erase(log_.begin());
  wanted_ = target;
  cv_.notify_all();
  cv_.wait_for(lock, wait, [&] { return done_ >= target || stopping_; });
}

Json RoutePublisher::lookup(const std::string& name) {
  Json t = table();
  const std::string wanted = asciiLower(name);
  bool known = false;
  if (t.contains("routes")) {
    for (const auto& i : t["routes"].value("instances", Json::array())) {
      if (asciiLower(i.value("instanceID", "")) == wanted || asciiLower(i.value("alias", "")) == wanted) {
        known = !wanted.empty();
        break;
      }
    }
  }
  logger("routes")->debug("routes.lookup '{}': {}", printable(name), known ? "known" : "unknown");
  if (!known) return Json{{"known", false}};
  t["known"] = true;
  return t;
}

void RoutePublisher::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || wanted_ > done_; });
    if (stopping_) return;
    const std::int64_t target = wanted_;
    lock.unlock();
    pushToEveryCas(target);
    lock.lock();
    done_ = target;
    cv_.notify_all();
  }
}

Json RoutePublisher::deltaFor(std::int64_t from, std::int64_t target) {
  std::lock_guard lock(mutex_);
  Json changes = Json::array();
  for (std::int64_t s = from + 1; s <= target; ++s) {
    auto it = log_.find(s);
    if (it == log_.end() || !it->second.is_array()) return Json();
    for (const auto& c : it->second) changes.push_back(c);
  }
  return Json{{"routesDelta", std::move(changes)},
              {"fromOrder", Json{{"epoch", epoch_}, {"seq", from}}},
              {"routesOrder", Json{{"epoch", epoch_}, {"seq", target}}},
              {"routesVersion", versionOf(target)}};
}

// The seq the CAS was brought to, or the error of the push.
Result<std::int64_t> RoutePublisher::pushTo(const ServerRecord& cas, std::int64_t target) {
  std::optional<std::int64_t> from;
  {
    std::lock_guard lock(mutex_);
    if (auto it = sent_.find(cas.server_name); it != sent_.end()) from = it->second;
  }
  if (from && *from >= target) return *from;
  if (from) {
    const Json delta = deltaFor(*from, target);
    if (!delta.is_null()) {
      auto r = peers_.call(cas, "routes.apply", delta, kPushTimeout);
      if (!r) return r.error();
      if (!(r->is_object() && r->value("needTable", false))) return target;
    }
  }
  const Json t = table();
  if (!t.contains("routes")) return makeError(ErrorCode::kUnavailable, "the routing table could not be read");
  auto r = peers_.call(cas, "routes.apply", t, kPushTimeout);
  if (!r) return r.error();
  return t["routesOrder"].value("seq", target);
}

void RoutePublisher::pushToEveryCas(std::int64_t target) {
  auto cases = db_.servers(ServerType::kClientAccessServer);
  if (!cases) {
    logger("routes")->warn("routing table not pushed: {}", cases.error().message);
    return;
  }
  std::vector<std::pair<std::string, std::future<Result<std::int64_t>>>> calls;
  for (const auto& cas : *cases) {
    calls.emplace_back(cas.server_name,
                       std::async(std::launch::async, [this, cas, target] { return pushTo(cas, target); }));
  }
  {
    std::lock_guard lock(mutex_);
    for (auto it = sent_.begin(); it != sent_.end();) {  // CASes no longer paired
      const bool paired = std::any_of(cases->begin(), cases->end(),
                                      [&](const ServerRecord& c) { return c.server_name == it->first; });
      it = paired ? std::next(it) : sent_.erase(it);
    }
  }
  for (auto& [name, call] : calls) {
    const Result<std::int64_t> r = call.get();
    {
      std::lock_guard lock(mutex_);
      if (r) sent_[name] = *r;
      else sent_.erase(name);  // the next push sends it the whole table
    }
    bool& was_ok = reachable_.try_emplace(name, true).first->second;  // only this thread uses reachable_
    if (!r && was_ok) {
      logger("routes")->warn(
          "routing table not pushed to the Client Access Server '{}' ({}); it gets it with its "
          "next heartbeat and asks for names it does not know",
          name, r.error().message);
    } else if (r && !was_ok) {
      logger("routes")->info("routing table pushed to the Client Access Server '{}' again", name);
    }
    was_ok = r.ok();
  }
  std::lock_guard lock(mutex_);
  // Changes every CAS has (or that no CAS will be sent as a delta) are not needed again.
  std::int64_t needed = target;
  for (const auto& [name, seq] : sent_) needed = std::min(needed, seq);
  log_.erase(log_.begin(), log_.upper_bound(needed));
  logger("routes")->debug("routes {} pushed to {} Client Access Servers", versionOf(target), calls.size());
}

}  // namespace spe::management
