// The branding folder through the API, beyond the product (which has only
// ReloadBranding and a folder edited by hand): GetBranding, GetBrandingFile,
// SetBrandingFiles, DeleteBrandingFile. The checks and the writing are
// BrandingFolder's (management/branding_folder.h); ReloadBranding
// (server_functions.cpp) sends the result to the Client Access Servers.
// Like every function they need a system administrator (the product's only
// privilege on the Management API).
#include "common/base/crypto.h"
#include "management/api/function_registry.h"
#include "management/branding_folder.h"
#include "management/management_context.h"

namespace spe::management {
namespace {

// A branding has at most a few dozen files (two JSON files, two pages and
// the pictures they name); more in one call is a mistake.
constexpr std::size_t kMaxFilesPerCall = 32;

// {"name": "<base64>", ...} -> name -> bytes; errors name the file.
Result<std::map<std::string, std::string>> decodeFiles(const Json& files) {
  if (!files.is_object() || files.empty()) {
    return makeError(ErrorCode::kInvalidArgument,
                     "'files' must be a JSON object of file names and their content in base64, e.g. "
                     "{\"WebBranding.json\": \"ewog...\"}.");
  }
  if (files.size() > kMaxFilesPerCall) {
    return makeError(ErrorCode::kInvalidArgument,
                     "'files' may hold at most " + std::to_string(kMaxFilesPerCall) + " files.");
  }
  std::map<std::string, std::string> out;
  for (const auto& [name, value] : files.items()) {
    if (!value.is_string()) {
      return makeError(ErrorCode::kInvalidArgument, "'files." + name + "' must be a string (the content in base64).");
    }
    auto bytes = base64Decode(value.get<std::string>());
    if (!bytes) return makeError(ErrorCode::kInvalidArgument, "'files." + name + "' is not valid base64.");
    out.emplace(name, std::move(*bytes));
  }
  return out;
}

}  // namespace

void registerBrandingFolderFunctions(FunctionRegistry& registry, std::shared_ptr<BrandingFolder> folder) {
  registry.add({"GetBranding", {}, [folder](CallContext&) { return folder->describe(); }});

  registry.add({"GetBrandingFile", {{"name", ArgType::kString}}, [folder](CallContext& c) -> Result<Json> {
                  const std::string name = c.args.str("name");
                  auto bytes = folder->file(name);
                  if (!bytes) return bytes.error();
                  return Json{{"name", name},
                              {"size", static_cast<std::int64_t>(bytes->size())},
                              {"content", base64Encode(*bytes)}};
                }});

  registry.add({"SetBrandingFiles", {{"files", ArgType::kJson}}, [folder](CallContext& c) -> Result<Json> {
                  auto files = decodeFiles(c.args.json("files"));
                  if (!files) return files.error();
                  SPE_TRY(folder->put(*files));
                  return Json();
                }});

  registry.add({"DeleteBrandingFile", {{"name", ArgType::kString}}, [folder](CallContext& c) -> Result<Json> {
                  SPE_TRY(folder->remove(c.args.str("name")));
                  return Json();
                }});
}

void registerBrandingFunctions(FunctionRegistry& registry, ManagementContext& ctx) {
  registerBrandingFolderFunctions(registry, std::make_shared<BrandingFolder>(ctx.config.data_directory + "/Branding"));
}

}  // namespace spe::management
