#include "common/mapi/rtf_text.h"

#include <cstdint>
#include <cstdlib>
#include <vector>

#include "common/mapi/mapi_message.h"

namespace spe::mapi {

namespace {

// Nesting deeper than this is not followed (the text stays in the group
// above): real RTF nests a few dozen levels; this bounds the stack.
constexpr std::size_t kMaxDepth = 256;

struct GroupState {
  bool skip = false;        // an ignored destination (font table, picture, ...)
  bool suppressed = false;  // inside \htmlrtf ... \htmlrtf0 (HTML mode)
  bool html_tag = false;    // inside {\*\htmltag ...} (HTML mode)
  int uc = 1;               // characters to skip after \uN
};

bool isSkippedDestination(std::string_view w) {
  static constexpr std::string_view kNames[] = {
      "fonttbl",   "colortbl",     "stylesheet", "info",
      "pict",      "object",       "header",     "footer",
      "headerl",   "headerr",      "headerf",    "footerl",
      "footerr",   "footerf",      "footnote",   "xe",
      "tc",        "fldinst",      "listtable",  "listoverridetable",
      "rsidtbl",   "generator",    "themedata",  "colorschememapping",
      "datastore", "latentstyles", "pgdsctbl",   "filetbl",
      "revtbl",    "mhtmltag",     "htmlbase",   "bkmkstart",
      "bkmkend",   "nonshppict",   "shppict",    "userprops",
      "xmlnstbl",
  };
  for (auto n : kNames) {
    if (w == n) return true;
  }
  return false;
}

class RtfWalker {
 public:
  RtfWalker(std::string_view rtf, bool html) : rtf_(rtf), html_(html) {}

  // One pass over the bytes. Longer than 80 lines: the branches for
  // groups, text, \'hh and control symbols share the group stack and the
  // skip counters; control words are in controlWord().
  std::string run() {
    std::vector<GroupState> stack{GroupState{}};
    std::size_t ignored_depth = 0;  // groups past kMaxDepth
    while (i_ < rtf_.size()) {
      const char c = rtf_[i_];
      GroupState& st = stack.back();
      if (c == '{') {
        ++i_;
        if (stack.size() >= kMaxDepth) {
          ++ignored_depth;
          continue;
        }
        stack.push_back(stack.back());
        stack.back().html_tag = false;
        group_start_ = true;
        star_ = false;
        continue;
      }
      if (c == '}') {
        ++i_;
        if (ignored_depth > 0) {
          --ignored_depth;
          continue;
        }
        if (stack.size() > 1) stack.pop_back();
        group_start_ = false;
        skip_chars_ = 0;
        continue;
      }
      if (c == '\r' || c == '\n') {
        ++i_;
        continue;
      }
      if (c != '\\') {
        ++i_;
        group_start_ = false;
        if (skip_chars_ > 0) {
          --skip_chars_;
          continue;
        }
        literal(st, c);
        continue;
      }
      // A control symbol or word.
      if (i_ + 1 >= rtf_.size()) break;
      const char n = rtf_[i_ + 1];
      if (n == '\'') {
        group_start_ = false;
        unsigned value = 0;
        bool ok = i_ + 4 <= rtf_.size();
        if (ok) {
          const std::string hex(rtf_.substr(i_ + 2, 2));
          char* end = nullptr;
          value = static_cast<unsigned>(std::strtoul(hex.c_str(), &end, 16));
          ok = end == hex.c_str() + 2;
        }
        i_ += ok ? 4 : 2;
        if (!ok) continue;
        if (skip_chars_ > 0) {
          --skip_chars_;
          continue;
        }
        byte(st, static_cast<char>(value));
        continue;
      }
      if (!isalpha(static_cast<unsigned char>(n))) {
        i_ += 2;
        if (n == '*') {
          star_ = true;
          continue;
        }
        group_start_ = false;
        if (n == '\\' || n == '{' || n == '}') {
          if (skip_chars_ > 0) {
            --skip_chars_;
            continue;
          }
          literal(st, n);
        } else if (n == '~') {
          text(st, "\xC2\xA0");
        } else if (n == '_') {
          text(st, "-");
        } else if (n == '\r' || n == '\n') {
          text(st, html_ ? "\r\n" : "\n");
        }
        continue;
      }
      controlWord(st);
    }
    flush();
    return std::move(out_);
  }

