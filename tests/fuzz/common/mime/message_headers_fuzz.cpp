// Fuzz target for the header fields a store keeps (src/common/mime/
// message_headers.h): any bytes as a message, as the importers hand them
// to the store. Invariants, not only survival:
//   - parseMessageHeaders never fails; its subject, From and recipients,
//     clamped as the store clamps them, are valid UTF-8 within the limits
//     (GMime keeps undeclared 8-bit header bytes as they are, so the texts
//     themselves need not be UTF-8);
//   - clampUtf8 with a data-chosen limit stays within the limit, gives
//     valid UTF-8 without control characters (tab always, CR and LF with
//     line_breaks, allowed), changes nothing that was already clean and
//     short enough, and is idempotent;
//   - messageRecipients gives lower-case addresses with an '@', each once,
//     in order.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/mime/message_headers.h"
#include "fuzz_checks.h"

using spe::fuzz::check;

namespace {

bool clean(std::string_view s, bool line_breaks) {
  if (!spe::fuzz::isUtf8(s)) return false;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 32 && u != '\t' && !(line_breaks && (u == '\n' || u == '\r'))) return false;
  }
  return true;
}

void checkClamp(std::string_view s, std::size_t max, bool line_breaks) {
  const std::string out = spe::mime::clampUtf8(s, max, line_breaks);
  check(out.size() <= max, "clampUtf8 stays within its limit");
  check(clean(out, line_breaks), "clampUtf8 gives valid UTF-8 without control characters");
  if (s.size() <= max && clean(s, line_breaks)) check(out == s, "clampUtf8 keeps clean short text as it is");
  check(spe::mime::clampUtf8(out, max, line_breaks) == out, "clampUtf8 is idempotent");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);

  const spe::mime::MessageHeaders h = spe::mime::parseMessageHeaders(raw);
  // The limits the store applies (store_schema.cpp).
  checkClamp(h.subject, 500, false);
  checkClamp(h.from, 250, false);
  checkClamp(h.recipients, 250, false);

  const std::size_t max = size == 0 ? 0 : data[0] % (size + 8);
  checkClamp(raw, max, false);
  checkClamp(raw, max, true);

  const auto recipients = spe::mime::messageRecipients(raw);
  for (std::size_t i = 0; i < recipients.size(); ++i) {
    const std::string& a = recipients[i];
    check(a.find('@') != std::string::npos, "a recipient has an '@'");
    for (char c : a) check(!(c >= 'A' && c <= 'Z'), "a recipient is lower case");
    if (i > 0) check(recipients[i - 1] < a, "recipients are sorted, each once");
  }
  return 0;
}
