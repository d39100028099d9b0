#include "cas/cas_routes.h"

#include <algorithm>
#include <climits>
#include <utility>

#include "common/base/logging.h"
#include "common/base/text.h"

namespace spe::cas {
namespace {

// Instance IDs (3 to 32 of a-z, 0-9, '-') and aliases (up to 64 of a-z,
// 0-9, '-', '.', '_'), lower-cased, starting with a letter or digit (so
// that "/-/app.js" asks nothing): anything else is not worth a question.
bool plausibleName(const std::string& lower) {
  if (lower.empty() || lower.size() > 64) return false;
  if (!((lower[0] >= 'a' && lower[0] <= 'z') || (lower[0] >= '0' && lower[0] <= '9'))) return false;
  return std::all_of(lower.begin(), lower.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
  });
}

// The {epoch, seq} of a table or delta under `key` ("routesOrder",
// "fromOrder"); -1 for what is missing or not valid.
std::pair<std::int64_t, std::int64_t> orderIn(const Json& j, const char* key) {
  const auto o = j.find(key);
  if (o == j.end() || !o->is_object()) return {-1, -1};
  return {intField(*o, "epoch", -1, -1, INT64_MAX).value_or(-1), intField(*o, "seq", -1, -1, INT64_MAX).value_or(-1)};
}

}  // namespace

bool CasRoutes::apply(const Json& answer) {
  if (!answer.is_object() || !answer.contains("routes") || !answer["routes"].is_object()) return false;
  const auto [epoch, seq] = orderIn(answer, "routesOrder");
  const Json& routes = answer["routes"];
  std::map<std::string, std::pair<std::string, std::string>> instances;
  std::map<std::string, std::string> aliases;
  for (const auto& i : routes.value("instances", Json::array())) {
    if (!i.is_object()) continue;
    const std::string id = i.value("instanceID", "");
    const std::string host = i.value("host", "");
    instances[asciiLower(id)] = {id, host};
    const std::string alias = i.value("alias", "");
    if (!alias.empty() && instances.emplace(asciiLower(alias), std::make_pair(id, host)).second) {
      aliases[asciiLower(id)] = asciiLower(alias);
    }
  }
  std::lock_guard lock(mutex_);
  if (epoch >= 0 && epoch == order_epoch_ && seq < order_seq_) {
    logger("routes")->debug("routing table {} ignored: older ({}) than the one applied ({})",
                            answer.value("routesVersion", ""), seq, order_seq_);
    return false;
  }
  std::map<std::string, Host> hosts;
  for (const auto& h : routes.value("hosts", Json::array())) {
    if (!h.is_object()) continue;
    const std::string thumbprint = h.value("thumbprint", "");
    auto& ctx = contexts_[thumbprint];
    if (!ctx) {
      auto pins = std::make_shared<ThumbprintPins>();
      pins->add(thumbprint);
      auto made = makeClientContext(&identity_, pins);
      if (!made) {
        logger("routes")->error("cannot build a TLS context for host '{}': {}", h.value("serverName", ""),
                                made.error().message);
        continue;
      }
      ctx = *made;
    }
    hosts[h.value("serverName", "")] = Host{static_cast<std::uint16_t>(h.value("port", 0)), thumbprint, ctx};
  }
  instances_ = std::move(instances);
  aliases_ = std::move(aliases);
  hosts_ = std::move(hosts);
  const std::string version = answer.value("routesVersion", "");
  if (version != version_) {
    logger("routes")->info("routing table: {} instances on {} hosts", instances_.size(), hosts_.size());
  }
  version_ = version;
  order_epoch_ = epoch;
  order_seq_ = seq;
  // A new table may know what was unknown.
  unknown_.clear();
  unknown_order_.clear();
  return true;
}

void CasRoutes::setRouteLocked(const std::string& id, const std::string& alias, const std::string& host) {
  const std::string lower = asciiLower(id);
  if (auto a = aliases_.find(lower); a != aliases_.end()) {
    auto named = instances_.find(a->second);
    if (named != instances_.end() && named->second.first == id) instances_.erase(named);
    aliases_.erase(a);
  }
  if (host.empty()) {
    instances_.erase(lower);
    return;
  }
  instances_[lower] = {id, host};
  if (!alias.empty() && instances_.emplace(asciiLower(alias), std::make_pair(id, host)).second) {
    aliases_[lower] = asciiLower(alias);
  }
}

bool CasRoutes::applyDelta(const Json& delta) {
  if (!delta.is_object() || !delta.contains("routesDelta") || !delta["routesDelta"].is_array()) return false;
  const auto [epoch, seq] = orderIn(delta, "routesOrder");
  const auto [from_epoch, from_seq] = orderIn(delta, "fromOrder");
  std::lock_guard lock(mutex_);
  if (epoch < 0 || epoch != order_epoch_) return false;
  if (seq <= order_seq_) return true;  // this table is as new already
  if (from_epoch != order_epoch_ || from_seq != order_seq_) return false;
  for (const auto& c : delta["routesDelta"]) {
    if (!c.is_object()) continue;
    auto id = stringField(c, "instanceID", {}, 255);
    auto alias = stringField(c, "alias", {}, 255);
    auto host = stringField(c, "host", {}, 255);
    auto removed = boolField(c, "removed", false);
    if (!id || id->empty() || !alias || !host || !removed) continue;
    setRouteLocked(*id, *alias, *removed ? std::string() : *host);
  }
  version_ = delta.value("routesVersion", "");
  order_seq_ = seq;
  unknown_.clear();  // a name unknown before may be known now
  unknown_order_.clear();
  return true;
}