 private:
  // A control word at i_: letters, an optional signed number, an optional space.
  void controlWord(GroupState& st) {
    std::size_t j = i_ + 1;
    while (j < rtf_.size() && isalpha(static_cast<unsigned char>(rtf_[j]))) ++j;
    const std::string_view word = rtf_.substr(i_ + 1, j - i_ - 1);
    bool has_param = false;
    long param = 0;
    std::size_t k = j;
    if (k < rtf_.size() && (rtf_[k] == '-' || isdigit(static_cast<unsigned char>(rtf_[k])))) {
      const std::size_t start = k;
      ++k;
      while (k < rtf_.size() && k - start < 11 && isdigit(static_cast<unsigned char>(rtf_[k]))) ++k;
      param = std::strtol(std::string(rtf_.substr(start, k - start)).c_str(), nullptr, 10);
      has_param = k - start > 1 || rtf_[start] != '-';
    }
    if (k < rtf_.size() && rtf_[k] == ' ') ++k;
    i_ = k;
    const bool at_group_start = group_start_;
    group_start_ = false;
    if (at_group_start && star_) {
      star_ = false;
      if (html_ && word == "htmltag") {
        flush();
        st.html_tag = true;
        st.skip = false;
        return;
      }
      st.skip = true;
      return;
    }
    star_ = false;
    if (at_group_start && isSkippedDestination(word)) {
      st.skip = true;
      return;
    }
    if (word == "bin") {
      i_ += has_param && param > 0 ? static_cast<std::size_t>(param) : 0;
      return;
    }
    if (word == "ansicpg" && has_param) {
      flush();
      code_page_ = static_cast<int>(param);
      return;
    }
    if (word == "htmlrtf") {
      st.suppressed = !has_param || param != 0;
      return;
    }
    if (word == "uc" && has_param) {
      st.uc = static_cast<int>(param < 0 ? 0 : param > 10 ? 10 : param);
      return;
    }
    if (word == "u" && has_param) {
      long cp = param < 0 ? param + 65536 : param;
      if (!hidden(st)) unicode(static_cast<std::uint32_t>(cp));
      skip_chars_ = st.uc;
      return;
    }
    if (skip_chars_ > 0) {  // a control word counts as one skipped character
      --skip_chars_;
      return;
    }
    if (word == "par" || word == "line" || word == "row") {
      text(st, html_ ? "\r\n" : "\n");
    } else if (word == "tab" || word == "cell") {
      text(st, "\t");
    } else if (!html_ || !st.html_tag) {
      if (word == "emdash") text(st, "\xE2\x80\x94");
      else if (word == "endash") text(st, "\xE2\x80\x93");
      else if (word == "bullet") text(st, "\xE2\x80\xA2");
      else if (word == "lquote") text(st, "\xE2\x80\x98");
      else if (word == "rquote") text(st, "\xE2\x80\x99");
      else if (word == "ldblquote") text(st, "\xE2\x80\x9C");
      else if (word == "rdblquote") text(st, "\xE2\x80\x9D");
    }
  }

  // In HTML mode only the HTML's own parts are output: tag groups, and
  // text outside \htmlrtf; in text mode everything but skipped groups.
  bool hidden(const GroupState& st) const {
    if (st.skip) return true;
    if (!html_) return false;
    return st.suppressed && !st.html_tag;
  }
  void literal(const GroupState& st, char c) {
    if (hidden(st)) return;
    if ((static_cast<unsigned char>(c) & 0x80) != 0) {  // 8-bit text: a byte of the code page, as \'hh
      pending_ += c;
      return;
    }
    flush();
    out_ += c;
  }
  void byte(const GroupState& st, char c) {
    if (hidden(st)) return;
    pending_ += c;
  }
  void text(const GroupState& st, std::string_view s) {
    if (hidden(st)) return;
    flush();
    out_ += s;
  }
  void unicode(std::uint32_t cp) {
    flush();
    if (cp == 0) return;
    std::string bytes;
    bytes += static_cast<char>(cp & 0xFF);
    bytes += static_cast<char>(cp >> 8);
    out_ += codePageToUtf8(bytes, 1200);
  }
  void flush() {
    if (pending_.empty()) return;
    out_ += codePageToUtf8(pending_, code_page_);
    pending_.clear();
  }

  std::string_view rtf_;
  bool html_;
  std::size_t i_ = 0;         // the next byte to read
  bool star_ = false;         // the group began with "\*"
  bool group_start_ = false;  // no token yet in the current group
  int skip_chars_ = 0;        // left to skip after \uN
  int code_page_ = 1252;
  std::string pending_;  // \'hh bytes not yet converted (multi-byte code pages)
  std::string out_;
};

}  // namespace

bool rtfEncapsulatesHtml(std::string_view rtf) {
  // The marker sits in the header, before any text: look at its start only.
  return rtf.substr(0, 2048).find("\\fromhtml1") != std::string_view::npos;
}

std::optional<std::string> rtfToHtml(std::string_view rtf) {
  if (!rtfEncapsulatesHtml(rtf)) return std::nullopt;
  return RtfWalker(rtf, true).run();
}

std::string rtfToText(std::string_view rtf) { return RtfWalker(rtf, false).run(); }

}  // namespace spe::mapi
