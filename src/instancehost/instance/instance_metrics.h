// What an instance answers its host's "metrics" call with: the process's
// metrics (metrics.h: archiving, worker results, searches, logins, IMAP
// sessions) and, made at the call, its stores' sizes and message counts,
// how far indexing is behind, and its Web Access sessions; as JSON
// (family_json.h). The host adds the `instance` label and serves them
// (docs/metrics.md). Its process's CPU and memory
// the host reads itself.
// Thread safety: as StoreManager's list() and indexers().
#pragma once

#include <cstddef>

#include "common/base/json_reader.h"
#include "instancehost/instance/model/store_manager.h"

namespace spe::instance {

Json instanceMetrics(StoreManager& stores, std::size_t web_sessions);

}  // namespace spe::instance
