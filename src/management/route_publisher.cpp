#include "management/route_publisher.h"

#include <future>
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

Json RoutePublisher::table() {
  const std::int64_t seq = seq_.load();  // before the table (see the header)
  Json out = instances_.routesForCas();
  if (!out.contains("routes")) return out;  // the database failed: the CASes keep their tables
  out["routesOrder"] = Json{{"epoch", epoch_}, {"seq", seq}};
  return out;
}

void RoutePublisher::publish(std::chrono::milliseconds wait) {
  std::unique_lock lock(mutex_);
  const std::int64_t target = ++seq_;
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
    pushToEveryCas(table());
    lock.lock();
    done_ = target;
    cv_.notify_all();
  }
}

void RoutePublisher::pushToEveryCas(const Json& t) {
  if (!t.contains("routes")) return;
  auto cases = db_.servers(ServerType::kClientAccessServer);
  if (!cases) {
    logger("routes")->warn("routing table not pushed: {}", cases.error().message);
    return;
  }
  std::vector<std::pair<std::string, std::future<Result<Json>>>> calls;
  for (const auto& cas : *cases) {
    calls.emplace_back(cas.server_name, std::async(std::launch::async, [this, cas, &t] {
                         return peers_.call(cas, "routes.apply", t, kPushTimeout);
                       }));
  }
  for (auto& [name, call] : calls) {
    const Result<Json> r = call.get();
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
  logger("routes")->debug("routing table {} pushed to {} Client Access Servers", t.value("routesVersion", ""),
                          calls.size());
}

}  // namespace spe::management
