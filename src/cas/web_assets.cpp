#include "cas/web_assets.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "common/base/text.h"

namespace spe::cas {
namespace {

void replaceAll(std::string& s, const std::string& from, const std::string& to) {
  for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
    s.replace(pos, from.size(), to);
}

std::string defaultRoot(const std::string& name) {
  return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>" +
         htmlEscape(name) +
         "</title><link rel=\"stylesheet\" href=\"/-/app.css\"><link rel=\"stylesheet\" href=\"/-/branding.css\">"
         "</head><body><header class=\"bar\"><span class=\"brand\"><span class=\"logo\"></span>" +
         htmlEscape(name) + "</span></header><main class=\"center\"><div class=\"card\"><h1>" + htmlEscape(name) +
         "</h1><p>To open your email archive, use the address your provider gave you: "
         "this address followed by your company's archive name.</p></div></main></body></html>";
}

std::string contentType(const std::string& name) {
  auto ends = [&](const char* ext) {
    const std::string e(ext);
    return name.size() >= e.size() && name.compare(name.size() - e.size(), e.size(), e) == 0;
  };
  if (ends(".png")) return "image/png";
  if (ends(".ico")) return "image/x-icon";
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  return "application/octet-stream";
}

// The application's files: app.html and every .js and .css file beside it
// (the ES modules app.js imports; no subfolders). The list is read here, at
// start and on a branding change: no part of a URL reaches the file system.
Result<std::set<std::string>> applicationFiles(const std::string& web_directory) {
  std::set<std::string> names{"app.html", "app.js", "app.css", "i18n.js"};  // must be there
  std::error_code ec;
  for (std::filesystem::directory_iterator it(web_directory, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const auto ext = it->path().extension();
    if (it->is_regular_file(ec) && (ext == ".js" || ext == ".css") && name.front() != '.') names.insert(name);
  }
  if (ec) {
    return makeError(ErrorCode::kNotFound, "Web Access: the folder '" + web_directory + "' cannot be read (" +
                                               ec.message() + "; see webDirectory in cas.json).");
  }
  return names;
}

}  // namespace

Result<WebFiles> composeWebFiles(const std::string& web_directory, const Branding& branding) {
  WebFiles out;
  auto names = applicationFiles(web_directory);
  if (!names) return names.error();
  for (const std::string& name : *names) {
    std::ifstream in(web_directory + "/" + name, std::ios::binary);
    if (!in) {
      return makeError(ErrorCode::kNotFound,
                       "Web Access: '" + web_directory + "/" + name + "' is missing (see webDirectory in cas.json).");
    }
    std::ostringstream bytes;
    bytes << in.rdbuf();
    out.assets[name] = {contentType(name), bytes.str()};
  }
  const Json& web = branding.web;
  const std::string name = web.value("webName", "Email Archive");
  std::string& app = out.assets["app.html"].body;
  replaceAll(app, "<title>Email Archive</title>", "<title>" + htmlEscape(name) + "</title>");
  replaceAll(app, "<span id=\"product\">Email Archive</span>", "<span id=\"product\">" + htmlEscape(name) + "</span>");
  // Branding files are served under their own names (checked plain names only).
  for (const auto& [file, bytes] : branding.files) {
    if (file.size() > 5 && file.substr(file.size() - 5) == ".json") continue;
    out.assets["branding/" + file] = {contentType(file), bytes};
  }
  std::string css = ":root {";
  if (web.contains("webHeaderBackgroundColor")) css += " --header: " + web.value("webHeaderBackgroundColor", "") + ";";
  if (web.contains("highlightColor")) css += " --highlight: " + web.value("highlightColor", "") + ";";
  css += " }\n";
  if (web.contains("webHeaderBackgroundImage_autox36_png")) {
    css += ".logo { height: 36px; aspect-ratio: auto; min-width: 120px; background-image: url(/-/branding/" +
           web.value("webHeaderBackgroundImage_autox36_png", "") + "); background-position: left center; }\n";
  }
  if (web.contains("webLoginHeaderImage_410x81_png")) {
    css += ".login-header { height: 81px; background-image: url(/-/branding/" +
           web.value("webLoginHeaderImage_410x81_png", "") + "); }\n";
  }
  out.assets["branding.css"] = {"text/css; charset=utf-8", css};
  if (web.contains("favicon_png")) {
    out.assets["favicon.png"] = {"image/png", branding.files.at(web.value("favicon_png", ""))};
  }
  if (web.contains("favicon_ico"))
    out.assets["favicon.ico"] = {"image/x-icon", branding.files.at(web.value("favicon_ico", ""))};
  const std::string about = web.value("webAbout_html", branding.files.count("about.html") ? "about.html" : "");
  if (!about.empty()) out.assets["about.html"] = {"text/html; charset=utf-8", branding.files.at(about)};
  const std::string root = web.value("webRoot_html", branding.files.count("index.html") ? "index.html" : "");
  out.root_page = root.empty() ? defaultRoot(name) : branding.files.at(root);
  return out;
}

}  // namespace spe::cas
