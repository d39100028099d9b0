#include "common/mime/message_skeleton.h"

#include <algorithm>
#include <cstring>

namespace spe::mime {

MessageSkeleton::MessageSkeleton(std::size_t run_keep) : run_keep_(std::max<std::size_t>(run_keep, 1)) { startLine(); }

void MessageSkeleton::startLine() {
  line_kept_ = 0;
  line_length_ = 0;
  line_dash_ = false;
  head_.clear();
  line_ = run_ < run_keep_ || previous_empty_ ? Line::kKept : Line::kHead;
}

// Kept bytes go to the text, after the stand-in of a line left out just
// before (it was the last one before them).
void MessageSkeleton::keep(std::string_view bytes, std::uint64_t raw) {
  if (bytes.empty()) return;
  flushTail();
  if (raw != kept_end_) marks_.emplace_back(text_.size(), raw);
  text_.append(bytes);
  kept_end_ = raw + bytes.size();
}

void MessageSkeleton::flushTail() {
  if (!tail_) return;
  auto tail = std::move(*tail_);
  tail_.reset();
  keep(tail.first, tail.second);
}

void MessageSkeleton::decideHead(bool dash) {
  if (dash) {
    line_ = Line::kKept;
    line_dash_ = true;
    line_kept_ = head_.size();
    keep(head_, head_raw_);
  } else {
    line_ = Line::kDropped;
  }
}

// The line's end is the '\n' at raw_ ("\r\n" when crlf). A line with bytes
// left out leaves a stand-in: "x" for its last byte (unless kept) and its
// line end, which is kept if no other line is left out before the next kept
// byte.
void MessageSkeleton::endLine(bool dropped, std::size_t terminator) {
  const std::size_t content = line_length_ - (terminator - 1);
  const bool empty = content == 0;
  if (dropped) {
    std::uint64_t start = empty ? raw_ - (terminator - 1) : raw_ - terminator;
    start = std::max(start, kept_end_);
    std::string tail;
    for (std::uint64_t at = start; at <= raw_; ++at) {
      tail += at == raw_ ? '\n' : (terminator == 2 && at == raw_ - 1 ? '\r' : 'x');
    }
    tail_ = std::make_pair(std::move(tail), start);
  } else {
    keep("\n", raw_);
  }
  if (line_dash_) run_ = 0;
  else run_ += line_kept_ + 1;
  previous_empty_ = empty;
}

void MessageSkeleton::add(std::string_view bytes) {
  std::size_t i = 0;
  while (i < bytes.size()) {
    if (line_ == Line::kHead) {
      const char c = bytes[i];
      if (c == '\n') {
        decideHead(false);
        continue;  // ends the (dropped) line below
      }
      if (head_.empty()) head_raw_ = raw_;
      head_ += c;
      last_byte_ = c;
      ++line_length_;
      ++raw_;
      ++i;
      if (head_.size() == 2 || head_[0] != '-') decideHead(head_ == "--");
      continue;
    }
    const char* start = bytes.data() + i;
    const auto* nl = static_cast<const char*>(std::memchr(start, '\n', bytes.size() - i));
    const std::size_t run = nl ? static_cast<std::size_t>(nl - start) : bytes.size() - i;
    if (run > 0) {
      if (line_ == Line::kKept) {
        if (line_length_ < 2) {  // is it a "--" line?
          const char first = line_length_ == 0 ? start[0] : first_byte_;
          const char second = line_length_ == 0 ? (run > 1 ? start[1] : '\0') : start[0];
          line_dash_ = first == '-' && second == '-' && (line_length_ + run >= 2);
        }
        const std::size_t cap = line_dash_ ? kMaxDashLine : 2 * run_keep_;
        const std::size_t take = std::min(run, cap > line_kept_ ? cap - line_kept_ : 0);
        keep(std::string_view(start, take), raw_);
        line_kept_ += take;
        if (take < run) line_ = Line::kDropped;
      }
      if (line_length_ == 0) first_byte_ = start[0];
      line_length_ += run;
      last_byte_ = start[run - 1];
      raw_ += run;
      i += run;
    }
    if (!nl) break;
    const std::size_t terminator = line_length_ > 0 && last_byte_ == '\r' ? 2 : 1;
    endLine(line_ == Line::kDropped, terminator);
    last_byte_ = '\n';
    ++raw_;
    ++i;
    startLine();
  }
}

void MessageSkeleton::finish() {
  if (line_ == Line::kHead && !head_.empty()) decideHead(false);
  if (line_ == Line::kDropped && line_length_ > 0) {
    // The last line has no line end: its last byte stands in for it.
    flushTail();
    if (raw_ - 1 >= kept_end_) keep("x", raw_ - 1);
  }
  flushTail();  // the skeleton ends as the message does
  if (kept_end_ != raw_) marks_.emplace_back(text_.size(), raw_);
}

std::uint64_t MessageSkeleton::rawOffset(std::size_t offset) const {
  auto it = std::upper_bound(marks_.begin(), marks_.end(), offset,
                             [](std::size_t o, const auto& mark) { return o < mark.first; });
  --it;  // marks_ starts with (0, 0)
  return it->second + (offset - it->first);
}

std::optional<AttachmentPlace> skeletonAttachmentPlace(const MessageSkeleton& skeleton, std::size_t index) {
  auto place = messageAttachmentPlace(skeleton.text(), index);
  if (!place) return std::nullopt;
  place->info.size = 0;
  const auto begin = skeleton.rawOffset(place->begin), end = skeleton.rawOffset(place->end);
  place->begin = static_cast<std::size_t>(begin);
  place->end = static_cast<std::size_t>(std::max(begin, end));
  return place;
}

}  // namespace spe::mime
