#include "management/console/console_files.h"

#include <boost/beast/http.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace spe::management {
namespace http = beast::http;
namespace {

constexpr std::size_t kMaxPath = 200;
constexpr std::uintmax_t kMaxFile = 16u << 20;

bool allowedPath(const std::string& path) {
  if (path.empty() || path.size() > kMaxPath || path[0] != '/') return false;
  bool part_start = true;
  for (std::size_t i = 1; i < path.size(); ++i) {
    const char c = path[i];
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                       c == '_';
    if (c == '/') {
      if (part_start) return false;  // "//" or a leading empty part
      part_start = true;
      continue;
    }
    if (c == '.' && part_start) return false;  // ".", "..", hidden files
    if (!plain && c != '.') return false;
    part_start = false;
  }
  return !part_start || path == "/";
}

std::string contentTypeOf(const std::string& path) {
  const auto dot = path.rfind('.');
  const std::string ext = dot == std::string::npos ? "" : path.substr(dot + 1);
  if (ext == "html") return "text/html; charset=utf-8";
  if (ext == "js" || ext == "mjs") return "text/javascript; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "json") return "application/json; charset=utf-8";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "png") return "image/png";
  if (ext == "ico") return "image/x-icon";
  if (ext == "woff2") return "font/woff2";
  if (ext == "map") return "application/json";
  return "application/octet-stream";
}

}  // namespace

void consoleSecurityHeaders(HttpResponse& res) {
  res.set("Content-Security-Policy",
          "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
          "font-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("X-Frame-Options", "DENY");
  res.set("Referrer-Policy", "no-referrer");
  res.set(http::field::strict_transport_security, "max-age=31536000");
  res.set("Cross-Origin-Opener-Policy", "same-origin");
}

std::optional<ConsoleFile> consoleFile(const std::string& directory, const std::string& path) {
  if (!allowedPath(path)) return std::nullopt;
  const std::string relative = path == "/" ? "index.html" : path.substr(1);
  const std::filesystem::path file = std::filesystem::path(directory) / relative;
  std::error_code ec;
  const auto status = std::filesystem::symlink_status(file, ec);
  if (ec || !std::filesystem::is_regular_file(status)) return std::nullopt;  // no links, no folders
  const auto size = std::filesystem::file_size(file, ec);
  if (ec || size > kMaxFile) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return ConsoleFile{contentTypeOf(relative), bytes.str()};
}

}  // namespace spe::management
