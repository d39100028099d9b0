#include "store/records.h"

#include <zstd.h>

#include <cstring>
#include <memory>

namespace spe::store {
namespace {

void putU32(std::string& s, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) s[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}
void putU64(std::string& s, std::size_t at, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) s[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}
std::uint32_t getU32(std::string_view s, std::size_t at) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}
std::uint64_t getU64(std::string_view s, std::size_t at) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}
std::string seqBytes(std::uint64_t seq) {
  std::string s(8, '\0');
  putU64(s, 0, seq);
  return s;
}

}  // namespace

SealedContent sealContent(const Key256& key, const std::string& store_guid, std::string_view raw, int level,
                          const Dictionary* dictionary) {
  struct CCtxFree {
    void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
  };
  thread_local std::unique_ptr<ZSTD_CCtx, CCtxFree> cctx(ZSTD_createCCtx());
  SealedContent out;
  out.sha256 = sha256(raw);
  out.raw_size = static_cast<std::uint32_t>(raw.size());
  std::string compressed(ZSTD_compressBound(raw.size()), '\0');
  const std::size_t n = dictionary ? ZSTD_compress_usingCDict(cctx.get(), compressed.data(), compressed.size(),
                                                              raw.data(), raw.size(), dictionary->compression())
                                   : ZSTD_compressCCtx(cctx.get(), compressed.data(), compressed.size(), raw.data(),
                                                       raw.size(), level);
  compressed.resize(ZSTD_isError(n) ? 0 : n);
  out.record.assign(kContentHeaderSize, '\0');
  std::memcpy(out.record.data(), "SPEC", 4);
  putU32(out.record, 8, out.raw_size);
  out.record[12] = static_cast<char>(dictionary ? kCodecZstdDictionary : kCodecZstd);
  if (dictionary) {
    for (int i = 0; i < 3; ++i) out.record[13 + i] = static_cast<char>((dictionary->id() >> (8 * i)) & 0xff);
  }
  seal(key, compressed, store_guid + out.sha256, out.record);
  putU32(out.record, 4, static_cast<std::uint32_t>(out.record.size() - kContentHeaderSize));
  return out;
}

Result<std::size_t> contentRecordLength(std::string_view header) {
  if (header.size() < kContentHeaderSize || header.substr(0, 4) != "SPEC") {
    return makeError(ErrorCode::kIo, "The content record header is damaged.");
  }
  return kContentHeaderSize + getU32(header, 4);
}

Result<std::string> openContent(const Key256& key, const std::string& store_guid, std::string_view record,
                                std::string_view expected_sha256, const DictionarySet* dictionaries) {
  struct DCtxFree {
    void operator()(ZSTD_DCtx* c) const { ZSTD_freeDCtx(c); }
  };
  thread_local std::unique_ptr<ZSTD_DCtx, DCtxFree> dctx(ZSTD_createDCtx());
  auto len = contentRecordLength(record);
  if (!len) return len.error();
  if (*len != record.size()) return makeError(ErrorCode::kIo, "The content record has the wrong length.");
  const auto codec = static_cast<std::uint8_t>(record[12]);
  std::shared_ptr<const Dictionary> dictionary;
  if (codec == kCodecZstdDictionary) {
    std::uint32_t id = 0;
    for (int i = 2; i >= 0; --i) id = (id << 8) | static_cast<unsigned char>(record[13 + i]);
    dictionary = dictionaries ? dictionaries->get(id) : nullptr;
    if (!dictionary) {
      return makeError(ErrorCode::kIo,
                       "The compression dictionary " + std::to_string(id) + " of the record is missing.");
    }
  } else if (codec != kCodecZstd) {
    return makeError(ErrorCode::kIo, "The content record uses an unknown codec.");
  }
  auto compressed = open(key, record.substr(kContentHeaderSize), store_guid + std::string(expected_sha256));
  if (!compressed) return compressed.error();
  const std::uint32_t raw_size = getU32(record, 8);
  std::string raw(raw_size, '\0');
  const std::size_t n = dictionary ? ZSTD_decompress_usingDDict(dctx.get(), raw.data(), raw.size(), compressed->data(),
                                                                compressed->size(), dictionary->decompression())
                                   : ZSTD_decompressDCtx(dctx.get(), raw.data(), raw.size(), compressed->data(),
                                                         compressed->size());
  if (ZSTD_isError(n) || n != raw_size) return makeError(ErrorCode::kIo, "The content record does not decompress.");
  if (sha256(raw) != expected_sha256) {
    return makeError(ErrorCode::kIo, "The message does not match its SHA-256 hash.");
  }
  return raw;
}

std::string sealRecovery(const Key256& key, const std::string& store_guid, std::uint64_t sequence,
                         const Json& changes) {
  const std::string json = dumpJson(changes);
  std::string compressed(ZSTD_compressBound(json.size()), '\0');
  const std::size_t n = ZSTD_compress(compressed.data(), compressed.size(), json.data(), json.size(), 3);
  compressed.resize(ZSTD_isError(n) ? 0 : n);
  std::string rec(kRecoveryHeaderSize, '\0');
  std::memcpy(rec.data(), "SPEZ", 4);
  putU64(rec, 8, sequence);
  seal(key, compressed, store_guid + seqBytes(sequence), rec);
  putU32(rec, 4, static_cast<std::uint32_t>(rec.size() - kRecoveryHeaderSize));
  return rec;
}

RecoveryScan scanRecovery(const Key256& key, const std::string& store_guid, std::string_view segment,
                          const std::function<void(std::uint64_t, const Json&)>& each) {
  RecoveryScan scan;
  std::size_t at = 0;
  while (at < segment.size()) {
    if (segment.size() - at < kRecoveryHeaderSize || segment.substr(at, 4) != "SPEZ") {
      scan.error = "damaged record header at offset " + std::to_string(at);
      break;
    }
    const std::size_t len = getU32(segment, at + 4);
    const std::uint64_t seq = getU64(segment, at + 8);
    if (segment.size() - at - kRecoveryHeaderSize < len) {
      scan.error = "record at offset " + std::to_string(at) + " is cut short";
      break;
    }
    auto body = open(key, segment.substr(at + kRecoveryHeaderSize, len), store_guid + seqBytes(seq));
    if (!body) {
      ++scan.bad_records;
      scan.error = "record at offset " + std::to_string(at) + " does not open: " + body.error().message;
      break;
    }
    const auto size = ZSTD_getFrameContentSize(body->data(), body->size());
    std::string json;
    if (size != ZSTD_CONTENTSIZE_ERROR && size != ZSTD_CONTENTSIZE_UNKNOWN && size < (256u << 20)) {
      json.resize(size);
      const std::size_t n = ZSTD_decompress(json.data(), json.size(), body->data(), body->size());
      if (ZSTD_isError(n)) json.clear();
    }
    Json j = Json::parse(json, nullptr, false);
    if (j.is_discarded() || !j.is_array()) {
      ++scan.bad_records;
      scan.error = "record at offset " + std::to_string(at) + " is not a valid list of changes";
      break;
    }
    for (const auto& change : j) each(seq, change);
    ++scan.records;
    at += kRecoveryHeaderSize + len;
    scan.valid_length = at;
  }
  return scan;
}

}  // namespace spe::store
