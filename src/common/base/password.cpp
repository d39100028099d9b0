#include "common/base/password.h"

#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <stdexcept>

namespace spe {
namespace {

struct SodiumInit {
  SodiumInit() {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  }
};

void ensureSodium() { static SodiumInit init; }

// At most kMaxConcurrentHashes Argon2id runs at once in this process.
class HashSlots {
 public:
  // False when the queue is full or `wait` ran out.
  bool acquire(std::chrono::milliseconds wait) {
    std::unique_lock lock(mutex_);
    if (running_ >= kMaxConcurrentHashes) {
      if (waiting_ >= kMaxQueuedHashes) return false;
      ++waiting_;
      const bool got = cv_.wait_for(lock, wait, [this] { return running_ < kMaxConcurrentHashes; });
      --waiting_;
      if (!got) return false;
    }
    ++running_;
    peak_ = std::max(peak_, running_);
    return true;
  }
  void release() {
    {
      std::lock_guard lock(mutex_);
      --running_;
    }
    cv_.notify_one();
  }
  std::int64_t running() {
    std::lock_guard lock(mutex_);
    return running_;
  }
  std::int64_t peak() {
    std::lock_guard lock(mutex_);
    return peak_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::int64_t running_ = 0, waiting_ = 0, peak_ = 0;
};

HashSlots& slots() {
  static HashSlots s;
  return s;
}

std::atomic<std::int64_t> g_verifications{0}, g_dummy{0}, g_busy{0};

struct SlotGuard {
  bool held;
  explicit SlotGuard(std::chrono::milliseconds wait) : held(slots().acquire(wait)) {
    if (!held) ++g_busy;
  }
  ~SlotGuard() {
    if (held) slots().release();
  }
  SlotGuard(const SlotGuard&) = delete;
  SlotGuard& operator=(const SlotGuard&) = delete;
};

// Made once, from a random password nobody knows; same limits as real hashes.
const std::string& dummyHash() {
  static const std::string hash = [] {
    ensureSodium();
    const std::string secret = randomHex(16);
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(out, secret.data(), secret.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
      throw std::runtime_error("Out of memory while making the dummy password hash.");
    }
    return std::string(out);
  }();
  return hash;
}

}  // namespace

Result<std::string> hashPassword(std::string_view password) {
  ensureSodium();
  SlotGuard slot(std::chrono::seconds(60));
  if (!slot.held) {
    return makeError(ErrorCode::kUnavailable, "The server is busy checking passwords; try again in a moment.");
  }
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return makeError(ErrorCode::kInternal, "Out of memory while hashing a password.");
  }
  return std::string(out);
}

PasswordCheck checkPassword(std::string_view password, const std::string& hash, std::chrono::milliseconds wait) {
  ensureSodium();
  if (hash.empty()) return PasswordCheck::kMismatch;
  SlotGuard slot(wait);
  if (!slot.held) return PasswordCheck::kBusy;
  ++g_verifications;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0 ? PasswordCheck::kMatch
                                                                                       : PasswordCheck::kMismatch;
}

bool verifyPassword(std::string_view password, const std::string& hash) {
  return checkPassword(password, hash) == PasswordCheck::kMatch;
}

PasswordCheck checkDummyPassword(std::string_view password, std::chrono::milliseconds wait) {
  const std::string& hash = dummyHash();
  const PasswordCheck r = checkPassword(password, hash, wait);
  if (r == PasswordCheck::kBusy) return r;
  ++g_dummy;
  return PasswordCheck::kMismatch;
}

PasswordHashStats passwordHashStats() {
  PasswordHashStats s;
  s.verifications = g_verifications.load();
  s.dummy_verifications = g_dummy.load();
  s.busy = g_busy.load();
  s.running = slots().running();
  s.peak_running = slots().peak();
  return s;
}

Status checkPasswordStrength(std::string_view password, std::string_view user_name) {
  if (password.size() < 10) {
    return makeError(ErrorCode::kInvalidArgument, "The password is too short: it needs at least 10 characters.");
  }
  if (password.size() > 256) {
    return makeError(ErrorCode::kInvalidArgument, "The password is too long: at most 256 characters are allowed.");
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
  static constexpr std::string_view kAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-_.";
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
  sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
  hex.pop_back();
  return hex;
}

}  // namespace spe
