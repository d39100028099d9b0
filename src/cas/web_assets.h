// The files Web Access serves: the application (app.html and the .js and
// .css files beside it in the web directory: app.js and the ES modules it
// imports, app.css) with the provider's branding applied: the web
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
