// A message's skeleton: what the MIME walk (mime_structure.h) needs to find
// where each part is, built from the message read piece by piece, in memory
// that does not grow with the size of the bodies (issue 17: an attachment of
// a 150 MB message is found without holding the message).
//
// The skeleton is the message with the long runs of body lines left out:
// - every line that starts with "--" (a possible boundary) is kept (its
//   first kMaxDashLine bytes and its line end);
// - of each run of other lines, the first `run_keep` bytes are kept (the
//   part's header, an attached message's header), then lines are left out,
//   except the line after an empty line (where a body starts) and the last
//   line before the next "--" line or the end (the line end before a
//   boundary belongs to it); a left-out line that must stay shows as "x"
//   and its line end;
// - a line longer than 2 × run_keep is cut the same way.
// Every kept byte remembers where it was in the message (rawOffset), so the
// walk's part ranges map back to the message's bytes. The walk over the
// skeleton finds the same parts, types, names and encodings as over the
// message as long as every header block fits in `run_keep`.
// Thread safety: one builder per thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/mime/message_view.h"

namespace spe::mime {

class MessageSkeleton {
 public:
  static constexpr std::size_t kMaxDashLine = 1000;

  explicit MessageSkeleton(std::size_t run_keep = std::size_t{1} << 20);

  // The message's next bytes.
  void add(std::string_view bytes);
  // After the last add().
  void finish();

  const std::string& text() const { return text_; }
  // Where byte `offset` of text() (or its end) was in the message.
  std::uint64_t rawOffset(std::size_t offset) const;

 private:
  enum class Line { kHead, kKept, kDropped };
  void startLine();
  void byteOfHead(char c);
  void decideHead(bool dash);
  void keep(std::string_view bytes, std::uint64_t raw);
  void flushTail();
  void endLine(bool dropped, std::size_t terminator);

  std::size_t run_keep_;
  std::string text_;
  std::vector<std::pair<std::size_t, std::uint64_t>> marks_{{0, 0}};  // (text offset, raw offset)
  std::uint64_t raw_ = 0;                                             // raw offset of the next byte
  std::uint64_t kept_end_ = 0;                                        // raw offset after the last kept byte
  std::size_t run_ = 0;                                               // bytes kept in this run of non-"--" lines
  std::size_t line_kept_ = 0;                                         // bytes of this line kept
  std::size_t line_length_ = 0;                                       // bytes of this line seen (line end excluded)
  bool line_dash_ = false;
  bool previous_empty_ = true;  // the line before was empty (or this is the first)
  Line line_ = Line::kHead;
  std::string head_;  // the first bytes of a line not yet decided (at most 2)
  std::uint64_t head_raw_ = 0;
  char first_byte_ = 0;                                        // of this line
  char last_byte_ = '\n';                                      // the byte before raw_
  std::optional<std::pair<std::string, std::uint64_t>> tail_;  // a dropped line's stand-in, kept if it is the last
};

// Attachment `index` (as viewMessage lists it) found in a skeleton: as
// messageAttachmentPlace, with begin and end in the message's bytes, but
// info.size is 0 (the skeleton does not hold the bytes to count).
std::optional<AttachmentPlace> skeletonAttachmentPlace(const MessageSkeleton& skeleton, std::size_t index);

}  // namespace spe::mime
