// The command line shared by spe-instancehost and spe-cas:
//   <daemon> --config FILE [--check-config | --show-thumbprint]
#pragma once

#include <functional>
#include <iostream>
#include <string>

#include "common/base/logging.h"
#include "common/rpc/role_agent.h"

namespace spe {

// `load` reads and validates the config; `make` builds the daemon and
// returns its RoleAgent. Returns the process exit code.
template <typename Config, typename Daemon>
int roleMain(int argc, char** argv, const char* name, std::function<Result<Config>(const std::string&)> load,
             std::function<RoleConfig&(Config&)> role) {
  std::string config_path;
  bool check = false, show_tp = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--config" && i + 1 < argc) config_path = argv[++i];
    else if (a == "--check-config") check = true;
    else if (a == "--show-thumbprint") show_tp = true;
    else {
      std::cerr << name << ": unknown argument '" << a << "'\n";
      return 2;
    }
  }
  if (config_path.empty()) {
    std::cerr << "usage: " << name << " --config FILE [--check-config | --show-thumbprint]\n";
    return 2;
  }
  auto config = load(config_path);
  if (!config) {
    std::cerr << name << ": " << config.error().message << "\n";
    return 1;
  }
  if (check) {
    std::cout << config_path << ": OK\n";
    return 0;
  }
  initLogging(name, role(*config).log_level);
  Daemon daemon(*config);
  // systemctl reload: the log level (the rest needs a restart; docs/packages.md).
  daemon.agent().setReloadHandler([config_path, load, role, name] {
    auto fresh = load(config_path);
    if (!fresh) {
      logger("main")->error("reload: {} (the running configuration stays)", fresh.error().message);
      return;
    }
    initLogging(name, role(*fresh).log_level);
    logger("main")->info("reload: log level {}", role(*fresh).log_level);
  });
  if (auto st = daemon.agent().init(); !st) {
    std::cerr << name << ": " << st.error().message << "\n";
    return 1;
  }
  if (show_tp) {
    std::cout << daemon.agent().thumbprint() << "\n";
    return 0;
  }
  if (auto st = daemon.agent().start(); !st) {
    std::cerr << name << ": " << st.error().message << "\n";
    return 1;
  }
  daemon.agent().run();
  return 0;
}

}  // namespace spe
