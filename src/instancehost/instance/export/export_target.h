// ExportTarget: where an export profile's messages go (docs/export.md).
// The exporter hands a target batches of messages; for each the target
// first says where it will go (place(), recorded as pending before it is
// written), then writes the batch (put()). After a kill, the next run asks
// the target whether each pending message got there (arrived()).
// Thread safety: one target per run, used by one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/base/result.h"
#include "instancehost/instance/export/export_profile.h"
#include "instancehost/instance/export/export_state.h"
#include "store/archive_store.h"

namespace spe::instance {

struct ExportItem {
  std::int64_t store_id = 0, message_id = 0;
  std::string folder;  // the archive folder ("jdoe/Inbox")
  std::int64_t date = 0;
  std::string subject;
  std::string raw;  // the archived bytes
  // Filled by the target: where it goes, the Message-ID, the hash of what
  // the target gets, and (mbox) the file's length after it.
  ExportRecord record;
};

class ExportTarget {
 public:
  virtual ~ExportTarget() = default;
  // Connects or checks the directory. `known`: what this profile exported
  // or was exporting (earlier runs of an incremental export, the run a kill
  // ended); `fresh`: a full run that starts over (the target's earlier
  // files of this profile are replaced, not added to).
  virtual Status open(const std::vector<ExportRecord>& known, bool fresh) = 0;
  // Decides item.record.place (and the key and hash).
  virtual Status place(ExportItem& item) = 0;
  // Whether a pending message of an unfinished run reached the target.
  virtual Result<bool> arrived(const ExportRecord& pending) = 0;
  // Writes the batch: an error ends the run (the target cannot go on:
  // unreachable, full); otherwise one status per item (that message failed:
  // refused, too large ...).
  virtual Result<std::vector<Status>> put(std::vector<ExportItem>& batch) = 0;
  virtual Status close() = 0;
  // How many messages a batch should hold.
  virtual std::size_t batchSize() const { return 64; }
};

std::unique_ptr<ExportTarget> makeEmlDirectoryTarget(const ExportSpec& spec);
std::unique_ptr<ExportTarget> makeMboxTarget(const ExportSpec& spec);
std::unique_ptr<ExportTarget> makeImapTarget(const ExportSpec& spec);
std::unique_ptr<ExportTarget> makeSmtpTarget(const ExportSpec& spec);

// The Message-ID of a raw message, without angle brackets ("" when none).
std::string messageIdOf(const std::string& raw);

}  // namespace spe::instance
