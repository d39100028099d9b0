// Content records of big messages are framed and read piece by piece
// (store/content_reader.h): every size round-trips, and a record whose
// frames were swapped, dropped, repeated, cut off or changed never reads as
// the message, not even in part after the damage.
#include "store/content_reader.h"

#include <gtest/gtest.h>

#include <random>

#include "store/le_bytes.h"
#include "store/records.h"

namespace spe::store {
namespace {

constexpr std::size_t kFrame = kContentFrameSize;

std::string randomText(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>('a' + rng() % 26);
  return s;
}

// A record taken apart: header and frames (each with its length prefix).
struct Parts {
  std::string header;
  std::vector<std::string> frames;

  explicit Parts(const std::string& record) : header(record.substr(0, kContentHeaderSize)) {
    for (std::size_t at = kContentHeaderSize; at < record.size();) {
      const std::size_t n = 4 + getU32(record, at);
      frames.push_back(record.substr(at, n));
      at += n;
    }
  }
  std::string join() const {
    std::string r = header;
    for (const auto& f : frames) r += f;
    putU32(r, 4, static_cast<std::uint32_t>(r.size() - kContentHeaderSize));
    return r;
  }
};

ContentReader readerOf(const Key256& key, const SealedContent& sealed, const std::string& record) {
  auto r = ContentReader::open(key, "guid", sealed.sha256, nullptr, record.size(),
                               [record](std::uint64_t offset, std::size_t length) -> Result<std::string> {
                                 if (offset + length > record.size()) return makeError(ErrorCode::kIo, "short");
                                 return record.substr(offset, length);
                               });
  EXPECT_TRUE(r.ok());
  return std::move(*r);
}

// Reads every piece; the pieces read before an error are kept.
std::pair<std::vector<std::string>, bool> readAll(ContentReader& r) {
  std::vector<std::string> pieces;
  for (;;) {
    auto p = r.next();
    if (!p) return {pieces, false};
    if (!*p) return {pieces, true};
    pieces.push_back(std::move(**p));
  }
}

TEST(ContentReader, EverySizeRoundTripsInPiecesOfAFrameAtMost) {
  const Key256 key = randomKey();
  for (std::size_t n : {std::size_t{0}, std::size_t{1}, kFrame - 1, kFrame, kFrame + 1, 3 * kFrame, 3 * kFrame + 17}) {
    const std::string raw = randomText(n, static_cast<unsigned>(n));
    const auto sealed = sealContent(key, "guid", raw, 3);
    EXPECT_EQ(static_cast<std::uint8_t>(sealed.record[12]), n > kFrame ? kCodecZstdFramed : kCodecZstd) << n;
    EXPECT_EQ(*openContent(key, "guid", sealed.record, sealed.sha256, nullptr), raw) << n;
    auto reader = readerOf(key, sealed, sealed.record);
    EXPECT_EQ(reader.rawSize(), n);
    auto [pieces, ok] = readAll(reader);
    ASSERT_TRUE(ok) << n;
    EXPECT_EQ(pieces.size(), n > kFrame ? (n + kFrame - 1) / kFrame : (n ? 1u : 0u)) << n;
    std::string joined;
    for (const auto& p : pieces) {
      EXPECT_LE(p.size(), std::max(kFrame, n <= kFrame ? n : 0)) << n;
      joined += p;
    }
    EXPECT_EQ(joined, raw) << n;
    EXPECT_FALSE(reader.next().value().has_value()) << "stays at the end";
  }
}

TEST(ContentReader, AFramedRecordOpensOnlyWithItsKeyStoreAndHash) {
  const Key256 key = randomKey();
  const std::string raw = randomText(2 * kFrame + 5, 7);
  const auto sealed = sealContent(key, "guid", raw, 3);
  EXPECT_EQ(sealed.record.find(raw.substr(0, 64)), std::string::npos);
  EXPECT_FALSE(openContent(key, "other", sealed.record, sealed.sha256, nullptr).ok());
  EXPECT_FALSE(openContent(randomKey(), "guid", sealed.record, sealed.sha256, nullptr).ok());
  EXPECT_FALSE(openContent(key, "guid", sealed.record, sha256("other"), nullptr).ok());
}

TEST(ContentReader, RearrangedOrChangedFramesNeverReadAsTheMessage) {
  const Key256 key = randomKey();
  const std::string raw = randomText(4 * kFrame + 100, 11);
  const auto sealed = sealContent(key, "guid", raw, 3);
  const Parts parts(sealed.record);
  ASSERT_EQ(parts.frames.size(), 5u);
  std::vector<std::pair<std::string, std::string>> damaged;
  {
    Parts p = parts;
    std::swap(p.frames[1], p.frames[2]);
    damaged.emplace_back("two frames swapped", p.join());
  }
  {
    Parts p = parts;
    p.frames.erase(p.frames.begin() + 2);
    damaged.emplace_back("a middle frame dropped", p.join());
  }
  {
    Parts p = parts;
    p.frames.pop_back();
    damaged.emplace_back("the last frame dropped", p.join());
  }
  {
    Parts p = parts;
    p.frames.pop_back();
    putU32(p.header, 8, static_cast<std::uint32_t>(4 * kFrame));  // and the size to match
    damaged.emplace_back("cut after a whole frame, size adjusted", p.join());
  }
  {
    Parts p = parts;
    p.frames.insert(p.frames.begin() + 1, p.frames[1]);
    damaged.emplace_back("a frame repeated", p.join());
  }
  {
    Parts p = parts;
    p.frames.push_back(p.frames.back());
    damaged.emplace_back("the last frame twice", p.join());
  }
  {
    Parts p = parts;
    putU32(p.header, 8, static_cast<std::uint32_t>(raw.size() + 1));
    damaged.emplace_back("the size in the header changed", p.join());
  }
  for (std::size_t i = 0; i < parts.frames.size(); ++i) {
    Parts p = parts;
    p.frames[i][p.frames[i].size() / 2] ^= 0x20;
    damaged.emplace_back("a bit flipped in frame " + std::to_string(i), p.join());
  }
  for (const auto& [what, record] : damaged) {
    EXPECT_FALSE(openContent(key, "guid", record, sealed.sha256, nullptr).ok()) << what;
    auto opened = ContentReader::open(key, "guid", sealed.sha256, nullptr, record.size(),
                                      [&record](std::uint64_t offset, std::size_t length) -> Result<std::string> {
                                        if (offset + length > record.size()) return makeError(ErrorCode::kIo, "short");
                                        return record.substr(offset, length);
                                      });
    if (!opened) continue;
    auto [pieces, ok] = readAll(*opened);
    EXPECT_FALSE(ok) << what << ": the reader ends in an error, never quietly";
    std::string joined;
    for (const auto& piece : pieces) joined += piece;
    EXPECT_EQ(raw.compare(0, joined.size(), joined), 0) << what << ": what was handed out is the message's start";
  }
}

TEST(ContentReader, ARecordOfTheWrongLengthDoesNotOpen) {
  const Key256 key = randomKey();
  const auto sealed = sealContent(key, "guid", randomText(kFrame + 1, 3), 3);
  const std::string longer = sealed.record + "x";
  EXPECT_FALSE(openContent(key, "guid", longer, sealed.sha256, nullptr).ok());
  EXPECT_FALSE(openContent(key, "guid", sealed.record.substr(0, 10), sealed.sha256, nullptr).ok());
}

TEST(Sha256, InPiecesEqualsWhole) {
  const std::string data = randomText(100000, 5);
  Sha256 h;
  for (std::size_t at = 0; at < data.size(); at += 777) h.update(std::string_view(data).substr(at, 777));
  EXPECT_EQ(h.finish(), sha256(data));
  Sha256 empty;
  EXPECT_EQ(empty.finish(), sha256(""));
}

}  // namespace
}  // namespace spe::store
