// Moving a stopped instance's data to another Instance Host or directory
// (SetInstanceConfiguration with a new instanceHost or baseDirectory); the
// hosts' half and the wire protocol are in instancehost/instance_move.h,
// the rules in docs/multi-server.md ("Moving instances").
//
// How the data travels is chosen from what the two places hold:
// - the new place holds nothing: the new host copies the data from the old
//   one over the hosts' mutual TLS, checking every file's size and SHA-256;
//   the old copy is removed once the instance's record points to the new
//   place (finishMove);
// - the new place holds the same data (a directory both hosts see, or a
//   copy made by the operator or by an earlier move that did not finish):
//   recognised by the instance's ID and recovery key; only the instance key
//   travels, and nothing is removed;
// - one place inside the other: refused;
// - the new place holds other data, or is a non-empty directory: refused;
// - the old place holds no data (never started): nothing moves.
// In every case the instance key is sealed anew with the new host's key.
#pragma once

#include <optional>
#include <string>

#include "management/api/function_registry.h"
#include "management/instance_control.h"
#include "management/management_context.h"

namespace spe::management {

struct MovedData {
  bool copied = false;  // the old copy is to be removed by finishMove
  std::string old_host, token;
  std::string summary;  // for the caller's log
};

// Brings the data of `from` to `to` (both stopped, already placed). Nothing
// is changed when it fails.
Result<MovedData> moveInstanceData(ManagementContext& ctx, InstanceControl& control, const InstanceRecord& from,
                                   const InstanceRecord& to, Progress& progress);

// After the record moved: removes the old copy of copied data (or, when
// only the key travelled, ends the offer); a failure is logged and returned
// as a warning text (the data stays where it was).
std::optional<std::string> finishMove(InstanceControl& control, const MovedData& moved);
// When the record could not be moved after a successful pull: ends the
// offer, so that the instance starts on the old host again.
void release(InstanceControl& control, const MovedData& moved);

}  // namespace spe::management
