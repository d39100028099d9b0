#include "common/mime/address_list.h"

#include <cstring>

namespace spe::mime {
namespace {

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Characters that end an atom (RFC 5322 specials, white space).
bool isSpecial(char c) { return isSpace(c) || (c != '\0' && std::strchr("()<>[]:;@\\,.\"", c) != nullptr); }

// Appends `text` to `out`, each run of white space as one space.
void appendCollapsed(std::string& out, std::string_view text) {
  for (char c : text) {
    if (isSpace(c)) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
}

struct Token {
  enum class Kind { kWord, kQuoted, kComment, kLiteral, kSpecial } kind = Kind::kWord;
  std::string text;  // the word, the quoted or comment content (unescaped), [literal], or the special
  bool space_before = false;
};

// Splits a header value into tokens; an unterminated quoted string, comment
// or literal runs to the end of the value.
std::vector<Token> tokenize(std::string_view v) {
  std::vector<Token> out;
  std::size_t i = 0;
  bool space = false;
  while (i < v.size()) {
    const char c = v[i];
    if (isSpace(c)) {
      space = true;
      ++i;
      continue;
    }
    Token t;
    t.space_before = space;
    space = false;
    if (c == '"' || c == '(') {
      t.kind = c == '"' ? Token::Kind::kQuoted : Token::Kind::kComment;
      int depth = 1;
      for (++i; i < v.size(); ++i) {
        const char d = v[i];
        if (d == '\\' && i + 1 < v.size()) {
          t.text += v[++i];
        } else if (c == '"' && d == '"') {
          break;
        } else if (c == '(' && d == '(') {
          ++depth;
          t.text += d;
        } else if (c == '(' && d == ')') {
          if (--depth == 0) break;
          t.text += d;
        } else {
          t.text += d;
        }
      }
      ++i;  // the closing quote or parenthesis
    } else if (c == '[') {
      t.kind = Token::Kind::kLiteral;
      const std::size_t end = v.find(']', i);
      const std::size_t stop = end == std::string_view::npos ? v.size() : end + 1;
      t.text = std::string(v.substr(i, stop - i));
      i = stop;
    } else if (isSpecial(c)) {
      t.kind = Token::Kind::kSpecial;
      t.text = std::string(1, c);
      ++i;
    } else {
      const std::size_t start = i;
      while (i < v.size() && !isSpecial(v[i])) ++i;
      t.text = std::string(v.substr(start, i - start));
    }
    out.push_back(std::move(t));
  }
  return out;
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : t_(std::move(tokens)) {}

  std::vector<MimeAddress> list() {
    while (pos_ < t_.size() && out_.size() < kMaxAddresses) {
      if (special(",")) {
        ++pos_;
      } else if (special(";")) {
        ++pos_;
        if (in_group_) endGroup();
      } else {
        const std::size_t before = pos_;
        address();
        if (pos_ == before) ++pos_;  // nothing readable here: skip it
      }
    }
    if (in_group_) endGroup();  // a group without its ';'
    if (out_.size() > kMaxAddresses) out_.resize(kMaxAddresses);
    return std::move(out_);
  }

 private:
  bool special(const char* s) const {
    return pos_ < t_.size() && t_[pos_].kind == Token::Kind::kSpecial && t_[pos_].text == s;
  }
  bool comment() const { return pos_ < t_.size() && t_[pos_].kind == Token::Kind::kComment; }
  // A word, a quoted string or a dot: what phrases, local parts and domains are made of.
  bool wordLike() const {
    if (pos_ >= t_.size()) return false;
    const Token& t = t_[pos_];
    return t.kind == Token::Kind::kWord || t.kind == Token::Kind::kQuoted || t.kind == Token::Kind::kLiteral ||
           (t.kind == Token::Kind::kSpecial && t.text == ".");
  }

  void endGroup() {
    out_.push_back({"", "", "", "", MimeAddress::Kind::kGroupEnd});
    in_group_ = false;
  }

  // Words up to the next special that is no dot, as a display name: one
  // space where the header has white space, quotes removed. Comments
  // between them are collected in `comments`.
  std::string phrase(std::string& comments) {
    std::string out;
    for (; pos_ < t_.size() && (wordLike() || comment()); ++pos_) {
      const Token& t = t_[pos_];
      if (t.kind == Token::Kind::kComment) {
        if (comments.empty()) appendCollapsed(comments, t.text);
        continue;
      }
      if (t.space_before && !out.empty() && out.back() != ' ') out += ' ';
      appendCollapsed(out, t.text);
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
  }

  // Tokens from `from` to `to` as a local part or domain: no spaces, no
  // quotes, no comments.
  std::string joined(std::size_t from, std::size_t to) const {
    std::string out;
    for (std::size_t i = from; i < to; ++i) {
      const Token& t = t_[i];
      if (t.kind == Token::Kind::kComment) continue;
      out += t.text;
    }
    return out;
  }

  // local-part ["@" domain] up to `stop` (a special) or the end; comments
  // after its first word go to `comments`. Without "@", words with white
  // space between them are a display name without an address.
  void addrSpec(MimeAddress& a, const char* stop, std::string& comments) {
    std::size_t from = pos_;
    while (comment()) ++pos_;  // a comment before the address names nothing
    from = pos_;
    bool words_apart = false;
    while (wordLike() || comment()) {
      if (comment() && comments.empty()) appendCollapsed(comments, t_[pos_].text);
      if (!comment() && pos_ > from && t_[pos_].space_before) words_apart = true;
      ++pos_;
    }
    if (words_apart && !special("@")) {
      std::string ignored;
      const std::size_t end = pos_;
      pos_ = from;
      a.name = phrase(ignored);
      pos_ = end;
    } else {
      a.mailbox = joined(from, pos_);
    }
    if (special("@")) {
      ++pos_;
      from = pos_;
      while (wordLike() || comment()) {
        if (comment() && comments.empty()) appendCollapsed(comments, t_[pos_].text);
        ++pos_;
      }
      a.host = joined(from, pos_);
    }
    // Anything else before the stop is not part of an address.
    while (pos_ < t_.size() && !special(stop) && !special(",") && !(in_group_ && special(";"))) {
      if (comment() && comments.empty()) appendCollapsed(comments, t_[pos_].text);
      ++pos_;
    }
  }

  void address() {
    std::string comments;
    const std::size_t start = pos_;
    std::string name = phrase(comments);
    if (special(":") && !in_group_) {
      ++pos_;
      out_.push_back({"", "", name, "", MimeAddress::Kind::kGroupStart});
      in_group_ = true;
      return;
    }
    MimeAddress a;
    const bool angle = special("<");
    if (angle) {
      ++pos_;
      if (special("@")) {  // an obsolete route: @a,@b:
        const std::size_t from = pos_;
        while (pos_ < t_.size() && !special(":") && !special(">")) ++pos_;
        a.route = joined(from, pos_);
        if (special(":")) ++pos_;
      }
      std::string ignored;
      addrSpec(a, ">", ignored);
      if (special(">")) ++pos_;
      a.name = std::move(name);
      while (comment()) ++pos_;  // "Name <a@b> (comment)"
    } else {
      pos_ = start;  // no angle brackets: the words were the address
      comments.clear();
      addrSpec(a, ",", comments);
      if (a.name.empty()) a.name = std::move(comments);
    }
    if (!angle && a.mailbox.empty() && a.host.empty() && a.name.empty()) return;  // only stray characters
    out_.push_back(std::move(a));
  }

  std::vector<Token> t_;
  std::size_t pos_ = 0;
  bool in_group_ = false;
  std::vector<MimeAddress> out_;
};

}  // namespace

std::vector<MimeAddress> parseAddressList(std::string_view value) { return Parser(tokenize(value)).list(); }

}  // namespace spe::mime