std::string CasRoutes::version() const {
  std::lock_guard lock(mutex_);
  return version_;
}

std::size_t CasRoutes::nameCount() const {
  std::lock_guard lock(mutex_);
  return instances_.size();
}

std::size_t CasRoutes::hostCount() const {
  std::lock_guard lock(mutex_);
  return hosts_.size();
}

std::optional<InstanceRoute> CasRoutes::findLocked(const std::string& lower) const {
  auto it = instances_.find(lower);
  if (it == instances_.end()) return std::nullopt;
  auto h = hosts_.find(it->second.second);
  if (h == hosts_.end()) return std::nullopt;
  return InstanceRoute{it->second.first, h->first, h->second.port, h->second.thumbprint, h->second.context};
}

std::optional<InstanceRoute> CasRoutes::find(const std::string& instance) const {
  std::lock_guard lock(mutex_);
  return findLocked(asciiLower(instance));
}

void CasRoutes::setQuestioner(asio::thread_pool& pool, Questioner ask, RouteQuestionLimits limits) {
  std::lock_guard lock(mutex_);
  pool_ = &pool;
  ask_ = std::move(ask);
  limits_ = limits;
  tokens_ = std::max(1.0, limits_.per_second);
  refilled_ = clock_.now();
}

asio::awaitable<std::optional<InstanceRoute>> CasRoutes::resolve(std::string instance) {
  return asio::async_initiate<decltype(asio::use_awaitable), void(std::optional<InstanceRoute>)>(
      [this](auto handler, std::string name) {
        auto ex = asio::get_associated_executor(handler);
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        startResolve(name, [ex, shared](std::optional<InstanceRoute> route) {
          asio::post(ex, [shared, route = std::move(route)]() mutable {
            auto once = std::move(*shared);
            std::move(once)(std::move(route));
          });
        });
      },
      asio::use_awaitable, std::move(instance));
}

void CasRoutes::startResolve(const std::string& name, Deliver deliver) {
  const std::string key = asciiLower(name);
  std::unique_lock lock(mutex_);
  if (auto route = findLocked(key)) {
    lock.unlock();
    deliver(std::move(route));
    return;
  }
  if (!ask_ || !plausibleName(key)) {
    lock.unlock();
    deliver(std::nullopt);
    return;
  }
  if (auto w = asking_.find(key); w != asking_.end()) {  // the answer under way serves this one too
    w->second.push_back(std::move(deliver));
    return;
  }
  const auto now = clock_.now();
  if (auto u = unknown_.find(key); u != unknown_.end() && now < u->second) {
    lock.unlock();
    deliver(std::nullopt);
    return;
  }
  if (asking_.size() >= limits_.in_flight || !takeToken()) {
    ++refused_;
    if (now - refusal_logged_ >= std::chrono::seconds(10)) {
      refusal_logged_ = now;
      logger("routes")->warn(
          "names without a route refused without asking the Management Server ({} so far): at most {} questions at "
          "a time and {} per second",
          refused_, limits_.in_flight, limits_.per_second);
    }
    lock.unlock();
    deliver(std::nullopt);
    return;
  }
  asking_[key].push_back(std::move(deliver));
  ++asked_;
  lock.unlock();
  asio::post(*pool_, [this, key] { answered(key, offloadedCall<Result<Json>>([this, &key] { return ask_(key); })); });
}

void CasRoutes::answered(const std::string& key, const Result<Json>& answer) {
  if (answer && answer->is_object() && answer->value("known", false)) apply(*answer);
  if (!answer) {
    logger("routes")->warn("cannot ask the Management Server for a route to '{}': {}", key, answer.error().message);
  }
  std::vector<Deliver> waiting;
  std::optional<InstanceRoute> route;
  {
    std::lock_guard lock(mutex_);
    auto w = asking_.find(key);
    if (w != asking_.end()) {
      waiting = std::move(w->second);
      asking_.erase(w);
    }
    route = findLocked(key);
    if (!route) rememberUnknown(key);
  }
  logger("routes")->debug("asked for a route to '{}': {}", key, route ? "known" : "unknown");
  for (auto& deliver : waiting) deliver(route);
}

bool CasRoutes::takeToken() {
  const auto now = clock_.now();
  const double capacity = std::max(1.0, limits_.per_second);
  const double elapsed = std::chrono::duration<double>(now - refilled_).count();
  tokens_ = std::min(capacity, tokens_ + std::max(0.0, elapsed) * limits_.per_second);
  refilled_ = now;
  if (tokens_ < 1) return false;
  tokens_ -= 1;
  return true;
}

void CasRoutes::rememberUnknown(const std::string& key) {
  const auto until = clock_.now() + limits_.remember_unknown;
  if (auto u = unknown_.find(key); u != unknown_.end()) {
    u->second = until;
    return;
  }
  while (!unknown_order_.empty() && unknown_.size() >= limits_.unknown_names) {
    unknown_.erase(unknown_order_.front());
    unknown_order_.pop_front();
  }
  if (limits_.unknown_names == 0) return;
  unknown_.emplace(key, until);
  unknown_order_.push_back(key);
}

std::size_t CasRoutes::questionsAsked() const {
  std::lock_guard lock(mutex_);
  return asked_;
}

std::size_t CasRoutes::refusedWithoutAsking() const {
  std::lock_guard lock(mutex_);
  return refused_;
}

}  // namespace spe::cas
