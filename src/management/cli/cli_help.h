// spe-cli's help: the usage text, and the server's functions as --list and
// -c Function --help show them, from get-metadata.
//
// get-metadata is a bare JSON array [{name, args:[{name, type, nullable}]}]
// (docs/api.md). It carries no descriptions, defaults or long-running flags
// today; keys beyond name and args that a server adds to a function or an
// argument are shown as they are, never made up here. Entries that are not
// objects with a string name are skipped: the answer comes from the network.
// Thread safety: pure functions.
#pragma once

#include <string>

#include "common/base/json_reader.h"
#include "common/base/result.h"

namespace spe::cli {

// The full usage text of spe-cli (--help): options, environment, examples,
// exit codes.
std::string usageText();

// The short reminder printed after a usage error.
std::string usageHint();

// One line per function, sorted by name, each written as it is called:
//   GetUsers  --instanceID=<string> [--userName=<string>]
// (optional arguments in brackets). An error when `metadata` is not a list.
Result<std::string> functionListText(const Json& metadata);

// The function's entry in `metadata`; the error names the function and, when
// only the case differs, the name the server uses.
Result<Json> findFunction(const Json& metadata, const std::string& name);

// `entry`'s arguments as a table (name, type, required or optional, then any
// other keys the server sends), any other keys of the function as
// "key: value" lines, and how to call it.
std::string functionHelpText(const Json& entry, std::size_t width);

}  // namespace spe::cli
