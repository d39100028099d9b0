// Provider branding (Branding.wiki): a directory with ClientBranding.json,
// WebBranding.json, index.html (the CAS's root page), about.html (must
// start with a UTF-8 byte order mark) and the images the JSON files name.
//
// readBranding() checks a branding directory completely before anything is
// used: both JSON files parse, hold only the documented fields (strings),
// colors are #rrggbb, URLs of the Outlook App are https, every image named
// exists, is a PNG (ICO for favicon_ico) and has the documented size
// (e.g. webLoginHeaderImage_410x81_png 410x81, *_autox36_png any width and
// height 36). An error names the file and what is wrong; the caller keeps
// the previous branding then.
//
// Only the documented names are part of a branding (the two JSON files,
// index.html, about.html and the files the JSON files name); readBranding()
// ignores anything else in the folder and checkBranding() refuses it. Each
// file must be a regular file with one name: a symbolic or hard link (or a
// FIFO, a folder...) under a documented name is refused, naming it, as is a
// branding folder that is a symbolic link, so nothing outside the
// folder (the Management Server's TLS key, say) can be sent to a CAS and
// served.
// Thread safety: stateless.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "common/base/json_reader.h"
#include "common/base/result.h"

namespace spe {

struct Branding {
  Json client;                               // ClientBranding.json
  Json web;                                  // WebBranding.json
  std::map<std::string, std::string> files;  // every file by name, bytes
};

// Reads and checks `directory`. A directory that does not exist is an
// empty branding (defaults everywhere), not an error.
Result<Branding> readBranding(const std::string& directory);

// The same checks on files already in memory (from the Management Server).
Result<Branding> checkBranding(std::map<std::string, std::string> files);

// What readBranding reads, unchecked: the documented files of `directory`
// that are there (regular files only, never through a link, at most 4 MB
// each; a file under a documented name that breaks these rules is an error
// naming it). A missing directory holds none. For the Management API's
// branding functions, which check a change with checkBranding before they
// write it.
Result<std::map<std::string, std::string>> readBrandingFiles(const std::string& directory);

// The names a branding made of `files` uses: ClientBranding.json,
// WebBranding.json, index.html, about.html and the files the JSON files
// name in their documented fields (whether or not they are in `files`).
std::set<std::string> brandingNames(const std::map<std::string, std::string>& files);

// Width and height of a PNG image (from its IHDR chunk), or nullopt.
std::optional<std::pair<int, int>> pngDimensions(const std::string& bytes);

}  // namespace spe
