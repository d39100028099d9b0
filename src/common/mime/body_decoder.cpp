#include "common/mime/internal/body_decoder.h"

#include <algorithm>
#include <utility>

#include "common/mime/gmime_support.h"

namespace spe::mime {
namespace {

// What g_mime_data_wrapper_write_to_stream reads from a part's content per
// step (gmime-stream-filter.c, READ_SIZE): uuencode is fed in these slices.
constexpr std::size_t kGMimeReadSize = 4096;
// The slices of the counting pass, which keeps nothing.
constexpr std::size_t kCountSlice = 64 * 1024;

}  // namespace

BodyDecoder::BodyDecoder(std::string_view encoded, GMimeContentEncoding encoding, std::size_t piece)
    : encoded_(encoded), piece_(std::max<std::size_t>(piece, 1)), slice_(piece_) {
  initGMime();
  switch (encoding) {
    case GMIME_CONTENT_ENCODING_BASE64:
    case GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE: g_mime_encoding_init_decode(&state_, encoding); break;
    case GMIME_CONTENT_ENCODING_UUENCODE:
      uudecode_ = g_mime_filter_basic_new(encoding, FALSE);
      slice_ = kGMimeReadSize;
      break;
    default: identity_ = true; break;  // as g_mime_data_wrapper_write_to_stream: the bytes as they are
  }
}

BodyDecoder::BodyDecoder(Source source, GMimeContentEncoding encoding, std::size_t piece)
    : BodyDecoder(std::string_view(), encoding, piece) {
  source_ = std::move(source);
}

BodyDecoder::~BodyDecoder() {
  if (uudecode_) g_object_unref(uudecode_);
}

bool BodyDecoder::decodeSlice() {
  pending_.clear();
  handed_ = 0;
  const std::string_view in = nextInput();
  if (in.empty()) {
    if (flushed_) return false;
    flushed_ = true;  // the last call GMime makes too; a decoder has nothing left then, but it is theirs to say
    char* out = nullptr;
    std::size_t out_len = 0, out_prespace = 0;
    if (uudecode_) {
      g_mime_filter_complete(uudecode_, input_.data(), 0, 0, &out, &out_len, &out_prespace);
      pending_.assign(out, out_len);
    } else if (!identity_) {
      pending_.resize(g_mime_encoding_outlen(&state_, 0));
      pending_.resize(g_mime_encoding_flush(&state_, pending_.data(), 0, pending_.data()));
    }
    return true;
  }
  if (identity_) {
    pending_.assign(in);
  } else if (uudecode_) {
    input_.assign(in);
    char* out = nullptr;
    std::size_t out_len = 0, out_prespace = 0;
    g_mime_filter_filter(uudecode_, input_.data(), input_.size(), 0, &out, &out_len, &out_prespace);
    pending_.assign(out, out_len);
  } else {
    pending_.resize(g_mime_encoding_outlen(&state_, in.size()));
    pending_.resize(g_mime_encoding_step(&state_, in.data(), in.size(), pending_.data()));
  }
  return true;
}

std::string_view BodyDecoder::nextInput() {
  if (!source_) {
    const std::string_view in = encoded_.substr(std::min(pos_, encoded_.size()), slice_);
    pos_ += in.size();
    return in;
  }
  window_.erase(0, window_at_);
  while (window_.size() < slice_ && !source_done_) {
    auto chunk = source_();
    if (chunk) window_ += *chunk;
    else source_done_ = true;
  }
  const std::string_view in = std::string_view(window_).substr(0, slice_);
  window_at_ = in.size();
  return in;
}

std::optional<std::string> BodyDecoder::next() {
  while (handed_ == pending_.size()) {
    if (!decodeSlice()) return std::nullopt;
  }
  if (handed_ == 0 && pending_.size() <= piece_) {  // the whole slice is one piece: no copy
    std::string out = std::move(pending_);
    pending_.clear();
    return out;
  }
  const std::size_t n = std::min(piece_, pending_.size() - handed_);
  std::string out = pending_.substr(handed_, n);
  handed_ += n;
  return out;
}

std::size_t BodyDecoder::decodedSize(std::string_view encoded, GMimeContentEncoding encoding) {
  BodyDecoder decoder(encoded, encoding, kCountSlice);
  if (decoder.identity_) return encoded.size();
  std::size_t size = 0;
  while (decoder.decodeSlice()) size += decoder.pending_.size();
  return size;
}

}  // namespace spe::mime
