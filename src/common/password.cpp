#include "common/password.h"

#include <sodium.h>

#include <stdexcept>

namespace spe {
namespace {

struct SodiumInit {
  SodiumInit() {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  }
};

void ensureSodium() { static SodiumInit init; }

}  // namespace

Result<std::string> hashPassword(std::string_view password) {
  ensureSodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return makeError(ErrorCode::kInternal, "Out of memory while hashing a password.");
  }
  return std::string(out);
}

bool verifyPassword(std::string_view password, const std::string& hash) {
  ensureSodium();
  if (hash.empty()) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

Status checkPasswordStrength(std::string_view password, std::string_view user_name) {
  if (password.size() < 10) {
    return makeError(ErrorCode::kInvalidArgument,
                     "The password is too short: it needs at least 10 characters.");
  }
  if (password.size() > 256) {
    return makeError(ErrorCode::kInvalidArgument,
                     "The password is too long: at most 256 characters are allowed.");
  }
  bool lower = false, upper = false, digit = false, other = false;
  for (unsigned char c : password) {
    if (c >= 'a' && c <= 'z') lower = true;
    else if (c >= 'A' && c <= 'Z') upper = true;
    else if (c >= '0' && c <= '9') digit = true;
    else other = true;
  }
  const int classes = int{lower} + int{upper} + int{digit} + int{other};
  if (classes < 3) {
    return makeError(ErrorCode::kInvalidArgument,
                     "The password is too weak: it needs characters of at least three kinds "
                     "(lower case, upper case, digits, other characters).");
  }
  if (!user_name.empty() && password == user_name) {
    return makeError(ErrorCode::kInvalidArgument, "The password must not equal the user name.");
  }
  return okStatus();
}

std::string generatePassword(std::size_t length) {
  ensureSodium();
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-_.";
  for (;;) {
    std::string out;
    out.reserve(length);
    for (std::size_t i = 0; i < length; ++i) {
      out.push_back(kAlphabet[randombytes_uniform(static_cast<std::uint32_t>(kAlphabet.size()))]);
    }
    if (checkPasswordStrength(out, {}).ok()) return out;
  }
}

std::string randomHex(std::size_t bytes) {
  ensureSodium();
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string hex(bytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                 raw.size());
  hex.pop_back();
  return hex;
}

}  // namespace spe
