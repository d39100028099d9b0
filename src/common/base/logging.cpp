#include "common/base/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include <mutex>

#include "common/base/text.h"

namespace spe {
namespace {
std::mutex g_mutex;
std::string g_role = "spe";
spdlog::level::level_enum g_level = spdlog::level::info;

// A line's text may hold what callers sent (user names, folder names,
// paths, a mail server's error): control characters are escaped, so no
// value can end the line and forge the next one, and the text is cut.
constexpr std::size_t kMaxLogText = 4096;

class PrintableText final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    const std::string text = printable(std::string_view(msg.payload.data(), msg.payload.size()), kMaxLogText);
    dest.append(text.data(), text.data() + text.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<PrintableText>(); }
};

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
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<PrintableText>('*').set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ [%n] %*");
  l->set_formatter(std::move(formatter));
  l->set_level(g_level);
  return l;
}

}  // namespace spe
