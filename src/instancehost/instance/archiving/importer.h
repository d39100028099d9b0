// Importer: runs an archiving profile (file imports: emlDirectory, mbox,
// maildir; mail servers: imap) into the current archive store.
//
// Pipeline (its stages are in import_stages.h): the calling thread reads
// messages from the source (readSource); two writers parse the headers
// (GMime), hash, compress and seal each message and hand it to the store's
// group-commit writer (MessageWriters); a collector waits for each message
// to become durable, acknowledges it to the source and counts it (archived,
// duplicate, failed: DurableCollector); at the end the run waits until what
// it archived is searchable (waitSearchable).
// Every message holds a write permit until it is durable, so a freeze
// waits for messages under way and stops new ones. A message is
// acknowledged to the source only once durable, so a crash at any point
// leaves the source holding everything not archived. A storage failure
// (a full disk) ends the run with that error; what was acknowledged stays.
// A cancellation while frozen drops the queued messages unwritten and
// unacknowledged (the source keeps them for the next run).
// Thread safety: run() may be called from several threads at once.
#pragma once

#include <string>

#include "common/base/json_reader.h"
#include "instancehost/instance/archiving/import_stages.h"
#include "instancehost/instance/model/profiles.h"
#include "instancehost/instance/model/store_manager.h"
#include "instancehost/instance/model/users.h"
#include "instancehost/instance/model/write_gate.h"

namespace spe::instance {

struct ImportOutcome {
  RunResult result = RunResult::kFailed;
  std::int64_t archived = 0, duplicates = 0, failed = 0, warnings = 0;
  Json report = Json::object();
  std::string error;  // why the run failed, if it did
};

class Importer {
 public:
  Importer(StoreManager& stores, UserDirectory& users, WriteGate& gate, SourceState& state)
      : stores_(stores), users_(users), gate_(gate), state_(state) {}
  // `overflow`: where warnings and errors beyond the report's lists go
  // (unset: only counted).
  ImportOutcome run(const Profile& profile, const store::OperationControl& control, ReportOverflow overflow = {});

 private:
  StoreManager& stores_;
  UserDirectory& users_;
  WriteGate& gate_;
  SourceState& state_;
};

}  // namespace spe::instance
