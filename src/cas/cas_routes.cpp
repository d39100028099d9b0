#include "cas/cas_routes.h"

#include "common/base/logging.h"
#include "common/base/text.h"

namespace spe::cas {

void CasRoutes::apply(const Json& answer) {
  if (!answer.is_object() || !answer.contains("routes") || !answer["routes"].is_object()) return;
  const Json& routes = answer["routes"];
  std::map<std::string, std::pair<std::string, std::string>> instances;
  for (const auto& i : routes.value("instances", Json::array())) {
    if (!i.is_object()) continue;
    const std::string id = i.value("instanceID", "");
    const std::string host = i.value("host", "");
    instances[asciiLower(id)] = {id, host};
    const std::string alias = i.value("alias", "");
    if (!alias.empty()) instances.emplace(asciiLower(alias), std::make_pair(id, host));
  }
  std::lock_guard lock(mutex_);
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
  hosts_ = std::move(hosts);
  version_ = answer.value("routesVersion", "");
  logger("routes")->info("routing table: {} instances on {} hosts", instances_.size(), hosts_.size());
}

std::string CasRoutes::version() const {
  std::lock_guard lock(mutex_);
  return version_;
}

std::optional<InstanceRoute> CasRoutes::find(const std::string& instance) const {
  std::lock_guard lock(mutex_);
  auto it = instances_.find(asciiLower(instance));
  if (it == instances_.end()) return std::nullopt;
  auto h = hosts_.find(it->second.second);
  if (h == hosts_.end()) return std::nullopt;
  return InstanceRoute{it->second.first, h->first, h->second.port, h->second.thumbprint, h->second.context};
}

}  // namespace spe::cas
