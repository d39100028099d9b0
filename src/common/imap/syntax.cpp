#include "common/imap/syntax.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>

namespace spe {

bool imapIEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) != std::toupper(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

std::string imapUpper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::optional<LiteralAnnouncement> literalAnnouncement(std::string_view segment) {
  if (segment.size() < 3 || segment.back() != '}') return std::nullopt;
  const auto open = segment.rfind('{');
  if (open == std::string_view::npos) return std::nullopt;
  std::string_view digits = segment.substr(open + 1, segment.size() - open - 2);
  LiteralAnnouncement out;
  if (!digits.empty() && digits.back() == '+') {
    digits.remove_suffix(1);
    out.synchronising = false;
  }
  if (digits.empty() || digits.size() > 12) return std::nullopt;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    out.size = out.size * 10 + static_cast<std::size_t>(c - '0');
  }
  return out;
}

bool ImapValue::isAtom(std::string_view u) const { return kind == Kind::kAtom && imapIEquals(text, u); }

std::optional<std::int64_t> ImapValue::number() const {
  if (kind != Kind::kAtom || text.empty() || text.size() > 18) return std::nullopt;
  std::int64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

// ---- ImapFramer

ImapFramer::Step ImapFramer::fail(std::size_t consumed, std::string why) {
  error_ = std::move(why);
  return {consumed, State::kError};
}

void ImapFramer::reset() {
  segments_.assign(1, std::string());
  literals_.clear();
  literal_left_ = 0;
  literal_size_ = 0;
  literal_sync_ = false;
  in_literal_ = false;
  line_bytes_ = 0;
  total_bytes_ = 0;
  done_ = false;
}

ImapFramer::Step ImapFramer::feed(std::string_view in) {
  if (!error_.empty()) return {0, State::kError};
  if (done_) return {0, State::kLine};
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
    if (const auto lit = literalAnnouncement(seg)) {
      if (lit->size > limits_.max_literal) {
        return fail(i, "a literal of " + std::to_string(lit->size) + " bytes is larger than allowed (" +
                           std::to_string(limits_.max_literal) + ")");
      }
      total_bytes_ += lit->size;
      if (total_bytes_ > limits_.max_total) return fail(i, "the line with its literals is too large");
      literals_.emplace_back();
      literals_.back().reserve(lit->size);
      literal_left_ = lit->size;
      literal_size_ = lit->size;
      literal_sync_ = lit->synchronising;
      in_literal_ = true;
      if (lit->size == 0) {
        in_literal_ = false;
        segments_.emplace_back();
        line_bytes_ = 0;
      }
      return {i, State::kLiteral};
    }
    done_ = true;
    return {i, State::kLine};
  }
  return {i, State::kNeedMore};
}

// ---- ImapTokenizer

void ImapTokenizer::skipSpaces() {
  while (pos_ < cur().size() && cur()[pos_] == ' ') ++pos_;
}

bool ImapTokenizer::fail(std::string why) {
  if (error_.empty()) error_ = std::move(why);
  return false;
}

bool ImapTokenizer::atEnd() {
  skipSpaces();
  return seg_ + 1 == segments_.size() && pos_ >= segments_[seg_].size();
}

char ImapTokenizer::peek() {
  skipSpaces();
  return pos_ < cur().size() ? cur()[pos_] : '\0';
}

std::string ImapTokenizer::rest() {
  skipSpaces();
  std::string out = cur().substr(std::min(pos_, cur().size()));
  pos_ = cur().size();
  return out;
}

bool ImapTokenizer::value(ImapValue& out, int depth) {
  if (depth > 64) return fail("lists nested too deeply");
  skipSpaces();
  if (pos_ >= cur().size()) return fail("a value is missing");
  const char c = cur()[pos_];
  if (c == '(') {
    ++pos_;
    out.kind = ImapValue::Kind::kList;
    return valuesUntil(')', "a list is not closed", out.items, depth + 1);
  }
  if (c == '"') return quoted(out);
  if (c == '{') {
    if (!literalAnnouncement(std::string_view(cur()).substr(pos_)) || seg_ >= literals_.size()) {
      return fail("a literal is malformed");
    }
    out.kind = ImapValue::Kind::kString;
    out.text = literals_[seg_];
    ++seg_;
    pos_ = 0;
    return true;
  }
  if (c == ')') return fail("')' without '('");
  return atom(out);
}

bool ImapTokenizer::code(std::vector<ImapValue>& out) {
  ++pos_;  // '['
  return valuesUntil(']', "a response code is not closed", out, 0);
}

bool ImapTokenizer::valuesUntil(char close, const char* unclosed, std::vector<ImapValue>& out, int depth) {
  for (;;) {
    skipSpaces();
    if (pos_ >= cur().size()) return fail(unclosed);
    if (cur()[pos_] == close) {
      ++pos_;
      return true;
    }
    ImapValue v;
    if (!value(v, depth)) return false;
    out.push_back(std::move(v));
  }
}

bool ImapTokenizer::quoted(ImapValue& out) {
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
bool ImapTokenizer::atom(ImapValue& out) {
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
  out.kind = imapIEquals(out.text, "NIL") ? ImapValue::Kind::kNil : ImapValue::Kind::kAtom;
  if (out.kind == ImapValue::Kind::kNil) out.text.clear();
  return true;
}

std::string imapDateTime(std::int64_t epoch_seconds) {
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t t = static_cast<std::time_t>(epoch_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%02d-%s-%04d %02d:%02d:%02d +0000", tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

}  // namespace spe
