#include "common/imap/response.h"

#include <algorithm>
#include <cctype>

namespace spe {
namespace {

bool isStatus(const std::string& word) {
  for (const char* s : {"OK", "NO", "BAD", "BYE", "PREAUTH"}) {
    if (imapIEquals(word, s)) return true;
  }
  return false;
}

}  // namespace

ImapResponseParser::Step ImapResponseParser::fail(std::size_t consumed, std::string why) {
  error_ = "The server sent an invalid IMAP response: " + why + ".";
  return {consumed, State::kError};
}

ImapResponseParser::Step ImapResponseParser::feed(std::string_view in) {
  if (!error_.empty()) return {0, State::kError};
  if (done_) return {0, State::kDone};
  std::size_t i = 0;
  for (;;) {
    const auto step = framer_.feed(in.substr(i));
    i += step.consumed;
    switch (step.state) {
      case ImapFramer::State::kError: return fail(i, framer_.error());
      case ImapFramer::State::kNeedMore: return {i, State::kNeedMore};
      case ImapFramer::State::kLiteral: continue;  // a server sends its literals without waiting
      case ImapFramer::State::kLine:
        if (!parse()) return fail(i, error_);
        done_ = true;
        return {i, State::kDone};
    }
  }
}

bool ImapResponseParser::parse() {
  response_ = ImapResponse{};
  const std::string& first = framer_.segments().front();
  if (first.empty()) {
    error_ = "an empty line";
    return false;
  }
  ImapTokenizer t(framer_.segments(), framer_.literals());
  if (first[0] == '+') {
    response_.kind = ImapResponse::Kind::kContinuation;
    response_.text = first.size() > 2 ? first.substr(2) : std::string();
    return true;
  }
  ImapValue head;
  if (!t.value(head) || head.kind != ImapValue::Kind::kAtom) {
    error_ = t.error().empty() ? "a response without a tag" : t.error();
    return false;
  }
  if (head.text == "*") {
    response_.kind = ImapResponse::Kind::kUntagged;
  } else {
    response_.kind = ImapResponse::Kind::kTagged;
    response_.tag = head.text;
  }
  ImapValue word;
  if (!t.value(word)) {
    error_ = t.error();
    return false;
  }
  if (word.kind == ImapValue::Kind::kAtom && isStatus(word.text)) {
    response_.status = imapUpper(word.text);
    if (t.peek() == '[' && !t.code(response_.code)) {
      error_ = t.error();
      return false;
    }
    response_.text = t.rest();
    while (!t.atEnd()) {  // a literal in status text: keep its line text
      ImapValue v;
      if (!t.value(v)) break;
      response_.text += v.text;
    }
    return true;
  }
  if (response_.kind == ImapResponse::Kind::kTagged) {
    error_ = "a tagged response must be OK, NO or BAD";
    return false;
  }
  response_.data.push_back(std::move(word));
  while (!t.atEnd()) {
    ImapValue v;
    if (!t.value(v)) {
      error_ = t.error();
      return false;
    }
    response_.data.push_back(std::move(v));
  }
  return true;
}

ImapResponse ImapResponseParser::take() {
  ImapResponse out = std::move(response_);
  response_ = ImapResponse{};
  framer_.reset();
  done_ = false;
  return out;
}

std::optional<std::string> imapQuoted(std::string_view s) {
  if (s.size() > 1000) return std::nullopt;
  std::string out = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u == '\r' || u == '\n' || u == 0 || u >= 0x80) return std::nullopt;
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace spe
