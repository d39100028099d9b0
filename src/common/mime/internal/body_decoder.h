// A part's body decoded piece by piece, straight from the encoded bytes in
// the raw message: the bytes GMime's data wrapper gives for it
// (g_mime_data_wrapper_write_to_stream) without a copy of the part or of
// its decoded bytes. Decoding is GMime's own: base64 and quoted-printable
// with its incremental decoder (g_mime_encoding_step), whose state carries
// across any slice border, so the encoded bytes are fed in slices of the
// piece size; uuencode with the filter GMime's data wrapper uses (the
// "begin" line is found by the filter, not the decoder), fed in the
// 4096-byte slices the data wrapper reads, because that filter's search for
// the begin line and the uudecoder's line state look at slice starts. Every
// other encoding (7bit, 8bit, binary, none, unknown) is the bytes as they
// are, as GMime hands them out. So no encoding needs a whole decode.
// Memory: O(piece) (uuencode: O(4096 + piece)).
// Thread safety: one decoder is used by one thread at a time.
#pragma once

#include <gmime/gmime.h>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace spe::mime {

class BodyDecoder {
 public:
  // Encoded bytes in chunks of any size; nullopt at their end.
  using Source = std::function<std::optional<std::string>()>;

  // `encoded` (the part's body in the raw message) must outlive the decoder.
  // A `piece` of 0 is taken as 1.
  BodyDecoder(std::string_view encoded, GMimeContentEncoding encoding, std::size_t piece);
  // The same bytes pulled from `source` as they are needed (at most a slice
  // and one chunk held): the same pieces whatever the chunks.
  BodyDecoder(Source source, GMimeContentEncoding encoding, std::size_t piece);
  ~BodyDecoder();
  BodyDecoder(const BodyDecoder&) = delete;
  BodyDecoder& operator=(const BodyDecoder&) = delete;

  // The next decoded bytes, 1 to `piece` of them; nullopt at the end (and after).
  std::optional<std::string> next();

  // The decoded size: one decoding pass that keeps nothing.
  static std::size_t decodedSize(std::string_view encoded, GMimeContentEncoding encoding);

 private:
  // Decodes the next slice of input into pending_ (replaced; it may come out
  // empty: line breaks, junk). False once all input is decoded.
  bool decodeSlice();
  // The next slice of input (empty at the end).
  std::string_view nextInput();

  std::string_view encoded_;
  std::size_t pos_ = 0;  // input decoded so far
  Source source_;        // else encoded_
  std::string window_;   // source: input pulled, not yet decoded from window_at_ on
  std::size_t window_at_ = 0;
  bool source_done_ = false;
  std::size_t piece_;
  std::size_t slice_;                // input bytes per decodeSlice
  bool identity_ = false;            // bytes as they are
  GMimeEncoding state_{};            // base64, quoted-printable
  GMimeFilter* uudecode_ = nullptr;  // uuencode
  std::string input_;                // uuencode: the slice copied (GMime's filters take writable input)
  bool flushed_ = false;
  std::string pending_;  // decoded, not yet handed out from handed_ on
  std::size_t handed_ = 0;
};

}  // namespace spe::mime
