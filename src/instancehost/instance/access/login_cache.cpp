#include "instancehost/instance/access/login_cache.h"

#include <sodium.h>

#include <algorithm>

namespace spe::instance {

VerifiedLoginCache::VerifiedLoginCache(Clock& clock, Clock::Duration ttl, std::size_t max_entries)
    : clock_(clock), ttl_(ttl), max_entries_(std::max<std::size_t>(max_entries, 1)) {
  if (sodium_init() < 0) return;  // no key: every MAC is the unkeyed one, still never stored elsewhere
  randombytes_buf(key_.data(), key_.size());
}

VerifiedLoginCache::Mac VerifiedLoginCache::mac(const std::string& user, std::string_view password) const {
  // The user name is in the MAC too: one user's entry never matches another's.
  crypto_generichash_state state;
  crypto_generichash_init(&state, key_.data(), key_.size(), Mac().size());
  const std::string length = std::to_string(user.size()) + ":";
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(length.data()), length.size());
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(user.data()), user.size());
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(password.data()), password.size());
  Mac out{};
  crypto_generichash_final(&state, out.data(), out.size());
  sodium_memzero(&state, sizeof state);
  return out;
}

bool VerifiedLoginCache::matches(const std::string& user, std::string_view password, const std::string& password_hash) {
  if (password_hash.empty()) return false;
  const Mac given = mac(user, password);
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(user);
  if (it == entries_.end()) return false;
  const Entry& e = it->second;
  if (clock_.now() - e.verified_at >= ttl_ || e.password_hash != password_hash) return false;
  return sodium_memcmp(e.mac.data(), given.data(), given.size()) == 0;
}

void VerifiedLoginCache::remember(const std::string& user, std::string_view password,
                                  const std::string& password_hash) {
  if (password_hash.empty()) return;
  const Mac made = mac(user, password);
  std::lock_guard lock(mutex_);
  const auto now = clock_.now();
  if (!entries_.count(user) && entries_.size() >= max_entries_) makeRoom(now);
  entries_[user] = Entry{made, password_hash, now};
}

void VerifiedLoginCache::forget(const std::string& user) {
  std::lock_guard lock(mutex_);
  entries_.erase(user);
}

std::size_t VerifiedLoginCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

void VerifiedLoginCache::makeRoom(Clock::TimePoint now) {
  for (auto it = entries_.begin(); it != entries_.end();) {
    it = now - it->second.verified_at >= ttl_ ? entries_.erase(it) : std::next(it);
  }
  if (entries_.size() < max_entries_) return;
  const auto oldest = std::min_element(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) {
    return a.second.verified_at < b.second.verified_at;
  });
  entries_.erase(oldest);
}

}  // namespace spe::instance
