// VerifiedLoginCache: end-user passwords that Argon2id verified lately, so
// the next login of the same user with the same password skips the hash (as
// Dovecot's auth cache does). Argon2id takes 70-85 ms here (64 MiB,
// libsodium's interactive limits) and was most of an IMAP LOGIN through the
// CAS (docs/end-user-access.md, "Logging in").
//
// What is kept, per user name: a keyed BLAKE2b MAC of the password (the key
// is random per process and never leaves memory), the Argon2id hash that
// password matched, and when the entry was made. Never the password, never
// on disk, never logged.
// - A login matches an entry only with the same password (MAC compared in
//   constant time), the same stored hash (a changed password misses: the
//   user record has another hash), and within `ttl` of the Argon2id check
//   that made it. A deleted user has no record and so no login.
// - Only successes are kept: a wrong password, an unknown user, a user
//   without a password always cost the full hash, so the answer time of a
//   refusal tells nothing new. forget() drops a user's entry.
// - At most `max_entries`; a full cache drops the entries past their ttl,
//   then the oldest.
// Thread safety: internally locked.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "common/base/clock.h"

namespace spe::instance {

class VerifiedLoginCache {
 public:
  static constexpr std::chrono::minutes kDefaultTtl{10};
  static constexpr std::size_t kDefaultMaxEntries = 20000;

  explicit VerifiedLoginCache(Clock& clock, Clock::Duration ttl = kDefaultTtl,
                              std::size_t max_entries = kDefaultMaxEntries);

  // True when `password` of `user` was verified against `password_hash`
  // (the user's current one) within the ttl.
  bool matches(const std::string& user, std::string_view password, const std::string& password_hash);
  // After Argon2id verified `password` against `password_hash`.
  void remember(const std::string& user, std::string_view password, const std::string& password_hash);
  void forget(const std::string& user);
  std::size_t size() const;

 private:
  using Mac = std::array<unsigned char, 32>;
  struct Entry {
    Mac mac{};
    std::string password_hash;
    Clock::TimePoint verified_at;
  };
  Mac mac(const std::string& user, std::string_view password) const;
  void makeRoom(Clock::TimePoint now);

  Clock& clock_;
  const Clock::Duration ttl_;
  const std::size_t max_entries_;
  std::array<unsigned char, 32> key_{};
  mutable std::mutex mutex_;
  std::map<std::string, Entry> entries_;  // by user name as given at login
};

}  // namespace spe::instance
