#include "store/records.h"

#include <zstd.h>

#include <cstring>
#include <memory>

#include "store/content_reader.h"
#include "store/le_bytes.h"

namespace spe::store {
namespace {

std::string seqBytes(std::uint64_t seq) {
  std::string s(8, '\0');
  putU64(s, 0, seq);
  return s;
}

ZSTD_CCtx* compressionContext() {
  struct CCtxFree {
    void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
  };
  thread_local std::unique_ptr<ZSTD_CCtx, CCtxFree> cctx(ZSTD_createCCtx());
  return cctx.get();
}

std::string compress(std::string_view raw, int level, const Dictionary* dictionary) {
  std::string compressed(ZSTD_compressBound(raw.size()), '\0');
  const std::size_t n = dictionary
                            ? ZSTD_compress_usingCDict(compressionContext(), compressed.data(), compressed.size(),
                                                       raw.data(), raw.size(), dictionary->compression())
                            : ZSTD_compressCCtx(compressionContext(), compressed.data(), compressed.size(), raw.data(),
                                                raw.size(), level);
  compressed.resize(ZSTD_isError(n) ? 0 : n);
  return compressed;
}

// The frames of a framed record's body (records.h), appended to `record`.
void sealFrames(const Key256& key, const std::string& associated, std::string_view raw, int level,
                std::string& record) {
  const std::uint32_t frames = static_cast<std::uint32_t>((raw.size() + kContentFrameSize - 1) / kContentFrameSize);
  for (std::uint32_t i = 0; i < frames; ++i) {
    const std::string compressed = compress(raw.substr(i * kContentFrameSize, kContentFrameSize), level, nullptr);
    const std::size_t length_at = record.size();
    record.append(4, '\0');
    seal(key, compressed, frameAssociated(associated, i, i + 1 == frames), record);
    putU32(record, length_at, static_cast<std::uint32_t>(record.size() - length_at - 4));
  }
}

}  // namespace

std::string frameAssociated(std::string_view record_associated, std::uint32_t frame, bool last) {
  std::string ad(record_associated);
  ad += u32Bytes(frame);
  ad += static_cast<char>(last ? 1 : 0);
  return ad;
}

SealedContent sealContent(const Key256& key, const std::string& store_guid, std::string_view raw, int level,
                          const Dictionary* dictionary) {
  SealedContent out;
  out.sha256 = sha256(raw);
  out.raw_size = static_cast<std::uint32_t>(raw.size());
  const bool framed = raw.size() > kContentFrameSize;
  if (framed) dictionary = nullptr;
  out.record.assign(kContentHeaderSize, '\0');
  std::memcpy(out.record.data(), "SPEC", 4);
  putU32(out.record, 8, out.raw_size);
  out.record[12] = static_cast<char>(framed ? kCodecZstdFramed : dictionary ? kCodecZstdDictionary : kCodecZstd);
  if (dictionary) {
    for (int i = 0; i < 3; ++i) out.record[13 + i] = static_cast<char>((dictionary->id() >> (8 * i)) & 0xff);
  }
  if (framed) {
    sealFrames(key, store_guid + out.sha256, raw, level, out.record);
  } else {
    seal(key, compress(raw, level, dictionary), store_guid + out.sha256, out.record);
  }
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
  auto reader = ContentReader::open(key, store_guid, std::string(expected_sha256), dictionaries, record.size(),
                                    [record](std::uint64_t offset, std::size_t length) -> Result<std::string> {
                                      if (offset > record.size() || length > record.size() - offset) {
                                        return makeError(ErrorCode::kIo, "The content record is cut short.");
                                      }
                                      return std::string(record.substr(offset, length));
                                    });
  if (!reader) return reader.error();
  return reader->readAll();
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
