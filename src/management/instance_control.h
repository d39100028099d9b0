// InstanceControl: the Management Server's view of instances on their
// hosts: selecting instances by filter, asking hosts for live status,
// pushing the instance list to a host, and forwarding calls to an
// instance process (Management Server -> Instance Host -> instance).
// Thread safety: stateless apart from the references; safe from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/base/json_reader.h"
#include "management/management_db.h"
#include "management/role_peers.h"

namespace spe::management {

struct SelectedInstance {
  InstanceRecord record;
  Json status;  // {processID, status, startStopError, safeMode, frozen}
};

class InstanceControl {
 public:
  InstanceControl(ManagementDb& db, RolePeers& peers);

  // Every change to the instance table bumps the list version; hosts ignore
  // a list older than one they already applied (a heartbeat answer computed
  // before a change can arrive after the push that announced it).
  void bumpVersion() { ++seq_; }

  // Every instance, from a copy of the table kept in memory and reloaded
  // after each change (bumpVersion); the database stays authoritative.
  Result<std::shared_ptr<const std::vector<InstanceRecord>>> all();
  Json listVersion() const;

  // Instances matching the filter, with live status. Unknown IDs or hosts
  // are errors naming them.
  Result<std::vector<SelectedInstance>> select(const std::string& filter);

  // Live status of one instance ({status:"error", ...} when its host is down).
  Result<SelectedInstance> one(const std::string& instance_id);

  // Sends the host its full instance list (best effort: returns the error).
  Status pushToHost(const std::string& host_name);

  // {instances, instancesVersion} for the host with this thumbprint (heartbeat answers).
  Json instancesForHostThumbprint(const std::string& thumbprint);

  // The CAS routing table: {routes:{instances:[{instanceID, alias, host}],
  // hosts:[{serverName, port, thumbprint}]}, routesVersion (a hash)}.
  Json routesForCas();
  // The thumbprints of the paired CASes (hosts accept their streams).
  Json casThumbprints();

  Result<Json> hostCall(const std::string& host_name, const std::string& method, const Json& params,
                        std::chrono::milliseconds timeout, const RpcClient::ProgressFn& progress = {});
  // Management Server -> Instance Host -> instance; the instance's progress
  // events reach `progress` (a long-running API call passes its task's).
  Result<Json> instanceCall(const InstanceRecord& instance, const std::string& method, const Json& params,
                            std::chrono::milliseconds timeout = std::chrono::seconds(60),
                            const RpcClient::ProgressFn& progress = {});

  // The instance's used licenses (its internal function CountUsedLicenses,
  // docs/api.md "Used licenses"), stamped `counted_at` (Unix seconds). An
  // error when it does not answer or its answer has no count.
  Result<LicenseCount> countUsedLicenses(const InstanceRecord& instance, std::int64_t counted_at,
                                         std::chrono::milliseconds timeout = std::chrono::seconds(60));

  static Json statusJson(const SelectedInstance& s);
  static Json configurationJson(const InstanceRecord& r);
  static Json specJson(const InstanceRecord& r);

 private:
  std::map<std::string, Json> statuses(const std::vector<InstanceRecord>& records);

  ManagementDb& db_;
  RolePeers& peers_;
  const std::int64_t epoch_;
  std::atomic<std::int64_t> seq_{0};
  std::mutex cache_mutex_;
  std::int64_t cache_seq_ = -1;
  std::shared_ptr<const std::vector<InstanceRecord>> cache_;
};

}  // namespace spe::management
