// The two on-disk record kinds of a store, both sealed with the store's data
// key (AES-256-GCM, common/crypto.h).
//
// Content record (Content/NNNNNNNN.dat), one per unique raw message:
//   "SPEC" | u32 body length | u32 raw size | u8 codec | u24 dictionary | body
// - a message of at most kContentFrameSize bytes (codec 1 or 2):
//   body = seal(zstd(raw [, dictionary])), associated data = store GUID | SHA-256(raw)
//   so a record only opens as the message the metadata database expects;
// - a bigger message (codec 3, framed, dictionary 0): body = frames, each
//   u32 box length | box, box = seal(zstd(next kContentFrameSize bytes of raw)),
//   associated data = store GUID | SHA-256(raw) | u32 frame number | u8 last
//   (1 for the last frame), so the message can be read piece by piece
//   (content_reader.h) and every frame opens only in its place.
//
// Recovery record (Recovery/NNNNNNNN.rec), one per committed batch of
// metadata changes:
//   "SPEZ" | u32 box length | u64 sequence | box
//   box = seal(zstd(JSON array of changes)), associated data = store GUID | sequence
// All integers little-endian.
// Thread safety: stateless functions; safe from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "common/base/crypto.h"
#include "common/base/json_reader.h"
#include "common/base/result.h"
#include "store/dictionaries.h"

namespace spe::store {

constexpr std::size_t kContentHeaderSize = 16;
constexpr std::size_t kRecoveryHeaderSize = 16;
constexpr std::uint8_t kCodecZstd = 1;
constexpr std::uint8_t kCodecZstdDictionary = 2;
constexpr std::uint8_t kCodecZstdFramed = 3;
// The message bytes in one frame of a framed record; messages up to this
// size are sealed whole.
constexpr std::size_t kContentFrameSize = 1u << 20;

// Compressed and sealed content of one message, ready to append.
struct SealedContent {
  std::string sha256;  // raw 32 bytes
  std::uint32_t raw_size = 0;
  std::string record;  // header + box
};

// With a dictionary, the record names it and needs it to open (a framed
// record uses none).
SealedContent sealContent(const Key256& key, const std::string& store_guid, std::string_view raw, int level,
                          const Dictionary* dictionary = nullptr);
// Opens a whole record read from a container and checks its SHA-256.
Result<std::string> openContent(const Key256& key, const std::string& store_guid, std::string_view record,
                                std::string_view expected_sha256, const DictionarySet* dictionaries);
// The total record length from its header (an error for a bad header).
Result<std::size_t> contentRecordLength(std::string_view header);
// The associated data of frame `frame` of a framed record whose whole-record
// associated data (store GUID | SHA-256(raw)) is `record_associated`.
std::string frameAssociated(std::string_view record_associated, std::uint32_t frame, bool last);

// `changes` is a JSON array; each element is one change ({"t": ...}).
std::string sealRecovery(const Key256& key, const std::string& store_guid, std::uint64_t sequence, const Json& changes);

struct RecoveryScan {
  std::uint64_t valid_length = 0;  // bytes up to the end of the last good record
  std::uint64_t records = 0;
  std::uint64_t bad_records = 0;  // a record that failed to open (stops the scan)
  std::string error;
};
// Walks a recovery segment, calling `each` for every change of every record
// that opens.
RecoveryScan scanRecovery(const Key256& key, const std::string& store_guid, std::string_view segment,
                          const std::function<void(std::uint64_t sequence, const Json& body)>& each);

}  // namespace spe::store
