#include "index/pair_filter.h"

#include <cstdint>

#include "common/crypto.h"

namespace spe::index {
namespace {

constexpr char kVersion = 1;
constexpr std::size_t kBitsPerPair = 4;
constexpr unsigned kHashes = 3;
constexpr std::size_t kMinBits = 64;
constexpr std::size_t kMaxPairs = std::size_t{1} << 20;  // a filter of at most 512 KiB

std::uint64_t pairHash(std::string_view prefix, std::string_view first, std::string_view second, std::string& key) {
  key.assign(prefix);
  key += '\0';
  key += first;
  key += '\0';
  key += second;
  return stableHash64(key);
}

// The bits of one pair (double hashing: h1 + i * h2).
template <typename F>
void forEachBit(std::uint64_t hash, std::size_t bits, F&& bit) {
  const std::uint64_t h1 = hash & 0xffffffffu, h2 = (hash >> 32) | 1u;
  for (unsigned i = 0; i < kHashes; ++i) bit(static_cast<std::size_t>((h1 + i * h2) % bits));
}

}  // namespace

std::string pairFilterOf(const MessageText& text) {
  std::vector<std::uint64_t> hashes;
  std::string key, previous;
  bool too_many = false;
  for (const auto& [prefix, field] : phraseFields(text)) {
    previous.clear();
    forEachWord(field, [&](const std::string& w) {
      if (!previous.empty() && !too_many) {
        hashes.push_back(pairHash(prefix, previous, w, key));
        too_many = hashes.size() > kMaxPairs;
      }
      previous = w;
    });
  }
  if (too_many) return {};
  const std::size_t bits = std::max(kMinBits, (hashes.size() * kBitsPerPair + 7) / 8 * 8);
  std::string out(1 + bits / 8, '\0');
  out[0] = kVersion;
  for (const auto h : hashes) {
    forEachBit(h, bits, [&](std::size_t b) { out[1 + b / 8] = static_cast<char>(out[1 + b / 8] | (1 << (b % 8))); });
  }
  return out;
}

bool mayHoldPhrases(std::string_view filter, const std::vector<PhraseCheck>& phrases) {
  if (filter.size() < 2 || filter[0] != kVersion) return true;
  const std::size_t bits = (filter.size() - 1) * 8;
  std::string key;
  auto has = [&](std::uint64_t h) {
    bool all = true;
    forEachBit(h, bits, [&](std::size_t b) { all = all && (filter[1 + b / 8] & (1 << (b % 8))) != 0; });
    return all;
  };
  for (const auto& p : phrases) {
    if (p.words.size() < 2) continue;
    bool may = false;
    for (const auto& prefix : p.prefixes) {
      bool all = true;
      for (std::size_t i = 0; all && i + 1 < p.words.size(); ++i) all = has(pairHash(prefix, p.words[i], p.words[i + 1], key));
      may = may || all;
      if (may) break;
    }
    if (!may) return false;
  }
  return true;
}

}  // namespace spe::index
