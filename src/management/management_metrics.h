// What the Management Server's monitoring listener adds at each collection
// (docs/metrics.md): the instances by state (asked
// of their hosts, as GetInstances does), the paired roles and how long ago
// each sent a heartbeat, the administrators, the data directory's file
// system; and its health: the database answers (else failing), every
// paired role sent a heartbeat within the last 30 s (else degraded).
// Thread safety: both run on the API pool; they only read.
#pragma once

#include <vector>

#include "common/metrics/monitoring_server.h"
#include "management/management_context.h"

namespace spe::management {

std::vector<prometheus::MetricFamily> collectManagementFamilies(ManagementContext& ctx);
metrics::HealthReport checkManagementHealth(ManagementContext& ctx);

}  // namespace spe::management
