// The files Web Access serves: the application (app.html, app.js, app.css,
// i18n.js from the web directory) with the provider's branding applied: the web
// name in the page, colors and images through branding.css, the favicon,
// about.html, and the root page (index.html, or webRoot_html) shown at
// https://<cas>/ without an instance. Without branding, built-in defaults.
// Thread safety: stateless.
#pragma once

#include <map>
#include <string>

#include "cas/web_server.h"
#include "common/base/branding.h"

namespace spe::cas {

struct WebFiles {
  std::map<std::string, WebAsset> assets;
  std::string root_page;
};

Result<WebFiles> composeWebFiles(const std::string& web_directory, const Branding& branding);

}  // namespace spe::cas
