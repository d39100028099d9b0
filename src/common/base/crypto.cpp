#include "common/base/crypto.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sodium.h>

#include <memory>
#include <stdexcept>
#include <utility>

namespace spe {
namespace {

constexpr int kNonce = 12;
constexpr int kTag = 16;

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

void fillRandom(unsigned char* p, std::size_t n) {
  if (RAND_bytes(p, static_cast<int>(n)) != 1) throw std::runtime_error("the random generator failed");
}

}  // namespace

Key256 randomKey() {
  Key256 k;
  fillRandom(k.data(), k.size());
  return k;
}

std::string randomBytes(std::size_t n) {
  std::string s(n, '\0');
  fillRandom(reinterpret_cast<unsigned char*>(s.data()), n);
  return s;
}

std::string sha256(std::string_view data) {
  unsigned char md[32];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(md), len);
}

std::string sha256Hex(std::string_view data) { return toHex(sha256(data)); }

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  if (!ctx_ || EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 is not available");
  }
}

Sha256::~Sha256() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }

Sha256::Sha256(Sha256&& other) noexcept : ctx_(other.ctx_) { other.ctx_ = nullptr; }

Sha256& Sha256::operator=(Sha256&& other) noexcept {
  std::swap(ctx_, other.ctx_);
  return *this;
}

void Sha256::update(std::string_view data) {
  EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), data.data(), data.size());
}

std::string Sha256::finish() {
  unsigned char md[32];
  unsigned int len = 0;
  EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), md, &len);
  return std::string(reinterpret_cast<const char*>(md), len);
}

std::uint64_t stableHash64(std::string_view data) {
  static constexpr unsigned char kKey[crypto_shorthash_KEYBYTES] = {'s', 'p', 'e', '-', 'p', 'a', 'i', 'r',
                                                                    '-', 'f', 'i', 'l', 't', 'e', 'r', '1'};
  unsigned char out[crypto_shorthash_BYTES];
  crypto_shorthash(out, reinterpret_cast<const unsigned char*>(data.data()), data.size(), kKey);
  std::uint64_t h = 0;
  for (int i = 7; i >= 0; --i) h = (h << 8) | out[i];  // little endian, as SipHash defines it
  return h;
}

std::string base64Encode(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

std::optional<std::string> base64Decode(std::string_view text) {
  std::string out(text.size(), '\0');
  std::size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr,
                        &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0) {
    return std::nullopt;
  }
  out.resize(len);
  return out;
}

std::string toHex(std::string_view bytes) {
  static const char* const kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

Result<std::string> fromHex(std::string_view hex) {
  if (hex.size() % 2 != 0) return makeError(ErrorCode::kInvalidArgument, "A hex string has an odd length.");
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out(hex.size() / 2, '\0');
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = digit(hex[2 * i]), lo = digit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return makeError(ErrorCode::kInvalidArgument, "A hex string has a non-hex character.");
    out[i] = static_cast<char>(hi * 16 + lo);
  }
  return out;
}

void seal(const Key256& key, std::string_view plain, std::string_view associated, std::string& out) {
  const std::size_t start = out.size();
  out.resize(start + kNonce + plain.size() + kTag);
  auto* base = reinterpret_cast<unsigned char*>(out.data() + start);
  fillRandom(base, kNonce);
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), base) != 1 ||
      (!associated.empty() &&
       EVP_EncryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(associated.data()),
                         static_cast<int>(associated.size())) != 1) ||
      EVP_EncryptUpdate(ctx.get(), base + kNonce, &len, reinterpret_cast<const unsigned char*>(plain.data()),
                        static_cast<int>(plain.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), base + kNonce + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTag, base + kNonce + plain.size()) != 1) {
    throw std::runtime_error("AES-256-GCM encryption failed");
  }
}

Result<std::string> open(const Key256& key, std::string_view box, std::string_view associated) {
  if (box.size() < kSealOverhead) return makeError(ErrorCode::kIo, "An encrypted record is too short.");
  const auto* base = reinterpret_cast<const unsigned char*>(box.data());
  const std::size_t n = box.size() - kSealOverhead;
  std::string plain(n, '\0');
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  unsigned char tag[kTag];
  std::copy(base + kNonce + n, base + kNonce + n + kTag, tag);
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), base) != 1 ||
      (!associated.empty() &&
       EVP_DecryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(associated.data()),
                         static_cast<int>(associated.size())) != 1) ||
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &len, base + kNonce,
                        static_cast<int>(n)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTag, tag) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()) + len, &len) != 1) {
    return makeError(ErrorCode::kIo, "An encrypted record failed authentication (wrong key or damaged data).");
  }
  return plain;
}

std::string keyId(const Key256& key) {
  std::string input = "spe-key-id";
  input.append(reinterpret_cast<const char*>(key.data()), key.size());
  return toHex(sha256(input).substr(0, 8));
}

Result<Key256> keyFromBytes(std::string_view bytes) {
  if (bytes.size() != 32) return makeError(ErrorCode::kInvalidArgument, "A key must be 32 bytes long.");
  Key256 k;
  std::copy(bytes.begin(), bytes.end(), k.begin());
  return k;
}

KeyPair newKeyPair() { return keyPairFromSecret(randomKey()); }

KeyPair keyPairFromSecret(const Key256& secret) {
  KeyPair k;
  k.secret_key = secret;
  crypto_scalarmult_curve25519_base(k.public_key.data(), secret.data());
  return k;
}

std::string sealToPublicKey(const Key256& public_key, std::string_view plain) {
  std::string out(plain.size() + crypto_box_SEALBYTES, '\0');
  crypto_box_seal(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(plain.data()),
                  plain.size(), public_key.data());
  return out;
}

Result<std::string> openSealedBox(const KeyPair& keys, std::string_view box) {
  if (box.size() < crypto_box_SEALBYTES) return makeError(ErrorCode::kInvalidArgument, "The sealed key is too short.");
  std::string out(box.size() - crypto_box_SEALBYTES, '\0');
  if (crypto_box_seal_open(reinterpret_cast<unsigned char*>(out.data()),
                           reinterpret_cast<const unsigned char*>(box.data()), box.size(), keys.public_key.data(),
                           keys.secret_key.data()) != 0) {
    return makeError(ErrorCode::kPermissionDenied, "The key does not open the sealed data.");
  }
  return out;
}

}  // namespace spe
