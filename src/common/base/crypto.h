// Symmetric cryptography for data at rest: AES-256-GCM sealing, SHA-256,
// random keys, key wrapping and hex. OpenSSL underneath.
//
// A sealed box is nonce (12 bytes) | ciphertext | tag (16 bytes); the
// associated data binds a box to its place (for example a record's id) so
// a box copied elsewhere does not open.
// Thread safety: all functions are safe to call concurrently.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/base/result.h"

namespace spe {

using Key256 = std::array<unsigned char, 32>;

constexpr std::size_t kSealOverhead = 12 + 16;

Key256 randomKey();
std::string randomBytes(std::size_t n);

// SHA-256 of `data` as 32 raw bytes / 64 lower-case hex characters.
std::string sha256(std::string_view data);
std::string sha256Hex(std::string_view data);
// SHA-256 of data given in pieces; finish() gives the 32 raw bytes (once).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&& other) noexcept;
  Sha256& operator=(Sha256&& other) noexcept;
  void update(std::string_view data);
  std::string finish();

 private:
  void* ctx_;  // EVP_MD_CTX
};
// A 64-bit hash (SipHash-2-4 under a fixed key) for filters kept on disk:
// the same on every machine and version; not a secret, not a MAC.
std::uint64_t stableHash64(std::string_view data);

std::string toHex(std::string_view bytes);
// Standard base64 (RFC 4648, padded); decoding gives nullopt for invalid input.
std::string base64Encode(std::string_view bytes);
std::optional<std::string> base64Decode(std::string_view text);
// Accepts upper and lower case; an error for odd length or a non-hex character.
Result<std::string> fromHex(std::string_view hex);

// Appends the sealed box of `plain` to `out`.
void seal(const Key256& key, std::string_view plain, std::string_view associated, std::string& out);
// Opens a box made by seal(); an error when the key, the data or the
// associated data do not match.
Result<std::string> open(const Key256& key, std::string_view box, std::string_view associated);

// A short, non-secret identifier of a key (first 8 bytes of SHA-256 of
// "spe-key-id" | key, hex), to tell which key wrapped what.
std::string keyId(const Key256& key);

Result<Key256> keyFromBytes(std::string_view bytes);

// Public-key sealing (libsodium sealed boxes, X25519): anyone with the
// public key can seal; only the holder of the secret key opens. Used for
// recovery keys, whose secret half never lives on the server.
struct KeyPair {
  Key256 public_key;
  Key256 secret_key;
};
KeyPair newKeyPair();
KeyPair keyPairFromSecret(const Key256& secret);
std::string sealToPublicKey(const Key256& public_key, std::string_view plain);
Result<std::string> openSealedBox(const KeyPair& keys, std::string_view box);

}  // namespace spe
