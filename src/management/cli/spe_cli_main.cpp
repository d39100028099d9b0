// spe-cli: command-line client of the Management API, shaped like
// MailStoreManagementCmd:
//   spe-cli -s host:port -u user -p password -t thumbprint|* -c Function
//           [--name=value ...] [-name value ...]
// Prints the final envelope JSON on stdout; exit 0 when it succeeded, 1 when
// it failed or could not be sent, 2 for usage errors. Long-running calls are
// followed to the end with progress on stderr. The password may also come
// from SPE_CLI_PASSWORD so it stays out of the process list.
#include <cstdlib>
#include <iostream>
#include <map>

#include "management/cli/api_client.h"

namespace {

int usage(const std::string& why) {
  std::cerr << "spe-cli: " << why << "\n"
            << "usage: spe-cli -s host[:port] -u user -p password -t thumbprint|* -c Function [--arg=value ...]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  spe::ApiClientOptions opt;
  std::string function;
  std::map<std::string, std::string> args;
  if (const char* pw = std::getenv("SPE_CLI_PASSWORD")) opt.password = pw;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&](const char* what) -> std::string {
      if (i + 1 >= argc) {
        usage(std::string(what) + " needs a value");
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "-s") {
      std::string s = next("-s");
      const auto colon = s.rfind(':');
      if (colon != std::string::npos && s.find(']') == std::string::npos) {
        opt.host = s.substr(0, colon);
        opt.port = static_cast<std::uint16_t>(std::atoi(s.c_str() + colon + 1));
      } else {
        opt.host = s;
      }
    } else if (a == "-u") {
      opt.user = next("-u");
    } else if (a == "-p") {
      opt.password = next("-p");
    } else if (a == "-t") {
      opt.thumbprint = next("-t");
    } else if (a == "-c") {
      function = next("-c");
    } else if (a.rfind("--", 0) == 0) {
      const auto eq = a.find('=');
      if (eq == std::string::npos) args[a.substr(2)] = next(a.c_str());
      else args[a.substr(2, eq - 2)] = a.substr(eq + 1);
    } else if (a.size() > 1 && a[0] == '-') {
      args[a.substr(1)] = next(a.c_str());
    } else {
      return usage("unexpected argument '" + a + "'");
    }
  }
  if (function.empty()) return usage("-c Function is required");
  if (opt.user.empty()) return usage("-u user is required");
  spe::ApiClient client(opt);
  auto result = client.invoke(function, args, [](const spe::Json& env) {
    std::cerr << "[" << (env["percentProgress"].is_null() ? std::string("..") : env["percentProgress"].dump() + "%")
              << "] " << (env["statusText"].is_string() ? env["statusText"].get<std::string>() : "running") << "\n";
  });
  if (!result) {
    std::cerr << "spe-cli: " << result.error().message << "\n";
    return 1;
  }
  std::cout << result->dump(2) << "\n";
  return result->value("statusCode", "") == "succeeded" ? 0 : 1;
}
