#include "common/imap/command.h"

namespace spe {
namespace {

// RFC 3501 tag: ASTRING-CHAR except '+'; no list or quoted specials.
bool validTag(const std::string& tag) {
  if (tag.empty() || tag.size() > 64) return false;
  for (char c : tag) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '+' || c == '(' || c == ')' || c == '{' || c == '%' || c == '*' || c == '"' ||
        c == '\\' || c == ']' || c == '[') {
      return false;
    }
  }
  return true;
}

bool validName(const std::string& name) {
  if (name.empty() || name.size() > 32) return false;
  for (char c : name) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

}  // namespace

ImapCommandParser::Step ImapCommandParser::feed(std::string_view in) {
  if (fatal_) return {0, State::kError};
  if (done_) return {0, State::kDone};
  std::size_t i = 0;
  for (;;) {
    const auto step = framer_.feed(in.substr(i));
    i += step.consumed;
    switch (step.state) {
      case ImapFramer::State::kError:
        error_ = "Command line rejected: " + framer_.error() + ".";
        fatal_ = true;
        return {i, State::kError};
      case ImapFramer::State::kNeedMore: return {i, State::kNeedMore};
      case ImapFramer::State::kLiteral:
        if (framer_.literalSynchronising() && framer_.literalSize() > 0) return {i, State::kContinue};
        continue;
      case ImapFramer::State::kLine:
        if (!parse()) {
          framer_.reset();
          return {i, State::kBad};
        }
        done_ = true;
        return {i, State::kDone};
    }
  }
}

bool ImapCommandParser::parse() {
  command_ = ImapCommand{};
  error_.clear();
  const auto& segments = framer_.segments();
  if (raw_) {
    std::string raw;
    for (std::size_t k = 0; k < segments.size(); ++k) {
      raw += segments[k];
      if (k < framer_.literals().size()) raw += framer_.literals()[k];
    }
    command_.raw = std::move(raw);
    return true;
  }
  ImapTokenizer t(segments, framer_.literals());
  if (t.atEnd()) {
    error_ = "Empty command line.";
    return false;
  }
  ImapValue tag;
  if (!t.value(tag) || tag.kind != ImapValue::Kind::kAtom || !validTag(tag.text)) {
    error_ = "Invalid tag.";
    return false;
  }
  command_.tag = tag.text;
  ImapValue name;
  if (t.atEnd() || !t.value(name) || name.kind != ImapValue::Kind::kAtom || !validName(name.text)) {
    error_ = "Missing or invalid command name.";
    return false;
  }
  command_.name = imapUpper(name.text);
  while (!t.atEnd()) {
    ImapValue v;
    if (!t.value(v)) {
      error_ = "Invalid arguments: " + t.error() + ".";
      return false;
    }
    command_.args.push_back(std::move(v));
  }
  return true;
}

ImapCommand ImapCommandParser::take() {
  ImapCommand out = std::move(command_);
  command_ = ImapCommand{};
  framer_.reset();
  done_ = false;
  return out;
}

}  // namespace spe
