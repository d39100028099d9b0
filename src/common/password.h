// Password hashing (Argon2id via libsodium), the administrators' password
// strength rule, and generation of strong random passwords and secrets.
// Thread safety: all functions are safe to call concurrently.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace spe {

// Hashes with Argon2id (libsodium's crypto_pwhash_str, interactive limits:
// 64 MiB memory). The result is a self-describing "$argon2id$..." string.
Result<std::string> hashPassword(std::string_view password);

// True when `password` matches `hash` made by hashPassword(). Constant time.
bool verifyPassword(std::string_view password, const std::string& hash);

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
