// Fuzz target for the LIST/LSUB mailbox pattern: the first byte splits the
// input into a pattern and a name. Checks invariants, not only survival:
// the compiled pattern has no two wildcards in a row, "*" + pattern + "*"
// matches whatever the pattern matches, and any name matches itself. Time is bounded by construction (the
// recursive matcher it replaced timed out here on "***...*Z").
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/imap/mailbox_pattern.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::size_t cut = in.empty() ? 0 : data[0] % (in.size() + 1);
  const std::string_view pattern = in.substr(0, cut);
  const std::string_view name = in.substr(cut);
  const spe::ImapMailboxPattern compiled(pattern);
  const std::string& c = compiled.compiled();
  for (std::size_t i = 1; i < c.size(); ++i) {
    const bool wild = c[i] == '*' || c[i] == '%';
    const bool prev_wild = c[i - 1] == '*' || c[i - 1] == '%';
    if (wild && prev_wild) std::abort();
  }
  const bool matched = compiled.matches(name);
  const bool short_enough = pattern.size() + 2 <= spe::ImapMailboxPattern::kMaxLength;
  if (matched && short_enough && !spe::ImapMailboxPattern("*" + std::string(pattern) + "*").matches(name)) {
    std::abort();
  }
  // Any name matches itself as a pattern: each wildcard can take itself.
  if (name.size() <= spe::ImapMailboxPattern::kMaxLength && !spe::ImapMailboxPattern(name).matches(name)) {
    std::abort();
  }
  return 0;
}
