// Reading and verifying an audit log directory (audit_format.h) without the
// instance: the GetAuditLog/ExportAuditLog/VerifyAuditLog functions and the
// spe-audit tool use these. Reads the files only; safe while the instance
// appends (a record being written at the end is not read).
// Thread safety: plain functions.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/base/json_reader.h"
#include "instancehost/instance/audit/audit_format.h"

namespace spe::audit {

struct Checkpoint {
  std::uint64_t size = 0;
  Hash head{};
  std::int64_t time_us = 0;
  std::string signature_hex;
};

// Calls `fn` for each complete record in order until it returns false.
// kNotFound without a log; kCorrupt for a record that cannot be read.
Status forEachEntry(const std::string& directory, const std::function<bool(const StoredEntry&)>& fn);
Result<std::vector<Checkpoint>> readCheckpoints(const std::string& directory);

Json entryToJson(const StoredEntry& s);
Json checkpointToJson(const Checkpoint& c);

struct AuditFilter {
  std::optional<std::int64_t> from_us;  // including
  std::optional<std::int64_t> to_us;    // excluding
  std::string actor, event, object;     // exact (object: substring); empty: any
  std::uint64_t offset = 0;
  std::uint64_t limit = 1000;
  bool newest_first = false;  // offset counts from the newest match; memory: offset + limit entries
};
// The entries that pass `filter`, in log order (newest first when asked).
Result<Json> queryEntries(const std::string& directory, const AuditFilter& filter);

// A filter from request fields (GetAuditLog's arguments, Web Access's body):
// fromIncluding/toExcluding (UTC ISO times), actor, event, object, offset,
// limit (1..max_limit), newestFirst. A wrong type or value is an error
// naming the field.
Result<AuditFilter> auditFilterFromJson(const Json& args, std::uint64_t max_limit);

struct VerifyReport {
  bool intact = false;
  std::uint64_t entries = 0;
  std::uint64_t checkpoints = 0;
  std::optional<Checkpoint> last_checkpoint;
  std::uint64_t first_bad_entry = 0;  // sequence number; 0: none named
  std::string problem;                // what is wrong, for a person
  std::string note;                   // e.g. a torn last record after a crash
  std::string public_key_hex;
  std::string instance_id;
  Json toJson() const;
};
// The whole check (docs/compliance.md "Verifying"): the key file, every
// checkpoint's signature and order, every record's frame, sequence number and
// chain hash, each checkpoint's head against the recomputed chain, and that
// the log reaches the last checkpoint.
VerifyReport verifyAuditLog(const std::string& directory);

}  // namespace spe::audit
