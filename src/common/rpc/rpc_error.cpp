// Errors in RPC frames: {code, message, details}, the code by its stable
// name (errorCodeName / errorCodeFromName in common/base/result.h).
#include "common/rpc/rpc.h"

namespace spe {

Json rpcErrorToJson(const Error& error) {
  return Json{{"code", errorCodeName(error.code)}, {"message", error.message}, {"details", error.details}};
}

Error rpcErrorFromJson(const Json& error) {
  Error e{ErrorCode::kInternal, "The peer reported an error.", {}};
  if (!error.is_object()) return e;
  // A name this build does not know (a newer peer) stays kInternal.
  e.code = errorCodeFromName(stringOf(error, "code").value_or("")).value_or(ErrorCode::kInternal);
  if (error.contains("message") && error["message"].is_string()) e.message = error["message"];
  if (error.contains("details") && error["details"].is_string()) e.details = error["details"];
  return e;
}

}  // namespace spe
