#include "store/content_reader.h"

#include <zstd.h>

#include "store/le_bytes.h"
#include "store/records.h"

namespace spe::store {
namespace {

Error damaged(const std::string& what) { return makeError(ErrorCode::kIo, "The content record " + what + "."); }

ZSTD_DCtx* decompressionContext() {
  struct DCtxFree {
    void operator()(ZSTD_DCtx* c) const { ZSTD_freeDCtx(c); }
  };
  thread_local std::unique_ptr<ZSTD_DCtx, DCtxFree> dctx(ZSTD_createDCtx());
  return dctx.get();
}

// Decompresses `compressed`, which must give exactly `size` bytes.
Result<std::string> decompress(std::string_view compressed, std::size_t size, const Dictionary* dictionary) {
  std::string raw(size, '\0');
  const std::size_t n = dictionary ? ZSTD_decompress_usingDDict(decompressionContext(), raw.data(), raw.size(),
                                                                compressed.data(), compressed.size(),
                                                                dictionary->decompression())
                                   : ZSTD_decompressDCtx(decompressionContext(), raw.data(), raw.size(),
                                                         compressed.data(), compressed.size());
  if (ZSTD_isError(n) || n != size) return damaged("does not decompress");
  return raw;
}

// The largest box a frame of kContentFrameSize bytes can need.
std::size_t maxFrameBox() { return ZSTD_compressBound(kContentFrameSize) + kSealOverhead; }

}  // namespace

Result<ContentReader> ContentReader::open(const Key256& key, const std::string& store_guid, std::string expected_sha256,
                                          const DictionarySet* dictionaries, std::uint64_t record_length,
                                          ReadRecord read) {
  if (record_length < kContentHeaderSize) return damaged("is cut short");
  auto header = read(0, kContentHeaderSize);
  if (!header) return header.error();
  auto length = contentRecordLength(*header);
  if (!length) return length.error();
  if (*length != record_length) return damaged("has the wrong length");
  ContentReader r;
  r.codec_ = static_cast<std::uint8_t>((*header)[12]);
  r.raw_size_ = getU32(*header, 8);
  if (r.codec_ == kCodecZstdDictionary) {
    std::uint32_t id = 0;
    for (int i = 2; i >= 0; --i) id = (id << 8) | static_cast<unsigned char>((*header)[13 + i]);
    r.dictionary_ = dictionaries ? dictionaries->get(id) : nullptr;
    if (!r.dictionary_) {
      return makeError(ErrorCode::kIo,
                       "The compression dictionary " + std::to_string(id) + " of the record is missing.");
    }
  } else if (r.codec_ != kCodecZstd && r.codec_ != kCodecZstdFramed) {
    return damaged("uses an unknown codec");
  }
  r.key_ = key;
  r.associated_ = store_guid + expected_sha256;
  r.expected_sha256_ = std::move(expected_sha256);
  r.record_length_ = record_length;
  r.read_ = std::move(read);
  r.at_ = kContentHeaderSize;
  return r;
}

Result<std::optional<std::string>> ContentReader::next() {
  if (done_) return std::optional<std::string>();
  auto piece = codec_ == kCodecZstdFramed ? nextFrame() : wholeRecord();
  if (!piece) {
    done_ = true;
    return piece.error();
  }
  given_ += piece->size();
  hash_->update(*piece);
  if (given_ == raw_size_) {
    done_ = true;
    if (hash_->finish() != expected_sha256_) {
      return makeError(ErrorCode::kIo, "The message does not match its SHA-256 hash.");
    }
  }
  if (piece->empty()) return std::optional<std::string>();  // an empty message (a frame is never empty)
  return std::optional<std::string>(std::move(*piece));
}

Result<std::string> ContentReader::readAll() {
  std::string raw;
  raw.reserve(raw_size_);
  for (;;) {
    auto piece = next();
    if (!piece) return piece.error();
    if (!*piece) return raw;
    raw += **piece;
  }
}

Result<std::string> ContentReader::wholeRecord() {
  auto box = read_(kContentHeaderSize, static_cast<std::size_t>(record_length_ - kContentHeaderSize));
  if (!box) return box.error();
  auto compressed = spe::open(key_, *box, associated_);
  if (!compressed) return compressed.error();
  at_ = record_length_;
  return decompress(*compressed, raw_size_, dictionary_.get());
}

Result<std::string> ContentReader::nextFrame() {
  if (at_ + 4 > record_length_) return damaged("ends before its last frame");
  auto length_bytes = read_(at_, 4);
  if (!length_bytes) return length_bytes.error();
  const std::uint32_t length = getU32(*length_bytes, 0);
  if (length > maxFrameBox() || length > record_length_ - at_ - 4) return damaged("has a damaged frame");
  auto box = read_(at_ + 4, length);
  if (!box) return box.error();
  const std::uint64_t left = raw_size_ - given_;
  const bool last = left <= kContentFrameSize;
  auto compressed = spe::open(key_, *box, frameAssociated(associated_, frame_, last));
  if (!compressed) return compressed.error();
  at_ += 4 + length;
  ++frame_;
  if (last && at_ != record_length_) return damaged("goes on after its last frame");
  return decompress(*compressed, static_cast<std::size_t>(last ? left : kContentFrameSize), nullptr);
}

}  // namespace spe::store
