#include "index/pair_filter.h"

#include <xapian.h>

#include <algorithm>
#include <cstdint>

#include "common/base/crypto.h"

namespace spe::index {
namespace {

// 5: Chinese and Japanese characters are words of their own (phrase_check.h).
// Filters of version 4 took a run of them for one word; for every other
// text their pairs are the same, so they still judge phrases without such
// characters.
constexpr char kVersion = 5;
constexpr char kVersionWithoutCjk = 4;
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

// The pairs of a sequence of words, fed one word at a time: each long
// word with the next one and the short words between them, hashed.
class PairHasher {
 public:
  explicit PairHasher(std::vector<std::uint64_t>& out) : out_(out) {}
  void word(const std::string& w) {
    if (!longWord(w)) {
      if (!previous_.empty()) (between_ += w) += '\1';
      return;
    }
    if (!previous_.empty()) {
      key_.assign(previous_);
      ((key_ += '\0') += between_) += '\0';
      key_ += w;
      out_.push_back(stableHash64(key_));
    }
    previous_.assign(w);
    between_.clear();
  }

 private:
  std::vector<std::uint64_t>& out_;
  std::string previous_, between_, key_;
};

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
    PairHasher pairs(hashes);  // no pair spans two texts
    forEachWord(field.second, [&](const std::string& w) { pairs.word(w); });
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
    PairHasher hasher(pairs);
    bool cjk = false;
    for (const auto& w : p.words) {
      hasher.word(w);
      for (Xapian::Utf8Iterator it(w); it != Xapian::Utf8Iterator() && !cjk; ++it) cjk = isCjk(*it);
    }
    if (pairs.empty()) continue;  // nothing the filter can tell
    (cjk ? out.cjk_phrases : out.phrases).push_back(std::move(pairs));
  }
  return out;
}

bool mayHoldPhrases(std::string_view filter, std::int64_t salt, const PhrasePairs& pairs) {
  if (filter.size() < 2 || (filter[0] != kVersion && filter[0] != kVersionWithoutCjk)) return true;
  const std::size_t bits = (filter.size() - 1) * 8;
  auto has = [&](std::uint64_t pair) {
    bool all = true;
    forEachBit(salted(pair, salt), bits,
               [&](std::size_t b) { all = all && (filter[1 + b / 8] & (1 << (b % 8))) != 0; });
    return all;
  };
  auto holds = [&](const std::vector<std::uint64_t>& phrase) { return std::all_of(phrase.begin(), phrase.end(), has); };
  return std::all_of(pairs.phrases.begin(), pairs.phrases.end(), holds) &&
         (filter[0] != kVersion || std::all_of(pairs.cjk_phrases.begin(), pairs.cjk_phrases.end(), holds));
}

}  // namespace spe::index
