// InstanceControl: the Management Server's view of instances on their
// hosts: selecting instances by filter, asking hosts for live status,
// pushing the instance list to a host, and forwarding calls to an
// instance process (Management Server -> Instance Host -> instance).
// Thread safety: stateless apart from the references; safe from any thread.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/base/json_reader.h"
#include "management/instance_catalog.h"
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

  // Every change to the instance table is told here once committed: the
  // copy in memory is patched (InstanceCatalog) and the hosts and CASes are
  // given what changed (pushChanges, RoutePublisher::publish). Hosts ignore
  // a list older than one they already applied (a heartbeat answer computed
  // before a change can arrive after the push that announced it).
  Result<CatalogChange> changed(const std::vector<std::string>& ids) { return catalog_.changed(ids); }
  // Sends each host its part of `change`; a host that missed an earlier
  // change gets its whole list instead. Best effort: a host that cannot be
  // reached gets its list with its next heartbeat. Returns the first error.
  Status pushChanges(const CatalogChange& change);

  // Every instance, sorted by ID, from the copy kept in memory (the database
  // stays authoritative).
  Result<std::shared_ptr<const InstanceCatalog::Snapshot>> all() { return catalog_.snapshot(); }

  // Instances matching the filter, with live status. Unknown IDs or hosts
  // are errors naming them.
  Result<std::vector<SelectedInstance>> select(const std::string& filter);

  // Live status of one instance ({status:"error", ...} when its host is down).
  Result<SelectedInstance> one(const std::string& instance_id);

  // GetInstances' result as JSON text: statusJson() of every instance
  // select() chooses, made from each row's status_head and its live status
  // (with 10,000 instances a Json of it would take longer to build and write
  // than the whole call may take).
  // The text of the last answer for a filter is kept and given again while
  // neither the table nor any live status has changed.
  Result<std::shared_ptr<const std::string>> statusListText(const std::string& filter);

  // Sends the host its full instance list (best effort: returns the error).
  Status pushToHost(const std::string& host_name);

  // The heartbeat answer's instance list for the host with this thumbprint:
  // {instances, instancesVersion}, or {} when `reported` (the version the
  // host has) is current.
  Json instancesForHostThumbprint(const std::string& thumbprint, const Json& reported);

  // The CAS routing table: {routes:{instances:[{instanceID, alias, host}],
  // hosts:[{serverName, port, thumbprint}]}} (RoutePublisher labels it).
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

 private:
  struct Matches {
    std::shared_ptr<const InstanceCatalog::Snapshot> snapshot;  // what `records` come from; keeps them
    std::vector<const CatalogRecord*> records;                  // no reference counts to touch 10,000 times a call
    std::string state;                                          // the filter's state ("" = any)
  };
  Result<Matches> match(const std::string& filter_text);
  // What the hosts of `records` report, asking each host once.
  struct LiveStatuses {
    std::map<std::string, Json> reported;            // by instance: what is not plainly stopped
    std::map<std::string, std::string> host_errors;  // by host: why it could not be asked
    // {processID, status, startStopError, ...} of one instance.
    Json of(const InstanceRecord& r) const;
    // Equal for equal statuses.
    std::string fingerprint() const;
  };
  template <typename Records>
  LiveStatuses live(const Records& records);
  // {instances: [spec], instancesVersion} of one host (its version read first).
  Result<Json> hostList(const std::string& host_name);
  static bool stateMatches(const std::string& wanted, const std::string& status);

  ManagementDb& db_;
  RolePeers& peers_;
  InstanceCatalog catalog_;
  struct ListText {
    std::shared_ptr<const InstanceCatalog::Snapshot> snapshot;
    std::string live;
    std::shared_ptr<const std::string> text;
  };
  static constexpr std::size_t kListTexts = 16;  // filters whose last answer is kept
  std::mutex list_texts_mutex_;
  std::map<std::string, ListText> list_texts_;
};

}  // namespace spe::management
