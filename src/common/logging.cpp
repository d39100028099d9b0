#include "common/logging.h"

#include <spdlog/sinks/stdout_color_sinks.h>

#include <mutex>

namespace spe {
namespace {
std::mutex g_mutex;
std::string g_role = "spe";
spdlog::level::level_enum g_level = spdlog::level::info;
}  // namespace

void initLogging(const std::string& role, const std::string& level) {
  std::lock_guard lock(g_mutex);
  g_role = role;
  g_level = spdlog::level::from_str(level);
  spdlog::set_level(g_level);
  spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& l) { l->set_level(g_level); });
}

std::shared_ptr<spdlog::logger> logger(const std::string& subsystem) {
  std::lock_guard lock(g_mutex);
  const std::string name = g_role + "." + subsystem;
  if (auto existing = spdlog::get(name)) return existing;
  auto l = spdlog::stderr_color_mt(name);
  l->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ [%n] %v");
  l->set_level(g_level);
  return l;
}

}  // namespace spe
