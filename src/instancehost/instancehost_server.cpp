#include "instancehost/instancehost_server.h"

namespace spe::instancehost {

InstanceHostServer::InstanceHostServer(InstanceHostConfig config)
    : config_(config),
      directories_(config.base_directory),
      agent_(config.role, [this](const RpcRequest& r) { return handle(r); },
             [this] {
               return Json{{"baseDirectory", config_.base_directory},
                           {"numberOfInstances", 0},
                           {"numberOfRunningInstances", 0}};
             }) {}

Result<Json> InstanceHostServer::handle(const RpcRequest& request) {
  const std::string path = request.params.is_object() && request.params.contains("path") &&
                                   request.params["path"].is_string()
                               ? request.params["path"].get<std::string>()
                               : std::string();
  if (request.method == "listDirectories") return directories_.list(path);
  if (request.method == "createDirectory") {
    SPE_TRY(directories_.create(path));
    return Json();
  }
  return makeError(ErrorCode::kNotSupported, "The Instance Host has no method '" + request.method + "'.");
}

}  // namespace spe::instancehost
