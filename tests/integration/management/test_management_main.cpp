// spe-test-management: spe-management with test-only functions registered
// (never installed or shipped). The e2e client tests use it to follow a
// real long-running call from other processes.
//   TestLongRunning(steps?, stepMilliseconds?): progress per step,
//   cooperative cancellation, result {steps}.
#include <iostream>
#include <thread>

#include "common/base/logging.h"
#include "management/management_server.h"

using namespace spe;
using namespace spe::management;

int main(int argc, char** argv) {
  if (argc != 3 || std::string(argv[1]) != "--config") {
    std::cerr << "usage: spe-test-management --config FILE\n";
    return 2;
  }
  auto config = loadManagementConfig(argv[2]);
  if (!config) {
    std::cerr << config.error().message << "\n";
    return 1;
  }
  initLogging("management", config->log_level);
  const char* pw = std::getenv("SPE_ADMIN_PASSWORD");
  auto server = ManagementServer::create(*config, pw ? std::optional<std::string>(pw) : std::nullopt);
  if (!server) {
    std::cerr << server.error().message << "\n";
    return 1;
  }
  (*server)->registry().add({"TestLongRunning",
                             {{"steps", ArgType::kNumber, true}, {"stepMilliseconds", ArgType::kNumber, true}},
                             [](CallContext& c) -> Result<Json> {
                               const auto steps = c.args.num("steps", 20);
                               const auto ms = c.args.num("stepMilliseconds", 50);
                               for (std::int64_t i = 0; i < steps; ++i) {
                                 if (c.progress.cancelled())
                                   return makeError(ErrorCode::kCancelled, "The operation was cancelled.");
                                 c.progress.update(static_cast<int>(i * 100 / steps),
                                                   "Step " + std::to_string(i + 1) + " of " + std::to_string(steps));
                                 std::this_thread::sleep_for(std::chrono::milliseconds(ms));
                               }
                               c.progress.log("done");
                               return Json{{"steps", steps}};
                             },
                             true});
  if (auto st = (*server)->start(); !st) {
    std::cerr << st.error().message << "\n";
    return 1;
  }
  (*server)->run();
  return 0;
}
