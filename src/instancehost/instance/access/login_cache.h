// VerifiedLoginCache: end-user passwords that Argon2id verified lately, so
// the next login of the same user with the same password skips the hash (as
// Dovecot's auth cache does). Argon2id (64 MiB, libsodium's interactive
// limits) takes 70-170 ms on a 2-core machine and was nearly all of an IMAP
// LOGIN through the CAS (docs/end-user-access.md, "Login time").
//
// What is kept, per user name: a keyed BLAKE2b MAC of (user name, password,
// the stored Argon2id hash that password matched) and when the entry
// expires. The MAC key is random per cache (per process), lives in memory of
// its own that is locked (never swapped) and left out of core dumps, and is
// wiped when the cache goes. Never the password, never on disk, never logged.
// - A login matches only with the same user name, the same password and the
//   same stored hash: the hash is inside the MAC, so a changed password (a
//   new hash, new salt) misses by construction, with no call to forget().
//   MACs are compared in constant time.
// - An entry lasts `ttl` from the Argon2id check that made it (5 minutes by
//   default); a later hit does not extend it.
// - Only successes are kept: a wrong password, an unknown user, a user
//   without a password always cost the full hash, so the answer time of a
//   refusal tells nothing new.
// - The cache says only "this password was right for this hash"; the caller
//   reads the user record first and still checks everything else (the user
//   exists, its login privilege, multi-factor rules, the login guard), so a
//   deleted user or a withdrawn privilege counts at once.
// - At most `max_entries` (one per user name); a full cache drops the
//   entries past their ttl, then the one that expires first.
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
  static constexpr std::chrono::minutes kDefaultTtl{5};
  // About 150 bytes each: at most some 3 MB per instance process.
  static constexpr std::size_t kDefaultMaxEntries = 20000;

  // `clock` must outlive the cache. Without memory for the key (sodium_malloc
  // failed) the cache stays empty: every login pays Argon2id.
  explicit VerifiedLoginCache(Clock& clock, Clock::Duration ttl = kDefaultTtl,
                              std::size_t max_entries = kDefaultMaxEntries);
  ~VerifiedLoginCache();
  VerifiedLoginCache(const VerifiedLoginCache&) = delete;
  VerifiedLoginCache& operator=(const VerifiedLoginCache&) = delete;

  // True when `password` of `user` was verified against `password_hash`
  // (the user's current one, just read) within the ttl.
  bool matches(const std::string& user, std::string_view password, const std::string& password_hash);
  // After Argon2id verified `password` against `password_hash`; replaces
  // the user's earlier entry.
  void remember(const std::string& user, std::string_view password, const std::string& password_hash);
  void forget(const std::string& user);
  std::size_t size() const;

 private:
  using Mac = std::array<unsigned char, 32>;
  struct Entry {
    Mac mac{};
    Clock::TimePoint expires_at;
  };
  Mac mac(const std::string& user, std::string_view password, const std::string& password_hash) const;
  void makeRoom(Clock::TimePoint now);

  Clock& clock_;
  const Clock::Duration ttl_;
  const std::size_t max_entries_;
  unsigned char* key_ = nullptr;  // kKeyBytes from sodium_malloc: locked, not dumped
  mutable std::mutex mutex_;
  std::map<std::string, Entry> entries_;  // by the user's stored name
};

}  // namespace spe::instance
