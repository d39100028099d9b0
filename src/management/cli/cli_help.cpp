#include "management/cli/cli_help.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <utility>
#include <vector>

#include "management/cli/cli_output.h"

namespace spe::cli {
namespace {

constexpr std::size_t kNoLimit = std::numeric_limits<std::size_t>::max() / 4;  // help lines are never cut

const char* const kUsage = R"(spe-cli: calls the functions of a Management Server's Management API.

Usage:
  spe-cli -s host[:port] -u user -t thumbprint -c Function [--name=value ...] [--output json|table]
  spe-cli -s host[:port] -u user -t thumbprint --list
  spe-cli -s host[:port] -u user -t thumbprint -c Function --help
  spe-cli --help

Options:
  -s host[:port]       the Management Server (default 127.0.0.1:8474); IPv6 as [address]:port
  -u user              a system administrator's user name (needed for every call to the server)
  -p password          that administrator's password, or API password when MFA is on;
                       SPE_CLI_PASSWORD keeps it out of the process list
  -t thumbprint|*      the SHA-256 thumbprint of the server's certificate, 64 hex digits, ':' allowed
                       (spe-management --show-thumbprint prints it); * accepts any certificate and
                       is the default: use it only where no one can intercept the connection
  -c Function          the function to call, as --list names it (case matters)
  --name=value         an argument of the function; also --name value or -name value.
                       bool is true or false, json a JSON text (quote it for the shell)
  --list               lists the functions the server offers, each with its arguments
                       ([--name=<type>] is optional)
  --output json|table  json (default): the server's whole answer, pretty-printed;
                       table: only the result, a list of objects as a table, an object as
                       key/value lines, a value as itself; a failed call's error goes to stderr
  -h, --help           this text; with -c Function, that function's arguments

A long-running function is followed until it ends; its progress goes to stderr.

Environment:
  SPE_CLI_PASSWORD     the password when -p is not given
  COLUMNS              the width tables fit (default 160)

Examples:
  # the password, and the thumbprint spe-management --show-thumbprint printed on the server
  export SPE_CLI_PASSWORD='...' MGMT_TP=...
  spe-cli -s mgmt.example.com -u admin -t "$MGMT_TP" --list
  spe-cli -s mgmt.example.com -u admin -t "$MGMT_TP" -c GetInstances --output table
  spe-cli -s mgmt.example.com -u admin -t "$MGMT_TP" -c CreateInstance \
    --config='{"instanceID":"acme","instanceHost":"ih1.example.com"}'

Exit codes:
  0  the function succeeded, or the help or list was printed
  1  the function failed, or the server could not be reached, refused the credentials
     or does not offer the function
  2  the command line is wrong (nothing was sent)
)";

bool isRequired(const Json& arg) { return !(arg.contains("nullable") && arg["nullable"] == true); }

bool hasName(const Json& j) { return j.is_object() && j.contains("name") && j["name"].is_string(); }

// The arguments of `entry` as they are written on the command line.
std::string callSyntax(const Json& entry) {
  std::string out;
  if (!entry.contains("args") || !entry["args"].is_array()) return out;
  for (const auto& arg : entry["args"]) {
    if (!hasName(arg)) continue;
    const std::string one = "--" + cellText(arg["name"]) + "=<" + (arg.contains("type") ? cellText(arg["type"]) : "?") +
                            ">";
    out += (out.empty() ? "" : " ") + (isRequired(arg) ? one : "[" + one + "]");
  }
  return out;
}

bool equalsIgnoreCase(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// The arguments as rows of a table: name, type, required, then any other
// keys the server sends for an argument.
Json argumentRows(const Json& entry) {
  Json rows = Json::array();
  if (!entry.contains("args") || !entry["args"].is_array()) return rows;
  for (const auto& arg : entry["args"]) {
    if (!hasName(arg)) continue;
    Json row = {{"name", arg["name"]},
                {"type", arg.contains("type") ? arg["type"] : Json("?")},
                {"required", isRequired(arg) ? "required" : "optional"}};
    for (const auto& [key, value] : arg.items()) {
      if (key != "name" && key != "type" && key != "nullable") row[key] = value;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

std::string usageText() { return kUsage; }

std::string usageHint() {
  return "usage: spe-cli -s host[:port] -u user -t thumbprint|* -c Function [--name=value ...]\n"
         "Run 'spe-cli --help' for every option.\n";
}

Result<std::string> functionListText(const Json& metadata) {
  if (!metadata.is_array()) return makeError(ErrorCode::kProtocol, "The server's function list is not a JSON array.");
  std::vector<std::vector<std::string>> rows;
  for (const auto& entry : metadata) {
    if (hasName(entry)) rows.push_back({cellText(entry["name"]), callSyntax(entry)});
  }
  std::sort(rows.begin(), rows.end());
  return renderRows({}, rows, kNoLimit);
}

Result<Json> findFunction(const Json& metadata, const std::string& name) {
  if (!metadata.is_array()) return makeError(ErrorCode::kProtocol, "The server's function list is not a JSON array.");
  std::string other_case;
  for (const auto& entry : metadata) {
    if (!hasName(entry)) continue;
    const auto& n = entry["name"].get_ref<const std::string&>();
    if (n == name) return entry;
    if (equalsIgnoreCase(n, name)) other_case = cellText(entry["name"]);
  }
  if (!other_case.empty()) {
    return makeError(ErrorCode::kNotFound, "The server offers no function '" + name + "'; did you mean '" + other_case +
                                               "'? Function names are case-sensitive.");
  }
  return makeError(ErrorCode::kNotFound,
                   "The server offers no function '" + name + "'; 'spe-cli --list' shows those it offers.");
}

std::string functionHelpText(const Json& entry, std::size_t width) {
  const std::string name = cellText(entry.value("name", Json()));
  std::string out = name + "\n";
  const auto description = entry.find("description");
  if (description != entry.end() && description->is_string()) out += "  " + cellText(*description) + "\n";
  if (entry.value("longRunning", false) == true) {
    out += "  Long-running: spe-cli shows its progress on stderr and waits for the result.\n";
  }
  for (const auto& [key, value] : entry.items()) {
    if (key != "name" && key != "args" && key != "description" && key != "longRunning") {
      out += cellText(Json(key)) + ": " + cellText(value) + "\n";
    }
  }
  const Json rows = argumentRows(entry);
  out += rows.empty() ? "\nArguments: none\n" : "\nArguments:\n" + renderTable(rows, width);
  const std::string syntax = callSyntax(entry);
  out += "\nCall it:\n  spe-cli -s host[:port] -u user -t thumbprint -c " + name + (syntax.empty() ? "" : " ") +
         syntax + "\n";
  return out;
}

}  // namespace spe::cli
