#include "common/imap/mailbox_pattern.h"

#include <vector>

namespace spe {

ImapMailboxPattern::ImapMailboxPattern(std::string_view pattern, char delimiter)
    : delimiter_(delimiter), too_long_(pattern.size() > kMaxLength) {
  if (too_long_) return;
  pattern_.reserve(pattern.size());
  for (const char c : pattern) {
    const bool wild = c == '*' || c == '%';
    const bool after_wild = !pattern_.empty() && (pattern_.back() == '*' || pattern_.back() == '%');
    if (wild && after_wild) {
      if (c == '*') pattern_.back() = '*';  // "%*" and "*%" match what "*" matches
      continue;
    }
    pattern_ += c;
    if (!wild) ++literals_;
  }
}

bool ImapMailboxPattern::matches(std::string_view name) const {
  if (too_long_ || literals_ > name.size()) return false;
  const std::size_t m = pattern_.size();
  // live[j]: the first j pattern characters can match the name read so far.
  // A wildcard at j may match nothing, so live[j] makes live[j + 1] live too
  // (the closure below); wildcards never follow each other after compiling.
  std::vector<char> live(m + 1, 0), next(m + 1, 0);
  auto close = [this, m](std::vector<char>& set) {
    for (std::size_t j = 0; j < m; ++j) {
      if (set[j] && (pattern_[j] == '*' || pattern_[j] == '%')) set[j + 1] = 1;
    }
  };
  live[0] = 1;
  close(live);
  for (const char c : name) {
    std::fill(next.begin(), next.end(), 0);
    bool any = false;
    for (std::size_t j = 0; j < m; ++j) {
      if (!live[j]) continue;
      const char p = pattern_[j];
      if (p == '*' || (p == '%' && c != delimiter_)) {
        next[j] = 1;  // the wildcard takes this character and may take more
        any = true;
      } else if (p == c) {
        next[j + 1] = 1;
        any = true;
      }
    }
    if (!any) return false;
    close(next);
    live.swap(next);
  }
  return live[m] != 0;
}

}  // namespace spe
