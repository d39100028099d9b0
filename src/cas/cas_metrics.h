// What a CAS's monitoring listener adds at each collection
// (docs/metrics.md): its routing table's size and
// how long ago the Management Server answered; and its health, for the
// load balancer in front of the CASes: failing while it has no routing
// table (it could route no one), degraded while the Management Server does
// not answer (it routes with the table it has).
// Thread safety: both may run on any thread.
#pragma once

#include <vector>

#include "cas/cas_routes.h"
#include "common/metrics/monitoring_server.h"
#include "common/rpc/role_agent.h"

namespace spe::cas {

std::vector<prometheus::MetricFamily> collectCasFamilies(const CasRoutes& routes, const RoleAgent& agent,
                                                         const std::string& data_directory);
metrics::HealthReport checkCasHealth(const CasRoutes& routes, const RoleAgent& agent);

}  // namespace spe::cas
