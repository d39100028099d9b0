#include "common/base/result.h"

namespace spe {

const char* errorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalidArgument";
    case ErrorCode::kNotFound: return "notFound";
    case ErrorCode::kAlreadyExists: return "alreadyExists";
    case ErrorCode::kPermissionDenied: return "permissionDenied";
    case ErrorCode::kUnauthenticated: return "unauthenticated";
    case ErrorCode::kNotSupported: return "notSupported";
    case ErrorCode::kUnavailable: return "unavailable";
    case ErrorCode::kTimeout: return "timeout";
    case ErrorCode::kCancelled: return "cancelled";
    case ErrorCode::kIo: return "io";
    case ErrorCode::kDatabase: return "database";
    case ErrorCode::kProtocol: return "protocol";
    case ErrorCode::kCorrupt: return "corrupt";
    case ErrorCode::kInternal: return "internal";
  }
  return "internal";
}

}  // namespace spe
