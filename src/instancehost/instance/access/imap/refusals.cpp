#include "instancehost/instance/access/imap/refusals.h"

namespace spe::instance {

ImapRefusal imapRefusalFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return {"BAD", ""};
    case ErrorCode::kNotFound: return {"NO", "NONEXISTENT"};
    case ErrorCode::kAlreadyExists: return {"NO", "ALREADYEXISTS"};
    case ErrorCode::kPermissionDenied: return {"NO", "NOPERM"};
    case ErrorCode::kUnauthenticated: return {"NO", "AUTHENTICATIONFAILED"};
    case ErrorCode::kNotSupported: return {"NO", "CANNOT"};
    case ErrorCode::kUnavailable:
    case ErrorCode::kTimeout: return {"NO", "UNAVAILABLE"};
    case ErrorCode::kResourceExhausted: return {"NO", "LIMIT"};
    case ErrorCode::kCancelled: return {"NO", ""};
    case ErrorCode::kIo:
    case ErrorCode::kDatabase:
    case ErrorCode::kProtocol:
    case ErrorCode::kCorrupt:
    case ErrorCode::kInternal: return {"NO", "SERVERBUG"};
  }
  return {"NO", "SERVERBUG"};
}

std::string imapRefusalText(const Error& e) {
  const ImapRefusal r = imapRefusalFor(e.code);
  return *r.response_code ? "[" + std::string(r.response_code) + "] " + e.message : e.message;
}

bool isWriteCommand(const std::string& name) {
  for (const char* w :
       {"APPEND", "STORE", "COPY", "MOVE", "EXPUNGE", "CREATE", "DELETE", "RENAME", "SUBSCRIBE", "UNSUBSCRIBE"}) {
    if (name == w) return true;
  }
  return false;
}

Error readOnlyRefusal(const std::string& command) {
  return makeError(ErrorCode::kNotSupported, "The archive is read-only: " + command + " is not possible.");
}

}  // namespace spe::instance
