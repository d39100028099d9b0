// Reads a content record (records.h) one piece at a time, so that a message
// of any size is handed out (downloaded, exported) in constant memory.
//
// A framed record (codec kCodecZstdFramed, every message over
// kContentFrameSize) gives one frame per call: kContentFrameSize bytes of
// the message, the last frame the rest. Each frame is sealed on its own with
// associated data store GUID | SHA-256(raw) | frame number | last-frame
// flag, so a frame opens only at its own place in its own record: frames
// swapped, dropped, repeated or cut off after any frame do not open. A
// record of another codec gives the whole message in one piece.
// The SHA-256 of the whole message is checked as well: a mismatch (which
// only a bug could cause, the frames being authenticated) is an error in
// place of the end, never a quiet end.
// Thread safety: one reader per thread; readers of one record are
// independent.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/base/crypto.h"
#include "common/base/result.h"
#include "store/dictionaries.h"

namespace spe::store {

class ContentReader {
 public:
  // Reads `length` bytes of the record at `offset` (from its first byte).
  using ReadRecord = std::function<Result<std::string>(std::uint64_t offset, std::size_t length)>;

  // Reads the record's header; `dictionaries` is needed only while opening
  // (a record compressed with a dictionary keeps it). `record_length` is
  // the length the metadata database holds for the record.
  static Result<ContentReader> open(const Key256& key, const std::string& store_guid, std::string expected_sha256,
                                    const DictionarySet* dictionaries, std::uint64_t record_length, ReadRecord read);

  // The size of the whole message.
  std::uint32_t rawSize() const { return raw_size_; }
  // The next piece of the message (never empty); nullopt after the last.
  Result<std::optional<std::string>> next();
  // Every piece joined: the whole message.
  Result<std::string> readAll();

 private:
  ContentReader() = default;
  Result<std::string> nextFrame();
  Result<std::string> wholeRecord();

  Key256 key_{};
  std::string associated_;  // store GUID | SHA-256(raw)
  std::string expected_sha256_;
  std::shared_ptr<const Dictionary> dictionary_;
  std::uint8_t codec_ = 0;
  std::uint32_t raw_size_ = 0;
  std::uint64_t record_length_ = 0;
  ReadRecord read_;
  std::uint64_t at_ = 0;  // offset of the next frame
  std::uint32_t frame_ = 0;
  std::uint64_t given_ = 0;  // bytes of the message handed out
  std::unique_ptr<Sha256> hash_ = std::make_unique<Sha256>();
  bool done_ = false;
};

}  // namespace spe::store
