// The Management Console's own files (the built single-page application,
// src/management/console/web/), served as they are from one directory.
//
// A path names a file directly below the directory or in a folder of it:
// letters, digits, '.', '-', '_' and '/' only, no part starting with a dot
// (so no "..", no hidden files), at most 200 characters; "/" is index.html.
// Everything else is "not found". Every answer carries the console's
// security headers (consoleSecurityHeaders): a strict Content-Security-Policy
// (scripts, styles, images and connections from this origin only; no inline
// script, no framing), no sniffing, no referrer, HSTS.
// Thread safety: stateless; files are read on each request (they are small).
#pragma once

#include <optional>
#include <string>

#include "common/net/https_session.h"

namespace spe::management {

void consoleSecurityHeaders(HttpResponse& res);

struct ConsoleFile {
  std::string content_type;
  std::string bytes;
};
// The file for `path` (collapsed, without query) from `directory`; nullopt
// when there is none or the path is not one of the allowed shapes.
std::optional<ConsoleFile> consoleFile(const std::string& directory, const std::string& path);

}  // namespace spe::management
