#include "common/imap_response.h"

#include <algorithm>
#include <cctype>

namespace spe {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) != std::toupper(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// A literal announcement at the end of a line segment: {n} or {n+}.
std::optional<std::size_t> literalSize(const std::string& segment) {
  if (segment.size() < 3 || segment.back() != '}') return std::nullopt;
  const auto open = segment.rfind('{');
  if (open == std::string::npos) return std::nullopt;
  std::string digits = segment.substr(open + 1, segment.size() - open - 2);
  if (!digits.empty() && digits.back() == '+') digits.pop_back();
  if (digits.empty() || digits.size() > 12) return std::nullopt;
  std::size_t n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<std::size_t>(c - '0');
  }
  return n;
}

// Walks the segments and literals of one response.
class Tokenizer {
 public:
  Tokenizer(const std::vector<std::string>& segments, const std::vector<std::string>& literals)
      : segments_(segments), literals_(literals) {}

  bool atEnd() {
    skipSpaces();
    return seg_ + 1 == segments_.size() && pos_ >= segments_[seg_].size();
  }
  char peek() {
    skipSpaces();
    return pos_ < cur().size() ? cur()[pos_] : '\0';
  }
  // The rest of the current segment (status text).
  std::string rest() {
    skipSpaces();
    std::string out = cur().substr(std::min(pos_, cur().size()));
    pos_ = cur().size();
    return out;
  }
  bool value(ImapValue& out, int depth = 0) {
    if (depth > 64) return fail("lists nested too deeply");
    skipSpaces();
    if (pos_ >= cur().size()) return fail("a value is missing");
    const char c = cur()[pos_];
    if (c == '(') {
      ++pos_;
      out.kind = ImapValue::Kind::kList;
      for (;;) {
        skipSpaces();
        if (pos_ >= cur().size()) return fail("a list is not closed");
        if (cur()[pos_] == ')') {
          ++pos_;
          return true;
        }
        ImapValue item;
        if (!value(item, depth + 1)) return false;
        out.items.push_back(std::move(item));
      }
    }
    if (c == '"') return quoted(out);
    if (c == '{') {
      if (!literalSize(cur().substr(pos_)) || seg_ >= literals_.size()) return fail("a literal is malformed");
      out.kind = ImapValue::Kind::kString;
      out.text = literals_[seg_];
      ++seg_;
      pos_ = 0;
      return true;
    }
    if (c == ')') return fail("')' without '('");
    return atom(out);
  }
  // A bracketed response code's values, after '['.
  bool code(std::vector<ImapValue>& out) {
    ++pos_;  // '['
    for (;;) {
      skipSpaces();
      if (pos_ >= cur().size()) return fail("a response code is not closed");
      if (cur()[pos_] == ']') {
        ++pos_;
        return true;
      }
      ImapValue v;
      if (!value(v)) return false;
      out.push_back(std::move(v));
    }
  }
  const std::string& error() const { return error_; }

 private:
  const std::string& cur() const { return segments_[seg_]; }
  void skipSpaces() {
    while (pos_ < cur().size() && cur()[pos_] == ' ') ++pos_;
  }
  bool fail(std::string why) {
    if (error_.empty()) error_ = std::move(why);
    return false;
  }
  bool quoted(ImapValue& out) {
    out.kind = ImapValue::Kind::kString;
    for (++pos_; pos_ < cur().size(); ++pos_) {
      char c = cur()[pos_];
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c == '\\') {
        if (++pos_ >= cur().size()) break;
        c = cur()[pos_];
      }
      out.text += c;
    }
    return fail("a quoted string is not closed");
  }
  // An atom; a bracketed part (BODY[HEADER.FIELDS (FROM)]) and a partial
  // (<0>) belong to it. A closing bracket of a response code ends it.
  bool atom(ImapValue& out) {
    const std::size_t start = pos_;
    int brackets = 0;
    while (pos_ < cur().size()) {
      const char c = cur()[pos_];
      if (c == '[') {
        ++brackets;
      } else if (c == ']') {
        if (brackets == 0) break;
        --brackets;
      } else if (brackets == 0 && (c == ' ' || c == '(' || c == ')' || c == '"' || c == '{')) {
        break;
      }
      ++pos_;
    }
    if (pos_ == start) return fail("an unexpected character '" + std::string(1, cur()[pos_]) + "'");
    out.text = cur().substr(start, pos_ - start);
    out.kind = iequals(out.text, "NIL") ? ImapValue::Kind::kNil : ImapValue::Kind::kAtom;
    if (out.kind == ImapValue::Kind::kNil) out.text.clear();
    return true;
  }

  const std::vector<std::string>& segments_;
  const std::vector<std::string>& literals_;
  std::size_t seg_ = 0, pos_ = 0;
  std::string error_;
};

