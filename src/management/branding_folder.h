// BrandingFolder: the Management Server's branding folder (<data>/Branding,
// Branding.wiki) as the Management API shows and changes it: GetBranding,
// GetBrandingFile, SetBrandingFiles and DeleteBrandingFile, functions beyond
// the product (docs/api.md, "Extensions beyond the product"). ReloadBranding
// then sends the folder's branding to every Client Access Server.
//
// The rule: a change is checked whole before anything is written. The
// folder's branding files (readBrandingFiles) with the change applied must
// pass checkBranding (plain names, at most 4 MB, JSON files with only the
// documented fields, colors, https URLs, every named image there as a PNG
// or ICO of the documented size, about.html with its BOM); otherwise the
// change is refused with checkBranding's message, which names the file and
// what is wrong, and the folder stays as it was. An uploaded file must be
// one the branding uses (named by a JSON file of the result, or one of the
// fixed names), so a picture goes up together with the JSON file that names
// it. A deletion is refused when it would break a branding that passes the
// checks (a picture a JSON file still names).
//
// Writing: each file is replaced atomically (writeFileAtomically: a fresh
// temporary file, fsync, rename, directory fsync), mode 0644 (what a CAS
// serves anyway). The files of one change are written pictures and pages
// first and the JSON files last, so a crash in between leaves at worst new
// files no JSON file names yet, or (when a picture was replaced by one of
// another size) a branding ReloadBranding refuses naming that file; the CASes
// keep theirs and the same change can be made again.
//
// Files the branding does not use (left there by hand, or no longer named
// after a JSON file changed) are listed as unused and may be deleted; they
// are never read. A link or other non-regular file under any name is never
// followed: it is listed as such and deleting it removes only the link.
// Thread safety: every method may be called from any thread; calls are
// serialised by a mutex (so two changes never check the same old state).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/base/json_reader.h"
#include "common/base/result.h"

namespace spe::management {

class BrandingFolder {
 public:
  explicit BrandingFolder(std::string directory);

  // GetBranding: {directory, files:[{name, size, used, type, width?, height?}],
  // missing:[names a JSON file names that are not there], clientBranding,
  // webBranding (the JSON files' content, null when absent or unreadable),
  // valid, problem (checkBranding's message, null when valid)}. Files by name;
  // type is json, html, png, ico, link or other.
  Result<Json> describe() const;

  // GetBrandingFile: the bytes of a file the branding uses (kNotFound otherwise).
  Result<std::string> file(const std::string& name) const;

  // SetBrandingFiles: writes `files` (name -> bytes) after the checks above.
  // Errors: kInvalidArgument naming the file and the problem; kIo.
  Status put(const std::map<std::string, std::string>& files);

  // DeleteBrandingFile. Errors: kNotFound, kInvalidArgument (the branding
  // would break, naming how), kIo.
  Status remove(const std::string& name);

  const std::string& directory() const { return directory_; }

 private:
  const std::string directory_;
  mutable std::mutex mutex_;
};

class FunctionRegistry;

// Registers GetBranding, GetBrandingFile, SetBrandingFiles and
// DeleteBrandingFile on `folder` (functions/branding_functions.cpp).
void registerBrandingFolderFunctions(FunctionRegistry& registry, std::shared_ptr<BrandingFolder> folder);

}  // namespace spe::management
