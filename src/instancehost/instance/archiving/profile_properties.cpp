#include "instancehost/instance/archiving/profile_properties.h"

#include "instancehost/instance/archiving/profile_scheduler.h"
#include "instancehost/instance/archiving/profile_sources.h"
#include "instancehost/instance/export/export_profile.h"

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
  if (p.contains("type") && !p["type"].is_string()) {
    return makeError(ErrorCode::kInvalidArgument, "'properties.type' must be a string.");
  }
  const std::string type = p.value("type", "archive");
  if (type != "archive" && type != "I" && type != "export") {
    return makeError(ErrorCode::kNotSupported, "'properties.type' '" + type.substr(0, 40) +
                                                   "' is not supported: profiles archive ('archive') or export "
                                                   "('export').");
  }
  r.type = type == "export" ? "export" : "archive";
  if (p.contains("owner") && !p["owner"].is_string()) {
    return makeError(ErrorCode::kInvalidArgument, "'properties.owner' must be a string.");
  }
  r.owner = p.value("owner", "$archiveadmin");
  if (!p.contains("connector") || !p["connector"].is_string()) {
    return makeError(ErrorCode::kInvalidArgument, "'properties.connector' is required.");
  }
  r.connector = p["connector"].get<std::string>();
  if (r.type == "export" && !isExportConnector(r.connector)) {
    return makeError(ErrorCode::kInvalidArgument, "'properties.connector' '" + r.connector.substr(0, 60) +
                                                      "' cannot export; export connectors are " +
                                                      exportConnectorNames() + ".");
  }
  if (r.type == "archive" && !findConnector(r.connector)) {
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
  if (r.type == "export") {
    auto spec = parseExportSpec(r);
    if (!spec) return spec.error();
  } else {
    SPE_TRY(checkSourceDetails(r));
  }
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
