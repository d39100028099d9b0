// What an Instance Host's monitoring listener adds at each collection
// (docs/metrics.md): every running instance's own
// metrics (asked over its socket, read as hostile input: family_json.h)
// with an `instance` label, its process's CPU, memory, descriptors and I/O
// from /proc, the instances by state, and the file systems of the data,
// base and import directories; and the host's health: failing while its
// base directory is not there (no instance can run), degraded while the Management Server does not
// answer its heartbeats or an instance is in error.
// Thread safety: both may run on any thread; they call the supervisor.
#pragma once

#include <vector>

#include "common/metrics/monitoring_server.h"
#include "common/rpc/role_agent.h"
#include "instancehost/instance_supervisor.h"
#include "instancehost/instancehost_config.h"

namespace spe::instancehost {

std::vector<prometheus::MetricFamily> collectHostFamilies(InstanceSupervisor& supervisor,
                                                          const InstanceHostConfig& config);
metrics::HealthReport checkHostHealth(InstanceSupervisor& supervisor, const RoleAgent& agent,
                                      const InstanceHostConfig& config);

}  // namespace spe::instancehost
