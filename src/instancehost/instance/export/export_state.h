// What an export profile has exported (EXPORT_STATE) and whether its last
// run ended (EXPORT_RUNS), for incremental exports and for resuming a run
// a kill or crash ended without exporting anything twice
// (docs/export.md "Resuming"). A message is recorded `pending` with the
// place it goes to before it is written and `done` once the target has it;
// the next run checks each pending one at the target.
// Thread safety: safe from any thread (the database serialises).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/base/result.h"
#include "instancehost/instance/model/master_db.h"

namespace spe::instance {

struct ExportRecord {
  std::int64_t store_id = 0, message_id = 0;
  bool done = false;
  std::string place;            // the file, mbox file or IMAP folder it went to
  std::string message_key;      // its Message-ID (IMAP: how a pending one is found again)
  std::string sha256;           // of the bytes the target got
  std::int64_t end_offset = 0;  // mbox: the file's length after it
};
using ExportKey = std::pair<std::int64_t, std::int64_t>;  // store, message

class ExportState {
 public:
  explicit ExportState(InstanceMasterDb& db) : db_(db) {}
  // Whether the profile's last run began and never ended.
  Result<bool> unfinished(std::int64_t profile_id);
  // A run begins: `forget` drops what earlier runs exported (a full export).
  Status begin(std::int64_t profile_id, bool forget);
  Status end(std::int64_t profile_id);
  Result<std::map<ExportKey, ExportRecord>> records(std::int64_t profile_id);
  // Writes records (pending or done) in one transaction.
  Status save(std::int64_t profile_id, const std::vector<ExportRecord>& records);
  // A deleted profile's state.
  Status remove(std::int64_t profile_id);

 private:
  InstanceMasterDb& db_;
};

}  // namespace spe::instance
