// Password hashing (Argon2id via libsodium), the administrators' password
// strength rule, and generation of strong random passwords and secrets.
// Thread safety: all functions are safe to call concurrently.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/base/result.h"

namespace spe {

// Hashes with Argon2id (libsodium's crypto_pwhash_str, interactive limits:
// 64 MiB memory). The result is a self-describing "$argon2id$..." string.
Result<std::string> hashPassword(std::string_view password);

// True when `password` matches `hash` made by hashPassword(). Constant time.
// Same as checkPassword() == kMatch (so it counts against the cap below).
bool verifyPassword(std::string_view password, const std::string& hash);

// Argon2id takes 64 MiB and tens of milliseconds per run, so a process runs
// at most kMaxConcurrentHashes of them at once (hashPassword and
// checkPassword alike); others queue, at most kMaxQueuedHashes of them and
// each for at most `wait`; beyond that the check is not made (kBusy) and the
// caller answers "try again" instead of treating it as a wrong password.
inline constexpr int kMaxConcurrentHashes = 2;
inline constexpr int kMaxQueuedHashes = 3;  // 2 running + 3 queued + 2 waiting in LoginGuard < 8 pool threads
enum class PasswordCheck { kMatch, kMismatch, kBusy };
PasswordCheck checkPassword(std::string_view password, const std::string& hash,
                            std::chrono::milliseconds wait = std::chrono::seconds(10));
// Verifies `password` against a fixed Argon2id hash made once per process
// (never a match): unknown users and users without a password cost the same
// time as known ones, so the answer time does not tell which names exist.
PasswordCheck checkDummyPassword(std::string_view password, std::chrono::milliseconds wait = std::chrono::seconds(10));

// Counters since the process started, for tests and statistics.
struct PasswordHashStats {
  std::int64_t verifications = 0;        // Argon2id verifications run (dummy ones included)
  std::int64_t dummy_verifications = 0;  // of which against the dummy hash
  std::int64_t busy = 0;                 // checks not made: too many queued or the wait ran out
  std::int64_t running = 0;              // hash computations running now
  std::int64_t peak_running = 0;         // most ever running at once
};
PasswordHashStats passwordHashStats();

// The strength rule for administrator passwords (docs/security.md): at least
// 10 characters, at most 256, with at least three of: lower case, upper case,
// digit, other character; not equal to the user name. Returns an error naming
// what is missing.
Status checkPasswordStrength(std::string_view password, std::string_view user_name);

// A random password of `length` characters that satisfies the strength rule.
std::string generatePassword(std::size_t length = 20);

// `bytes` random bytes, hex encoded.
std::string randomHex(std::size_t bytes);

}  // namespace spe
