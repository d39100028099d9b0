#include "common/rpc/frame_parser.h"

#include <algorithm>

namespace spe {

FrameParser::Step FrameParser::feed(std::string_view in) {
  Step step;
  if (!error_.empty()) {
    step.state = State::kError;
    return step;
  }
  if (done_) {
    step.state = State::kDone;
    return step;
  }
  while (header_have_ < kHeaderSize && step.consumed < in.size()) {
    header_[header_have_++] = static_cast<unsigned char>(in[step.consumed++]);
    if (header_have_ == kHeaderSize) {
      expected_ = (std::size_t{header_[0]} << 24) | (std::size_t{header_[1]} << 16) | (std::size_t{header_[2]} << 8) |
                  std::size_t{header_[3]};
      if (expected_ == 0) {
        error_ = "empty frame";
        step.state = State::kError;
        return step;
      }
      if (expected_ > max_frame_) {
        error_ = "frame of " + std::to_string(expected_) + " bytes exceeds the limit of " + std::to_string(max_frame_) +
                 " bytes";
        step.state = State::kError;
        return step;
      }
      payload_.reserve(expected_);
    }
  }
  if (header_have_ < kHeaderSize) return step;
  const std::size_t want = expected_ - payload_.size();
  const std::size_t n = std::min(want, in.size() - step.consumed);
  payload_.append(in.substr(step.consumed, n));
  step.consumed += n;
  if (payload_.size() == expected_) {
    done_ = true;
    step.state = State::kDone;
  }
  return step;
}

std::string FrameParser::take() {
  std::string out = std::move(payload_);
  payload_.clear();
  header_have_ = 0;
  expected_ = 0;
  done_ = false;
  return out;
}

std::string encodeFrame(std::string_view payload) {
  std::string out;
  out.reserve(payload.size() + FrameParser::kHeaderSize);
  const auto n = static_cast<std::uint32_t>(payload.size());
  out.push_back(static_cast<char>((n >> 24) & 0xff));
  out.push_back(static_cast<char>((n >> 16) & 0xff));
  out.push_back(static_cast<char>((n >> 8) & 0xff));
  out.push_back(static_cast<char>(n & 0xff));
  out.append(payload);
  return out;
}

}  // namespace spe
