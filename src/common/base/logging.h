// Logging: spdlog, one logger per subsystem ("api", "rpc", "db", ...), all
// writing to stderr with the daemon's role in the pattern. Never log
// passwords, keys or message bodies.
// Thread safety: spdlog's multi-threaded sinks; safe from any thread.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>
#include <string>

namespace spe {

// Configures the default pattern and level; call once at start-up.
// `level` is one of trace, debug, info, warn, error.
void initLogging(const std::string& role, const std::string& level);

// The logger of one subsystem, created on first use.
std::shared_ptr<spdlog::logger> logger(const std::string& subsystem);

}  // namespace spe
