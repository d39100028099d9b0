// InstanceCatalog: the Management Server's copy in memory of the instance
// table, patched row by row after each change, and the version of each
// Instance Host's instance list. With it a change costs the same with 10 or
// 10,000 instances registered: nothing reads or sends the whole table.
//
// - snapshot(): every instance sorted by ID, immutable (a reader keeps its
//   snapshot while changes make new ones; a change copies pointers, never
//   records). Loaded from the database on first use.
// - changed(ids): after the rows of `ids` were inserted, updated or deleted
//   (committed): reads those rows again (a missing row was deleted), patches
//   the snapshot and, for every host whose list changed, advances that
//   host's version and returns the change as a delta: {fromVersion,
//   instancesVersion, changes: [spec | {instanceID, removed: true}]}. A host
//   applies a delta only when it is at fromVersion; any other host needs the
//   whole list (InstanceControl::pushChanges sends it then). The change also
//   names the routing entries that changed (created, deleted, another alias
//   or host) for the CASes.
// - hostVersion(host): {epoch, seq}: `epoch` names this run of the
//   Management Server, `seq` is a counter shared by all hosts; a host's
//   version is the seq of the last change to its list. Heartbeats compare
//   it with the version the host reports.
// Changes are applied one at a time (their database reads included), so two
// changes of one instance cannot be applied in the wrong order.
// Thread safety: every member may be called from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/base/json_reader.h"
#include "management/management_db.h"

namespace spe::management {

// What one host must apply: InstanceControl::pushChanges sends it.
struct HostListDelta {
  Json from_version;
  Json to_version;
  Json changes = Json::array();
};

struct CatalogChange {
  std::map<std::string, HostListDelta> hosts;  // by host name
  // [{instanceID, alias, host} | {instanceID, removed: true}]: what the CASes route differently.
  Json routes = Json::array();
};

// A row of the table, and the start of its GetInstances entry as JSON text
// ({"instanceID":...,"startMode":...,), made once per change of the row.
struct CatalogRecord : InstanceRecord {
  explicit CatalogRecord(InstanceRecord r);
  std::string status_head;
};

class InstanceCatalog {
 public:
  using Snapshot = std::vector<std::shared_ptr<const CatalogRecord>>;

  explicit InstanceCatalog(ManagementDb& db);

  Result<std::shared_ptr<const Snapshot>> snapshot();
  Result<CatalogChange> changed(const std::vector<std::string>& ids);
  Json hostVersion(const std::string& host) const;

  // What a host is sent for an instance (instances.sync).
  static Json specJson(const InstanceRecord& r);

 private:
  Status loadLocked();
  Json versionLocked(const std::string& host) const;

  ManagementDb& db_;
  const std::int64_t epoch_;
  mutable std::mutex mutex_;
  std::int64_t seq_ = 0;
  std::map<std::string, std::int64_t> host_seq_;  // host -> seq of its last change (absent: 0)
  std::shared_ptr<const Snapshot> snapshot_;
};

}  // namespace spe::management
