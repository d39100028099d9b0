// InstanceSupervisor, its instance list: the Management Server's list and
// its changes (sync, update), the copy on disk (InstanceListFile), the
// automatic starts, the status of every instance, and the wiring of the
// on-demand instances (OnDemandInstances). Processes are started, stopped and
// reaped in instance_supervisor.cpp.
#include <algorithm>
#include <set>

#include "common/base/logging.h"
#include "instancehost/instance_list_file.h"
#include "instancehost/instance_supervisor.h"
#include "instancehost/instance_supervisor_managed.h"
#include "instancehost/on_demand.h"

namespace spe::instancehost {

void InstanceSupervisor::makeListFileAndOnDemand() {
  list_file_ = std::make_unique<InstanceListFile>(options_.state_file, clock_, [this] {
    std::vector<InstanceSpec> specs;
    std::lock_guard lock(mutex_);
    specs.reserve(instances_.size());
    for (const auto& [id, m] : instances_) specs.push_back(m->spec);
    return specs;
  });
  OnDemandInstances::Hooks hooks;
  hooks.on_demand = [this](const std::string& id) { return onDemand(id); };
  hooks.running = [this](const std::string& id) {
    std::lock_guard lock(mutex_);
    const Managed* m = find(id);
    return m && m->pid != 0 && m->state == InstanceState::kRunning;
  };
  hooks.running_ids = [this] {
    std::set<std::string> ids;
    std::lock_guard lock(mutex_);
    for (const auto& [id, m] : instances_) {
      if (m->pid != 0 && m->state == InstanceState::kRunning) ids.insert(id);
    }
    return ids;
  };
  hooks.start = [this](const std::string& id) { return start(id, false); };
  hooks.stop = [this](const std::string& id) { return stop(id); };
  hooks.activity = [this](const std::string& id) {
    return call(id, "activity", Json::object(), std::chrono::seconds(10));
  };
  hooks.post = [this](std::function<void()> fn) { asio::post(pool_, std::move(fn)); };
  on_demand_ = std::make_shared<OnDemandInstances>(std::move(hooks), clock_, options_.idle_stop_after);
}

bool InstanceSupervisor::onDemand(const std::string& id) const {
  std::lock_guard lock(mutex_);
  auto it = instances_.find(id);
  return it != instances_.end() && it->second->spec.start_mode == kOnDemand;
}

Json InstanceSupervisor::status() const {
  std::lock_guard lock(mutex_);
  Json out = Json::array();
  for (const auto& [id, m] : instances_) {
    // Plainly stopped instances are left out: "stopped" is the default.
    if (m->state == InstanceState::kStopped && m->error.empty() && m->pid == 0) continue;
    Json s = Json::object();
    s["instanceID"] = id;
    s["processID"] = m->pid ? Json(m->pid) : Json();
    s["status"] = stateName(m->state);
    s["startStopError"] = m->error.empty() ? Json() : Json(m->error);
    s["safeMode"] = m->pid ? m->safe_mode : false;
    s["frozen"] = m->frozen;
    out.push_back(std::move(s));
  }
  return out;
}

int InstanceSupervisor::runningCount() const {
  std::lock_guard lock(mutex_);
  int n = 0;
  for (const auto& [id, m] : instances_) n += m->state == InstanceState::kRunning ? 1 : 0;
  return n;
}

int InstanceSupervisor::knownCount() const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(instances_.size());
}

int InstanceSupervisor::standbyCount() const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(std::count_if(instances_.begin(), instances_.end(), [](const auto& e) {
    const Managed& m = *e.second;
    return m.spec.start_mode == kOnDemand && m.pid == 0 && !m.starting && m.state == InstanceState::kStopped;
  }));
}

void InstanceSupervisor::sync(const std::vector<InstanceSpec>& specs) {
  bool first = false;
  {
    std::lock_guard lock(mutex_);
    std::set<std::string> wanted;
    for (const auto& s : specs) {
      if (s.id.empty()) continue;
      wanted.insert(s.id);
      if (Managed* m = find(s.id)) {
        m->spec = s;
      } else {
        auto m2 = std::make_unique<Managed>();
        m2->spec = s;
        instances_[s.id] = std::move(m2);
      }
    }
    for (auto it = instances_.begin(); it != instances_.end();) {
      if (!wanted.count(it->first) && it->second->pid == 0 && !it->second->starting) it = instances_.erase(it);
      else ++it;
    }
    first = !autostarted_;
    autostarted_ = true;
  }
  list_file_->saveNow();
  if (first) autostart();
}

void InstanceSupervisor::forgetIfIdle(const std::string& id) {
  auto it = instances_.find(id);
  if (it != instances_.end() && it->second->pid == 0 && !it->second->starting) instances_.erase(it);
}

void InstanceSupervisor::update(const std::vector<InstanceSpec>& changed, const std::vector<std::string>& removed) {
  {
    std::lock_guard lock(mutex_);
    for (const auto& id : removed) forgetIfIdle(id);
    for (const auto& s : changed) {
      if (s.id.empty()) continue;
      auto& m = instances_[s.id];
      if (!m) m = std::make_unique<Managed>();
      m->spec = s;
    }
  }
  list_file_->saveSoon();
}

void InstanceSupervisor::autostart() {
  std::vector<std::string> ids;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, m] : instances_) {
      if (m->spec.start_mode == "automatic" && m->pid == 0 && !m->starting) ids.push_back(id);
    }
  }
  for (const auto& id : ids) {
    asio::post(pool_, [this, id] { (void)start(id, false); });
  }
}

}  // namespace spe::instancehost
