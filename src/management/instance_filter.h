// The instanceFilter grammar of the Management API (seed: GetInstances):
//   "*"                         all instances
//   "inst01 inst02"             these instances (IDs or aliases)
//   "*host01 *host02"           all instances on these Instance Hosts
//   "... .running" / ".stopped" only those running / not running
// Tokens are separated by white space and may be combined; the selection is
// the union of the ID, host and "*" tokens, then narrowed by the qualifier.
#pragma once

#include <optional>
#include <set>
#include <string>

#include "common/base/result.h"

namespace spe::management {

struct InstanceFilter {
  bool all = false;
  std::set<std::string> ids;         // IDs or aliases
  std::set<std::string> hosts;       // Instance Host names
  std::optional<std::string> state;  // "running" or "stopped"
};

// Syntax only; unknown IDs and hosts are found when the filter is applied.
Result<InstanceFilter> parseInstanceFilter(const std::string& text);

// The seed's rule: a-z, 0-9 and '-', lower case, first a letter, 3-32 long.
bool isValidInstanceId(const std::string& id);

}  // namespace spe::management
