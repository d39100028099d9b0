// spe-cli's command line, parsed without I/O so every usage error is testable.
//
// The shape follows MailStoreManagementCmd: options of one letter (-s -u -p
// -t -c) and function arguments as --name=value, --name value or -name value.
// spe-cli's own long options (--help, --list, --output) are reserved names no
// function of the product uses as an argument. A usage error is a one-line
// message naming the option; main prints it and exits 2.
// Thread safety: pure functions.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/base/result.h"
#include "management/cli/api_client.h"

namespace spe::cli {

enum class Action {
  kHelp,          // --help, -h or no arguments: the usage text, no server needed
  kList,          // --list: the server's functions (get-metadata)
  kFunctionHelp,  // -c Function --help: that function's arguments (get-metadata)
  kInvoke,        // -c Function [arguments]: call it
};

enum class OutputFormat { kJson, kTable };

struct CommandLine {
  Action action = Action::kHelp;
  ApiClientOptions client;
  std::string function;
  std::map<std::string, std::string> args;  // function arguments, name -> value
  OutputFormat output = OutputFormat::kJson;
};

// Parses the words after the program name. `env_password` is the value of
// SPE_CLI_PASSWORD (nullptr when unset); -p overrides it. Errors
// (kInvalidArgument) name the option: an unknown option, a missing value, a
// bad --output or -s value, -c without a function name, an option or
// argument given twice, function arguments without -c, or a missing -u
// for anything that needs the server.
Result<CommandLine> parseCommandLine(const std::vector<std::string>& words, const char* env_password);

}  // namespace spe::cli
