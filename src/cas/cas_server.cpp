#include "cas/cas_server.h"

namespace spe::cas {

CasServer::CasServer(CasConfig config)
    : config_(config),
      agent_(config.role,
             [](const RpcRequest& r) -> Result<Json> {
               return makeError(ErrorCode::kNotSupported, "The Client Access Server has no method '" + r.method + "'.");
             },
             {}) {}

}  // namespace spe::cas
