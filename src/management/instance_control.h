// InstanceControl: the Management Server's view of instances on their
// hosts: selecting instances by filter, asking hosts for live status,
// pushing the instance list to a host, and forwarding calls to an
// instance process (Management Server -> Instance Host -> instance).
// Thread safety: stateless apart from the references; safe from any thread.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "common/json_reader.h"
#include "management/management_db.h"
#include "management/role_peers.h"

namespace spe::management {

struct SelectedInstance {
  InstanceRecord record;
  Json status;  // {processID, status, startStopError, safeMode, frozen}
};

class InstanceControl {
 public:
  InstanceControl(ManagementDb& db, RolePeers& peers) : db_(db), peers_(peers) {}

  // Instances matching the filter, with live status. Unknown IDs or hosts
  // are errors naming them.
  Result<std::vector<SelectedInstance>> select(const std::string& filter);

  // Live status of one instance ({status:"error", ...} when its host is down).
  Result<SelectedInstance> one(const std::string& instance_id);

  // Sends the host its full instance list (best effort: returns the error).
  Status pushToHost(const std::string& host_name);

  // The instance list of the host with this thumbprint (heartbeat answers).
  Json instancesForHostThumbprint(const std::string& thumbprint);

  Result<Json> hostCall(const std::string& host_name, const std::string& method, const Json& params,
                        std::chrono::milliseconds timeout);
  Result<Json> instanceCall(const InstanceRecord& instance, const std::string& method, const Json& params,
                            std::chrono::milliseconds timeout = std::chrono::seconds(60));

  static Json statusJson(const SelectedInstance& s);
  static Json configurationJson(const InstanceRecord& r);
  static Json specJson(const InstanceRecord& r);

 private:
  std::map<std::string, Json> statuses(const std::vector<InstanceRecord>& records);

  ManagementDb& db_;
  RolePeers& peers_;
};

}  // namespace spe::management
