// TOTP: time-based one-time passwords (RFC 6238) for multi-factor login, as
// every authenticator app computes them: HMAC-SHA-1, 6 digits, 30-second
// time steps counted from the Unix epoch. The arithmetic is liboath's
// (oath-toolkit, Debian's liboath0); this file adds the rules of our logins:
//
// - A secret is 20 random bytes (RFC 4226 §4 asks for at least 16; 20 is
//   SHA-1's block-sized key that authenticator apps expect). It is shown to
//   the user once, in base32 (RFC 4648, upper case, no padding) inside an
//   otpauth:// URI (the "Key URI Format" of Google Authenticator that every
//   app reads) and as text to type in.
// - A code is accepted for the current time step and one step on either
//   side (RFC 6238 §5.2: the clocks of phone and server drift, and a code
//   typed at the end of its 30 s arrives in the next step).
// - A code is used once: the caller keeps the step of the last code it
//   accepted for an account and passes it in; a code of that step or an
//   earlier one is refused as replayed, even while it would still be
//   valid by time (RFC 6238 §5.2, "the verifier MUST NOT accept the second
//   attempt of the OTP after the successful validation has been issued").
// Time comes from the caller (Clock::systemNow(), common/base/clock.h), so
// tests drive it with a FakeClock.
// Thread safety: every function is safe to call from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/base/result.h"

namespace spe {

constexpr std::chrono::seconds kTotpStep{30};
constexpr unsigned kTotpDigits = 6;
constexpr int kTotpWindow = 1;  // steps accepted on either side of now
constexpr std::size_t kTotpSecretBytes = 20;

// 20 random bytes (libsodium's generator).
std::string newTotpSecret();

// RFC 4648 base32, upper case, without '=' padding (as otpauth URIs carry it).
std::string base32Encode(std::string_view bytes);
// Reads base32 as people type it: any case, spaces and '=' padding ignored;
// nullopt when a character is not of the alphabet or the length cannot be
// base32 of whole bytes.
std::optional<std::string> base32Decode(std::string_view text);

// The time step `at` lies in: floor(seconds since the epoch / 30).
std::int64_t totpStep(std::chrono::system_clock::time_point at);

// The code of `secret` for time step `step`, `digits` (6 to 8) digits with
// leading zeros. An error only for an empty secret, digits out of range or
// a step before the epoch.
Result<std::string> totpCode(std::string_view secret, std::int64_t step, unsigned digits = kTotpDigits);

struct TotpCheck {
  enum class Outcome {
    kAccepted,  // `step` is the step the code belongs to: remember it
    kWrong,     // not a code of the window (or not 6 digits)
    kReplayed,  // a code of the window, but of a step at or before `last_used_step`
  };
  Outcome outcome = Outcome::kWrong;
  std::int64_t step = 0;  // kAccepted only
};

// Checks `code` (6 digits; spaces in it are ignored, as apps show "123 456")
// against the steps of `now` ± kTotpWindow that are later than
// `last_used_step`. Codes are compared in constant time.
TotpCheck checkTotp(std::string_view secret, std::string_view code, std::chrono::system_clock::time_point now,
                    std::optional<std::int64_t> last_used_step);

// otpauth://totp/<issuer>:<account>?secret=<base32>&issuer=<issuer>&algorithm=SHA1&digits=6&period=30,
// the label and parameters percent-encoded (RFC 3986 unreserved characters stay).
std::string otpauthUri(std::string_view issuer, std::string_view account, std::string_view secret);

}  // namespace spe
