#include "instancehost/instance/archiving/profile_properties.h"

#include "instancehost/instance/archiving/profile_scheduler.h"
#include "instancehost/instance/archiving/profile_sources.h"

namespace spe::instance {

Result<Profile> parseProfile(const Json& p) {
  if (!p.is_object()) return makeError(ErrorCode::kInvalidArgument, "'properties' must be a JSON object.");
  for (const char* k : {"id", "version"}) {
    if (p.contains(k)) {
      return makeError(ErrorCode::kInvalidArgument, std::string("'properties.") + k + "' must be omitted.");
    }
  }
  for (const auto& [key, value] : p.items()) {
    if (key != "name" && key != "type" && key != "owner" && key != "connector" && key != "details" &&
        key != "serverSideExecution") {
      return makeError(ErrorCode::kInvalidArgument, "'properties' has the unknown key '" + key + "'.");
    }
  }
  Profile r;
  if (!p.contains("name") || !p["name"].is_string() || p["name"].get<std::string>().empty() ||
      p["name"].get<std::string>().size() > 255) {
    return makeError(ErrorCode::kInvalidArgument, "'properties.name' must be a string of 1 to 255 characters.");
  }
  r.name = p["name"].get<std::string>();
  const std::string type = p.value("type", "archive");
  if (type != "archive" && type != "I") {
    return makeError(ErrorCode::kNotSupported,
                     "'properties.type' '" + type + "' is not supported: only archiving profiles ('archive') are.");
  }
  if (p.contains("owner") && !p["owner"].is_string()) {
    return makeError(ErrorCode::kInvalidArgument, "'properties.owner' must be a string.");
  }
  r.owner = p.value("owner", "$archiveadmin");
  if (!p.contains("connector") || !p["connector"].is_string()) {
    return makeError(ErrorCode::kInvalidArgument, "'properties.connector' is required.");
  }
  r.connector = p["connector"].get<std::string>();
  if (!findConnector(r.connector)) {
    return makeError(ErrorCode::kInvalidArgument, "'properties.connector' '" + r.connector +
                                                      "' is unknown; supported are " + connectorNames() + ".");
  }
  if (!p.contains("details") || !p["details"].is_object()) {
    return makeError(ErrorCode::kInvalidArgument, "'properties.details' must be a JSON object.");
  }
  r.details = p["details"];
  if (r.details.contains("password")) {
    r.secrets["password"] = r.details["password"];
    r.details.erase("password");
  }
  SPE_TRY(checkSourceDetails(r));
  if (p.contains("serverSideExecution")) {
    auto server_side = parseServerSideExecution(p["serverSideExecution"], false);
    if (!server_side) {
      return makeError(ErrorCode::kInvalidArgument, "'properties.serverSideExecution': " + server_side.error().message);
    }
    r.server_side = *server_side;
  } else {
    r.server_side = Json{{"automatic", false}};
  }
  return r;
}

}  // namespace spe::instance
