#include "index/pair_filter.h"

#include <algorithm>
#include <cstdint>
#include <functional>

#include "common/crypto.h"

namespace spe::index {
namespace {

constexpr char kVersion = 4;
constexpr std::size_t kBitsPerPair = 4;
constexpr unsigned kHashes = 3;
constexpr std::size_t kMinBits = 64;
constexpr std::size_t kMaxPairs = std::size_t{1} << 20;  // a filter of at most 512 KiB
constexpr std::size_t kMinLetters = 4;                   // shorter words are left out

bool longWord(const std::string& w) {
  std::size_t letters = 0;  // code points: UTF-8 bytes that do not continue one
  for (const char c : w) letters += (static_cast<unsigned char>(c) & 0xc0) != 0x80 ? 1 : 0;
  return letters >= kMinLetters;
}

// A pair: two long words and the short words between them.
std::uint64_t pairHash(std::string_view first, std::string_view between, std::string_view second) {
  std::string key(first);
  key += '\0';
  key += between;
  key += '\0';
  key += second;
  return stableHash64(key);
}

// The pairs of a sequence of words: each long word with the next one and
// the short words between them.
void forEachPair(const std::vector<std::string>& words, const std::function<void(std::uint64_t)>& pair) {
  const std::string* previous = nullptr;
  std::string between;
  for (const auto& w : words) {
    if (!longWord(w)) {
      if (previous) (between += w) += '\1';
      continue;
    }
    if (previous) pair(pairHash(*previous, between, w));
    previous = &w;
    between.clear();
  }
}

// The pair's hash for one message: the same pair sets other bits in other
// messages, so copies of one text do not all let the same phrase through.
std::uint64_t salted(std::uint64_t pair, std::int64_t salt) {
  char key[16];
  for (int i = 0; i < 8; ++i) {
    key[i] = static_cast<char>(pair >> (8 * i));
    key[8 + i] = static_cast<char>(static_cast<std::uint64_t>(salt) >> (8 * i));
  }
  return stableHash64(std::string_view(key, sizeof key));
}

// The bits of one pair (double hashing: h1 + i * h2).
template <typename F>
void forEachBit(std::uint64_t hash, std::size_t bits, F&& bit) {
  const std::uint64_t h1 = hash & 0xffffffffu, h2 = (hash >> 32) | 1u;
  for (unsigned i = 0; i < kHashes; ++i) bit(static_cast<std::size_t>((h1 + i * h2) % bits));
}

}  // namespace

std::string pairFilterOf(const MessageText& text, std::int64_t salt) {
  std::vector<std::uint64_t> hashes;
  for (const auto& field : phraseFields(text)) {
    forEachPair(splitWords(field.second), [&](std::uint64_t h) { hashes.push_back(h); });
    if (hashes.size() > kMaxPairs) return {};
  }
  std::sort(hashes.begin(), hashes.end());
  hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
  const std::size_t bits = std::max(kMinBits, (hashes.size() * kBitsPerPair + 7) / 8 * 8);
  std::string out(1 + bits / 8, '\0');
  out[0] = kVersion;
  for (const auto h : hashes) {
    forEachBit(salted(h, salt), bits,
               [&](std::size_t b) { out[1 + b / 8] = static_cast<char>(out[1 + b / 8] | (1 << (b % 8))); });
  }
  return out;
}

PhrasePairs phrasePairs(const std::vector<PhraseCheck>& phrases) {
  PhrasePairs out;
  for (const auto& p : phrases) {
    std::vector<std::uint64_t> pairs;
    forEachPair(p.words, [&](std::uint64_t h) { pairs.push_back(h); });
    if (!pairs.empty()) out.phrases.push_back(std::move(pairs));  // else nothing the filter can tell
  }
  return out;
}

bool mayHoldPhrases(std::string_view filter, std::int64_t salt, const PhrasePairs& pairs) {
  if (filter.size() < 2 || filter[0] != kVersion) return true;
  const std::size_t bits = (filter.size() - 1) * 8;
  auto has = [&](std::uint64_t pair) {
    bool all = true;
    forEachBit(salted(pair, salt), bits,
               [&](std::size_t b) { all = all && (filter[1 + b / 8] & (1 << (b % 8))) != 0; });
    return all;
  };
  return std::all_of(pairs.phrases.begin(), pairs.phrases.end(),
                     [&](const std::vector<std::uint64_t>& phrase) { return std::all_of(phrase.begin(), phrase.end(), has); });
}

}  // namespace spe::index
