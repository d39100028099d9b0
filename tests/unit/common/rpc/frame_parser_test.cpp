#include "common/rpc/frame_parser.h"

#include <gtest/gtest.h>

namespace spe {
namespace {

std::vector<std::string> feedAll(FrameParser& p, std::string_view in, bool* error = nullptr) {
  std::vector<std::string> frames;
  while (!in.empty()) {
    auto step = p.feed(in);
    in.remove_prefix(step.consumed);
    if (step.state == FrameParser::State::kError) {
      if (error) *error = true;
      break;
    }
    if (step.state == FrameParser::State::kDone) frames.push_back(p.take());
  }
  return frames;
}

TEST(FrameParser, WholeFrame) {
  FrameParser p;
  auto frames = feedAll(p, encodeFrame(R"({"id":1})"));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0], R"({"id":1})");
}

TEST(FrameParser, SplitAtEveryOffset) {
  const std::string wire = encodeFrame("first") + encodeFrame(std::string(300, 'x')) + encodeFrame("third");
  for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
    FrameParser p;
    auto a = feedAll(p, std::string_view(wire).substr(0, cut));
    auto b = feedAll(p, std::string_view(wire).substr(cut));
    a.insert(a.end(), b.begin(), b.end());
    ASSERT_EQ(a.size(), 3u) << "cut at " << cut;
    EXPECT_EQ(a[0], "first");
    EXPECT_EQ(a[1], std::string(300, 'x'));
    EXPECT_EQ(a[2], "third");
  }
}

TEST(FrameParser, ByteByByte) {
  const std::string wire = encodeFrame("hello") + encodeFrame("world");
  FrameParser p;
  std::vector<std::string> frames;
  for (char c : wire) {
    auto f = feedAll(p, std::string_view(&c, 1));
    frames.insert(frames.end(), f.begin(), f.end());
  }
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[1], "world");
}

TEST(FrameParser, ZeroLengthIsError) {
  FrameParser p;
  bool error = false;
  feedAll(p, std::string("\0\0\0\0", 4), &error);
  EXPECT_TRUE(error);
  EXPECT_EQ(p.errorMessage(), "empty frame");
}

TEST(FrameParser, OversizedFrameIsError) {
  FrameParser p(1024);
  bool error = false;
  feedAll(p, std::string("\0\0\x04\x01", 4), &error);
  EXPECT_TRUE(error);
  EXPECT_NE(p.errorMessage().find("exceeds the limit"), std::string::npos);
}

TEST(FrameParser, HugeDeclaredLengthIsErrorBeforeAllocation) {
  FrameParser p;
  bool error = false;
  feedAll(p, std::string("\xff\xff\xff\xff", 4), &error);
  EXPECT_TRUE(error);
}

TEST(FrameParser, StaysInErrorState) {
  FrameParser p(8);
  bool error = false;
  feedAll(p, std::string("\0\0\0\x09", 4), &error);
  ASSERT_TRUE(error);
  EXPECT_EQ(p.feed(encodeFrame("ok")).state, FrameParser::State::kError);
}

TEST(FrameParser, TruncatedFrameNeedsMore) {
  FrameParser p;
  const std::string wire = encodeFrame("abcdef");
  auto step = p.feed(std::string_view(wire).substr(0, wire.size() - 1));
  EXPECT_EQ(step.state, FrameParser::State::kNeedMore);
  EXPECT_EQ(step.consumed, wire.size() - 1);
}

TEST(FrameParser, ExactLimitAccepted) {
  FrameParser p(5);
  auto frames = feedAll(p, encodeFrame("12345"));
  ASSERT_EQ(frames.size(), 1u);
}

}  // namespace
}  // namespace spe
