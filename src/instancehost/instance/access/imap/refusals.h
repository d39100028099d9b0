// How the instance's IMAP server refuses a command: the status ("NO" or
// "BAD") and the response code (RFC 5530) are chosen here from the error's
// code alone, never from its text; the error's message follows them as it
// is. Also what the read-only archive refuses outright.
// Thread safety: stateless.
#pragma once

#include <string>

#include "common/base/result.h"

namespace spe::instance {

struct ImapRefusal {
  const char* status;         // "NO" or "BAD"
  const char* response_code;  // "" for none
};

ImapRefusal imapRefusalFor(ErrorCode code);

// The tagged reply text for a failed command: "[CODE] message" or "message".
std::string imapRefusalText(const Error& e);

// Commands that would change mail (APPEND, STORE, COPY, ...): the archive
// answers them with readOnlyRefusal.
bool isWriteCommand(const std::string& name);
Error readOnlyRefusal(const std::string& command);

}  // namespace spe::instance
