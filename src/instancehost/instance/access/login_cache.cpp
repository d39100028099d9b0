#include "instancehost/instance/access/login_cache.h"

#include <sodium.h>

#include <algorithm>
#include <cstdint>

namespace spe::instance {
namespace {

constexpr std::size_t kKeyBytes = crypto_generichash_KEYBYTES;  // 32

void update(crypto_generichash_state& state, std::string_view bytes) {
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

// A field and its length (8 bytes, little endian) first: ("ab", "c") and
// ("a", "bc") never hash alike.
void updateField(crypto_generichash_state& state, std::string_view bytes) {
  unsigned char length[8];
  auto n = static_cast<std::uint64_t>(bytes.size());
  for (unsigned char& b : length) {
    b = static_cast<unsigned char>(n & 0xff);
    n >>= 8;
  }
  crypto_generichash_update(&state, length, sizeof length);
  update(state, bytes);
}

}  // namespace

VerifiedLoginCache::VerifiedLoginCache(Clock& clock, Clock::Duration ttl, std::size_t max_entries)
    : clock_(clock), ttl_(ttl), max_entries_(std::max<std::size_t>(max_entries, 1)) {
  if (sodium_init() < 0) return;
  // sodium_malloc: pages of its own, mlock()ed (never written to swap) and
  // marked MADV_DONTDUMP (not in a core dump), wiped by sodium_free.
  key_ = static_cast<unsigned char*>(sodium_malloc(kKeyBytes));
  if (key_) randombytes_buf(key_, kKeyBytes);
}

VerifiedLoginCache::~VerifiedLoginCache() {
  if (key_) sodium_free(key_);
}

VerifiedLoginCache::Mac VerifiedLoginCache::mac(const std::string& user, std::string_view password,
                                                const std::string& password_hash) const {
  crypto_generichash_state state;
  crypto_generichash_init(&state, key_, kKeyBytes, Mac().size());
  updateField(state, user);  // one user's entry never matches another's
  updateField(state, password);
  updateField(state, password_hash);  // a new password (a new hash) misses
  Mac out{};
  crypto_generichash_final(&state, out.data(), out.size());
  sodium_memzero(&state, sizeof state);
  return out;
}

bool VerifiedLoginCache::matches(const std::string& user, std::string_view password, const std::string& password_hash) {
  if (!key_ || password_hash.empty()) return false;
  const Mac given = mac(user, password, password_hash);
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(user);
  if (it == entries_.end()) return false;
  const Entry& e = it->second;
  if (clock_.now() >= e.expires_at) return false;
  return sodium_memcmp(e.mac.data(), given.data(), given.size()) == 0;
}

void VerifiedLoginCache::remember(const std::string& user, std::string_view password,
                                  const std::string& password_hash) {
  if (!key_ || password_hash.empty()) return;
  const Mac made = mac(user, password, password_hash);
  std::lock_guard lock(mutex_);
  const auto now = clock_.now();
  if (!entries_.count(user) && entries_.size() >= max_entries_) makeRoom(now);
  entries_[user] = Entry{made, now + ttl_};
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
  std::erase_if(entries_, [now](const auto& e) { return now >= e.second.expires_at; });
  if (entries_.size() < max_entries_) return;
  const auto first = std::min_element(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) {
    return a.second.expires_at < b.second.expires_at;
  });
  entries_.erase(first);
}

}  // namespace spe::instance
