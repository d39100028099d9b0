// Exporter: runs an export profile (docs/export.md): selects the archived
// messages (folders, a query, a date range; incremental: only those the
// profile has not exported), hands them to the target in batches, and
// records each message pending before and done after it is written
// (export_state.h), so a run a kill or cancel ended is resumed by the next
// one without a message twice at the target. Failures are named per message
// in the report; a target that cannot go on (unreachable, full) ends the run.
// Thread safety: run() may be called from several threads at once (the
// profile runner allows one run per profile).
#pragma once

#include "instancehost/instance/archiving/importer.h"
#include "instancehost/instance/export/export_profile.h"
#include "instancehost/instance/export/export_state.h"
#include "instancehost/instance/model/store_manager.h"

namespace spe::instance {

// A message of the selection: its store and what the store says of it.
struct SelectedMessage {
  std::int64_t store_id = 0;
  store::MessageInfo info;
};
// The messages `s` selects, ordered by store, folder and id; kCancelled when
// `control` stops it.
Result<std::vector<SelectedMessage>> selectMessages(const ExportSelection& s, StoreManager& stores,
                                                    const store::OperationControl& control);

class Exporter {
 public:
  Exporter(StoreManager& stores, ExportState& state) : stores_(stores), state_(state) {}
  // archived = messages exported, duplicates = exported before (skipped).
  ImportOutcome run(const Profile& profile, const store::OperationControl& control, ReportOverflow overflow = {});

 private:
  StoreManager& stores_;
  ExportState& state_;
};

}  // namespace spe::instance
