// spe-cli: command-line client of the Management API, shaped like
// MailStoreManagementCmd:
//   spe-cli -s host:port -u user -p password -t thumbprint|* -c Function
//           [--name=value ...] [-name value ...] [--output json|table]
//   spe-cli ... --list            the server's functions (get-metadata)
//   spe-cli ... -c Function --help   that function's arguments
//   spe-cli --help                the usage text (cli_help.cpp)
// Prints the final envelope JSON on stdout (or, with --output table, the
// result as a table); exit 0 when it succeeded, 1 when it failed or could not
// be sent, 2 for usage errors. Long-running calls are followed to the end with
// progress on stderr. The password may also come from SPE_CLI_PASSWORD so it
// stays out of the process list.
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "management/cli/api_client.h"
#include "management/cli/cli_help.h"
#include "management/cli/cli_options.h"
#include "management/cli/cli_output.h"

namespace {

using spe::Json;
using spe::cli::CommandLine;

int failure(const std::string& message) {
  std::cerr << "spe-cli: " << message << "\n";
  return 1;
}

// A field of an envelope, null when absent (the answer comes from the network).
const Json& field(const Json& object, const char* key) {
  static const Json kNull;
  if (!object.is_object()) return kNull;
  auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

void showProgress(const Json& env) {
  const Json& percent = field(env, "percentProgress");
  const Json& text = field(env, "statusText");
  std::cerr << "[" << (percent.is_null() ? std::string("..") : spe::cli::cellText(percent) + "%") << "] "
            << (text.is_string() ? spe::cli::cellText(text) : "running") << "\n";
}

// --list and -c Function --help: both read get-metadata.
int describe(const CommandLine& cmd) {
  spe::ApiClient client(cmd.client);
  auto metadata = client.metadata();
  if (!metadata) return failure(metadata.error().message);
  if (cmd.action == spe::cli::Action::kList) {
    auto text = spe::cli::functionListText(*metadata);
    if (!text) return failure(text.error().message);
    std::cout << *text;
    return 0;
  }
  auto entry = spe::cli::findFunction(*metadata, cmd.function);
  if (!entry) return failure(entry.error().message);
  std::cout << spe::cli::functionHelpText(*entry, spe::cli::terminalWidth(std::getenv("COLUMNS")));
  return 0;
}

int invoke(const CommandLine& cmd) {
  spe::ApiClient client(cmd.client);
  auto result = client.invoke(cmd.function, cmd.args, showProgress);
  if (!result) return failure(result.error().message);
  const bool succeeded = field(*result, "statusCode") == "succeeded";
  if (cmd.output == spe::cli::OutputFormat::kJson) {
    std::cout << result->dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
    return succeeded ? 0 : 1;
  }
  const Json& log = field(*result, "logOutput");
  if (log.is_string() && !log.get_ref<const std::string&>().empty()) {
    std::string text = log.get<std::string>();
    if (text.back() == '\n') text.pop_back();
    std::cerr << spe::cli::renderTable(Json(text), 0);  // a string as itself, control characters made harmless
  }
  if (!succeeded) {
    const Json& message = field(field(*result, "error"), "message");
    return failure(cmd.function + " failed: " +
                   (message.is_null() ? std::string("the server gave no reason.") : spe::cli::cellText(message)));
  }
  std::cout << spe::cli::renderTable(field(*result, "result"), spe::cli::terminalWidth(std::getenv("COLUMNS")));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> words(argv + 1, argv + argc);
  auto cmd = spe::cli::parseCommandLine(words, std::getenv("SPE_CLI_PASSWORD"));
  if (!cmd) {
    std::cerr << "spe-cli: " << cmd.error().message << "\n" << spe::cli::usageHint();
    return 2;
  }
  switch (cmd->action) {
    case spe::cli::Action::kHelp: std::cout << spe::cli::usageText(); return 0;
    case spe::cli::Action::kList:
    case spe::cli::Action::kFunctionHelp: return describe(*cmd);
    case spe::cli::Action::kInvoke: return invoke(*cmd);
  }
  return 2;
}
