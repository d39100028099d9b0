#include "common/base/totp.h"

#include <liboath/oath.h>
#include <sodium.h>

#include <array>
#include <cstdlib>
#include <memory>
#include <mutex>

#include "common/base/crypto.h"

namespace spe {
namespace {

// oath_init() sets up the library once per process (it is not meant to be
// called concurrently); every other liboath function is reentrant.
void initOath() {
  static std::once_flag once;
  std::call_once(once, [] { (void)oath_init(); });
}

struct FreeDeleter {
  void operator()(char* p) const { std::free(p); }  // liboath allocates with malloc
};

bool isBase32Letter(char c) { return (c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7'); }

std::string percentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                            c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace

std::string newTotpSecret() { return randomBytes(kTotpSecretBytes); }

std::string base32Encode(std::string_view bytes) {
  initOath();
  char* out = nullptr;
  std::size_t out_len = 0;
  if (oath_base32_encode(bytes.data(), bytes.size(), &out, &out_len) != OATH_OK || !out) return {};
  std::unique_ptr<char, FreeDeleter> owned(out);
  std::string text(out, out_len);
  while (!text.empty() && text.back() == '=') text.pop_back();
  return text;
}

std::optional<std::string> base32Decode(std::string_view text) {
  std::string clean;
  for (char c : text) {
    if (c == ' ' || c == '=') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!isBase32Letter(c)) return std::nullopt;
    clean.push_back(c);
  }
  // 8 letters carry 5 bytes; a last group of 2, 4, 5 or 7 letters carries 1 to 4.
  const std::size_t rest = clean.size() % 8;
  if (rest == 1 || rest == 3 || rest == 6) return std::nullopt;
  if (clean.empty()) return std::string();
  while (clean.size() % 8 != 0) clean.push_back('=');
  initOath();
  char* out = nullptr;
  std::size_t out_len = 0;
  if (oath_base32_decode(clean.data(), clean.size(), &out, &out_len) != OATH_OK || !out) return std::nullopt;
  std::unique_ptr<char, FreeDeleter> owned(out);
  std::string bytes(out, out_len);
  sodium_memzero(out, out_len);
  return bytes;
}

std::int64_t totpStep(std::chrono::system_clock::time_point at) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count();
  const auto step = kTotpStep.count();
  return seconds >= 0 ? seconds / step : -((-seconds + step - 1) / step);
}

Result<std::string> totpCode(std::string_view secret, std::int64_t step, unsigned digits) {
  if (secret.empty()) return makeError(ErrorCode::kInvalidArgument, "A TOTP secret cannot be empty.");
  if (digits < 6 || digits > 8) return makeError(ErrorCode::kInvalidArgument, "A TOTP code has 6 to 8 digits.");
  if (step < 0) return makeError(ErrorCode::kInvalidArgument, "A TOTP time step cannot lie before 1970.");
  initOath();
  std::array<char, 16> out{};
  const auto at = static_cast<time_t>(step * kTotpStep.count());
  const int rc = oath_totp_generate2(secret.data(), secret.size(), at, static_cast<unsigned>(kTotpStep.count()),
                                     OATH_TOTP_DEFAULT_START_TIME, digits, 0, out.data());
  if (rc != OATH_OK) return makeError(ErrorCode::kInternal, std::string("liboath: ") + oath_strerror(rc));
  return std::string(out.data(), digits);
}

TotpCheck checkTotp(std::string_view secret, std::string_view code, std::chrono::system_clock::time_point now,
                    std::optional<std::int64_t> last_used_step) {
  std::string given;
  for (char c : code) {
    if (c == ' ') continue;
    if (c < '0' || c > '9' || given.size() == kTotpDigits) return {};
    given.push_back(c);
  }
  if (given.size() != kTotpDigits) return {};
  const std::int64_t current = totpStep(now);
  TotpCheck result;
  bool replayed = false;
  // Every step of the window is computed and compared, matching or not.
  for (std::int64_t step : {current, current - kTotpWindow, current + kTotpWindow}) {
    auto expected = totpCode(secret, step);
    if (!expected) continue;
    const bool match = sodium_memcmp(expected->data(), given.data(), kTotpDigits) == 0;
    const bool fresh = !last_used_step || step > *last_used_step;
    if (match && fresh && result.outcome != TotpCheck::Outcome::kAccepted) {
      result = {TotpCheck::Outcome::kAccepted, step};
    } else if (match && !fresh) {
      replayed = true;
    }
  }
  if (result.outcome != TotpCheck::Outcome::kAccepted && replayed) result.outcome = TotpCheck::Outcome::kReplayed;
  return result;
}

std::string otpauthUri(std::string_view issuer, std::string_view account, std::string_view secret) {
  const std::string issuer_text = percentEncode(issuer);
  return "otpauth://totp/" + issuer_text + ":" + percentEncode(account) + "?secret=" + base32Encode(secret) +
         "&issuer=" + issuer_text + "&algorithm=SHA1&digits=" + std::to_string(kTotpDigits) +
         "&period=" + std::to_string(kTotpStep.count());
}

}  // namespace spe
