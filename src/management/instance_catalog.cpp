#include "management/instance_catalog.h"

#include <algorithm>
#include <chrono>

namespace spe::management {
namespace {

bool byId(const std::shared_ptr<const CatalogRecord>& r, const std::string& id) { return r->instance_id < id; }

Json routeOf(const InstanceRecord& r) {
  return Json{{"instanceID", r.instance_id}, {"alias", r.alias}, {"host", r.instance_host}};
}

std::string jsonText(const std::string& s) { return Json(s).dump(-1, ' ', false, Json::error_handler_t::replace); }

}  // namespace

CatalogRecord::CatalogRecord(InstanceRecord r) : InstanceRecord(std::move(r)) {
  status_head = "{\"instanceID\":" + jsonText(instance_id) + ",\"alias\":" + jsonText(alias) +
                ",\"displayName\":" + jsonText(display_name) + ",\"instanceHost\":" + jsonText(instance_host) +
                ",\"startMode\":" + jsonText(start_mode) + ",";
}

InstanceCatalog::InstanceCatalog(ManagementDb& db)
    : db_(db),
      epoch_(std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                 .count()) {}

Json InstanceCatalog::specJson(const InstanceRecord& r) {
  return Json{{"instanceID", r.instance_id},
              {"baseDirectory", r.base_directory},
              {"startMode", r.start_mode},
              {"debugLogEnabled", r.debug_log_enabled}};
}

Status InstanceCatalog::loadLocked() {
  auto rows = db_.instances();  // sorted by INSTANCE_ID
  if (!rows) return rows.error();
  auto s = std::make_shared<Snapshot>();
  s->reserve(rows->size());
  for (auto& r : *rows) s->push_back(std::make_shared<const CatalogRecord>(std::move(r)));
  snapshot_ = std::move(s);
  return okStatus();
}

Result<std::shared_ptr<const InstanceCatalog::Snapshot>> InstanceCatalog::snapshot() {
  std::lock_guard lock(mutex_);
  if (!snapshot_) SPE_TRY(loadLocked());
  return snapshot_;
}

Json InstanceCatalog::versionLocked(const std::string& host) const {
  auto it = host_seq_.find(host);
  return Json{{"epoch", epoch_}, {"seq", it == host_seq_.end() ? 0 : it->second}};
}

Json InstanceCatalog::hostVersion(const std::string& host) const {
  std::lock_guard lock(mutex_);
  return versionLocked(host);
}

Result<CatalogChange> InstanceCatalog::changed(const std::vector<std::string>& ids) {
  std::lock_guard lock(mutex_);
  if (!snapshot_) SPE_TRY(loadLocked());
  auto next = std::make_shared<Snapshot>(*snapshot_);
  CatalogChange out;
  std::map<std::string, Json> host_changes;
  for (const auto& id : ids) {
    auto row = db_.instance(id);
    if (!row) return row.error();  // the snapshot stays as it was
    auto at = std::lower_bound(next->begin(), next->end(), id, byId);
    const bool found = at != next->end() && (*at)->instance_id == id;
    const std::shared_ptr<const CatalogRecord> old = found ? *at : nullptr;
    std::shared_ptr<const CatalogRecord> now;
    if (row->has_value()) now = std::make_shared<const CatalogRecord>(std::move(**row));
    if (found && now) *at = now;
    else if (found) next->erase(at);
    else if (now) next->insert(at, now);
    if (old && (!now || now->instance_host != old->instance_host)) {
      host_changes[old->instance_host].push_back(Json{{"instanceID", id}, {"removed", true}});
    }
    if (now && (!old || now->instance_host != old->instance_host || specJson(*now) != specJson(*old))) {
      host_changes[now->instance_host].push_back(specJson(*now));
    }
    if (!old || !now || old->alias != now->alias || old->instance_host != now->instance_host) {
      out.routes.push_back(now ? routeOf(*now) : Json{{"instanceID", id}, {"removed", true}});
    }
  }
  snapshot_ = std::move(next);
  for (auto& [host, changes] : host_changes) {
    HostListDelta d;
    d.from_version = versionLocked(host);
    host_seq_[host] = ++seq_;
    d.to_version = versionLocked(host);
    d.changes = std::move(changes);
    out.hosts.emplace(host, std::move(d));
  }
  return out;
}

}  // namespace spe::management
