// spe-management: the Management Server daemon.
//
//   spe-management --config FILE                 serve (foreground)
//   spe-management --config FILE --check-config validate the configuration
//   spe-management --config FILE --show-thumbprint
//   spe-management --config FILE pair --server-type instanceHost|clientAccessServer
//       --server-name NAME --port N --thumbprint HEX [--base-directory DIR]
// Environment: SPE_ADMIN_PASSWORD (first start only).
#include <cstdlib>
#include <iostream>
#include <map>

#include "common/base/logging.h"
#include "common/base/termination_signals.h"
#include "common/net/tls.h"
#include "management/management_server.h"

using namespace spe;
using namespace spe::management;

int main(int argc, char** argv) {
  std::string config_path;
  bool check = false, show_tp = false, pair = false;
  std::map<std::string, std::string> opts;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--config" && i + 1 < argc) config_path = argv[++i];
    else if (a == "--check-config") check = true;
    else if (a == "--show-thumbprint") show_tp = true;
    else if (a == "pair") pair = true;
    else if (a.rfind("--", 0) == 0 && i + 1 < argc) opts[a.substr(2)] = argv[++i];
    else {
      std::cerr << "spe-management: unknown argument '" << a << "'\n";
      return 2;
    }
  }
  if (config_path.empty()) {
    std::cerr << "usage: spe-management --config FILE [--check-config | --show-thumbprint | pair ...]\n";
    return 2;
  }
  auto config = loadManagementConfig(config_path);
  if (!config) {
    std::cerr << "spe-management: " << config.error().message << "\n";
    return 1;
  }
  if (check) {
    std::cout << config_path << ": OK\n";
    return 0;
  }
  blockTerminationSignals();  // until run() handles them (termination_signals.h)
  initLogging("management", config->log_level);
  if (show_tp) {
    auto id = loadOrCreateIdentity(config->data_directory + "/tls", config->server_name);
    if (!id) {
      std::cerr << "spe-management: " << id.error().message << "\n";
      return 1;
    }
    std::cout << id->thumbprint << "\n";
    return 0;
  }
  const char* pw = std::getenv("SPE_ADMIN_PASSWORD");
  auto server = ManagementServer::create(*config, pw ? std::optional<std::string>(pw) : std::nullopt);
  if (!server) {
    std::cerr << "spe-management: " << server.error().message
              << (server.error().details.empty() ? "" : " (" + server.error().details + ")") << "\n";
    return 1;
  }
  if (pair) {
    ServerRecord s;
    auto type = parseServerType(opts["server-type"]);
    s.server_name = opts["server-name"];
    s.port = std::atoi(opts["port"].c_str());
    s.thumbprint = normalizeThumbprint(opts["thumbprint"]);
    if (!type || s.server_name.empty() || s.port <= 0 || s.port > 65535 || s.thumbprint.empty()) {
      std::cerr << "spe-management pair: need --server-type instanceHost|clientAccessServer, --server-name, "
                   "--port and a 64-hex-digit --thumbprint\n";
      return 2;
    }
    s.type = *type;
    if (opts.count("base-directory")) s.base_directory = opts["base-directory"];
    auto st = pairOffline((*server)->db(), s);
    if (!st) {
      std::cerr << "spe-management pair: " << st.error().message << "\n";
      return 1;
    }
    std::cout << "paired " << opts["server-type"] << " " << s.server_name << ":" << s.port << "\n";
    return 0;
  }
  auto st = (*server)->start();
  if (!st) {
    std::cerr << "spe-management: " << st.error().message << "\n";
    return 1;
  }
  // systemctl reload: the log level (the rest needs a restart; docs/packages.md).
  (*server)->run([config_path] {
    auto fresh = loadManagementConfig(config_path);
    if (!fresh) {
      logger("main")->error("reload: {} (the running configuration stays)", fresh.error().message);
      return;
    }
    initLogging("management", fresh->log_level);
    logger("main")->info("reload: log level {}", fresh->log_level);
  });
  return 0;
}
