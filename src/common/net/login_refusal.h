// Why an end user's login was refused, in words the instance and the CAS
// share: the details of the instance's error (Error::details), by which
// the CAS knows which refusals it may pass on to the client as they are
// (all others read alike: "Authentication failed.", so a refusal tells a
// guesser nothing about the account).
// Thread safety: constants.
#pragma once

namespace spe {

// kUnauthenticated: the account password was right, but the user has
// multi-factor login on and IMAP takes only app passwords.
inline constexpr const char* kLoginAppPasswordRequired = "appPasswordRequired";
// kUnavailable: the directory service could not check a directory user's
// password (down, not configured, too slow): a temporary error.
inline constexpr const char* kLoginDirectoryDown = "directoryUnavailable";

}  // namespace spe
