// spe-instance: one customer instance, started and supervised by
// spe-instancehost (never by hand):
//   spe-instance --id ID --base-directory DIR --socket PATH [--safe-mode] [--log-level L]
//                [--allowed-root DIR]...  (where imports and stores may be; see path_roots.h)
//                [--no-web-restore] [--restore-server HOST[:PORT]]... [--restore-ca-file PEM]
//                (Web Access restores: web_restore.h)
//                [--notification-sweep-seconds N]  (reports/notifier.h; 1-3600)
// Prints "READY <pid>" on stdout once its databases are open and the socket
// listens; logs go to stderr, which the host prefixes with [I<id>].
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "common/base/logging.h"
#include "common/base/termination_signals.h"
#include "instancehost/instance/instance_server.h"

int main(int argc, char** argv) {
  spe::instance::InstanceOptions o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--safe-mode") o.safe_mode = true;
    else if (i + 1 < argc && a == "--id") o.instance_id = argv[++i];
    else if (i + 1 < argc && a == "--base-directory") o.base_directory = argv[++i];
    else if (i + 1 < argc && a == "--socket") o.socket_path = argv[++i];
    else if (i + 1 < argc && a == "--log-level") o.log_level = argv[++i];
    else if (i + 1 < argc && a == "--key-fd") o.key_fd = std::atoi(argv[++i]);
    else if (i + 1 < argc && a == "--allowed-root") o.allowed_roots.emplace_back(argv[++i]);
    else if (a == "--no-web-restore") o.web_restore = false;
    else if (i + 1 < argc && a == "--restore-server") o.restore_servers.emplace_back(argv[++i]);
    else if (i + 1 < argc && a == "--restore-ca-file") o.restore_ca_file = argv[++i];
    else if (i + 1 < argc && a == "--notification-sweep-seconds") {
      const int seconds = std::atoi(argv[++i]);
      if (seconds < 1 || seconds > 3600) {
        std::cerr << "spe-instance: --notification-sweep-seconds must be 1 to 3600\n";
        return 2;
      }
      o.notification_sweep = std::chrono::seconds(seconds);
    } else {
      std::cerr << "spe-instance: unknown argument '" << a << "'\n";
      return 2;
    }
  }
  if (o.instance_id.empty() || o.base_directory.empty() || o.socket_path.empty()) {
    std::cerr << "usage: spe-instance --id ID --base-directory DIR --socket PATH [--safe-mode]\n";
    return 2;
  }
  spe::blockTerminationSignals();  // until run() handles them (termination_signals.h)
  spe::initLogging("instance", o.log_level);
  auto server = spe::instance::InstanceServer::open(o);
  if (!server) {
    std::cerr << "spe-instance: " << server.error().message
              << (server.error().details.empty() ? "" : " (" + server.error().details + ")") << "\n";
    return 1;
  }
  if (auto st = (*server)->listen(); !st) {
    std::cerr << "spe-instance: " << st.error().message << "\n";
    return 1;
  }
  std::printf("READY %d\n", static_cast<int>(::getpid()));
  std::fflush(stdout);
  spe::logger("instance")->info("ready{}", o.safe_mode ? " (safe mode)" : "");
  (*server)->run();
  return 0;
}