bool isStatus(const std::string& word) {
  for (const char* s : {"OK", "NO", "BAD", "BYE", "PREAUTH"}) {
    if (iequals(word, s)) return true;
  }
  return false;
}

}  // namespace

bool ImapValue::isAtom(std::string_view u) const { return kind == Kind::kAtom && iequals(text, u); }

std::optional<std::int64_t> ImapValue::number() const {
  if (kind != Kind::kAtom || text.empty() || text.size() > 18) return std::nullopt;
  std::int64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

ImapResponseParser::Step ImapResponseParser::fail(std::size_t consumed, std::string why) {
  error_ = "The server sent an invalid IMAP response: " + why + ".";
  return {consumed, State::kError};
}

ImapResponseParser::Step ImapResponseParser::feed(std::string_view in) {
  if (!error_.empty()) return {0, State::kError};
  if (done_) return {0, State::kDone};
  std::size_t i = 0;
  while (i < in.size()) {
    if (in_literal_) {
      const std::size_t n = std::min(literal_left_, in.size() - i);
      literals_.back().append(in.data() + i, n);
      literal_left_ -= n;
      i += n;
      if (literal_left_ == 0) {
        in_literal_ = false;
        segments_.emplace_back();
        line_bytes_ = 0;
      }
      continue;
    }
    const auto nl = in.find('\n', i);
    const std::size_t end = nl == std::string_view::npos ? in.size() : nl;
    std::string& seg = segments_.back();
    if (line_bytes_ + (end - i) > limits_.max_line) {
      return fail(i, "a line is longer than " + std::to_string(limits_.max_line) + " bytes");
    }
    seg.append(in.data() + i, end - i);
    line_bytes_ += end - i;
    total_bytes_ += end - i;
    i = end;
    if (nl == std::string_view::npos) break;
    ++i;  // '\n'
    if (!seg.empty() && seg.back() == '\r') seg.pop_back();
    if (const auto n = literalSize(seg)) {
      if (*n > limits_.max_literal) {
        return fail(i, "a literal of " + std::to_string(*n) + " bytes is larger than allowed (" +
                           std::to_string(limits_.max_literal) + ")");
      }
      total_bytes_ += *n;
      if (total_bytes_ > limits_.max_total) return fail(i, "a response is too large");
      literals_.emplace_back();
      literals_.back().reserve(*n);
      literal_left_ = *n;
      in_literal_ = true;
      if (*n == 0) {
        in_literal_ = false;
        segments_.emplace_back();
        line_bytes_ = 0;
      }
      continue;
    }
    if (!parse()) return fail(i, error_);
    done_ = true;
    return {i, State::kDone};
  }
  return {i, State::kNeedMore};
}

bool ImapResponseParser::parse() {
  response_ = ImapResponse{};
  const std::string& first = segments_.front();
  if (first.empty()) {
    error_ = "an empty line";
    return false;
  }
  Tokenizer t(segments_, literals_);
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
    response_.status = upper(word.text);
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
  segments_.assign(1, std::string());
  literals_.clear();
  literal_left_ = 0;
  in_literal_ = false;
  line_bytes_ = 0;
  total_bytes_ = 0;
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
