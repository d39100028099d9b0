// Fuzz target for modified UTF-7 mailbox names (RFC 3501 §5.1.3): names
// come from any IMAP server we archive from, and clients send them to ours.
// Invariants, not only survival:
//   - a name that decodes gives valid UTF-8, and encoding that decodes to
//     the same text (decode . encode . decode = decode);
//   - encoding any bytes gives printable ASCII that decodes again, to the
//     bytes themselves when they were valid UTF-8 (invalid bytes become
//     U+FFFD), and the encoding is canonical (encode . decode . encode =
//     encode).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/imap/utf7.h"
#include "fuzz_checks.h"

using spe::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);

  if (const auto decoded = spe::imapUtf7Decode(in)) {
    check(spe::fuzz::isUtf8(*decoded), "a decoded name is valid UTF-8");
    const auto again = spe::imapUtf7Decode(spe::imapUtf7Encode(*decoded));
    check(again && *again == *decoded, "decode(encode(decode(x))) == decode(x)");
  }

  const std::string encoded = spe::imapUtf7Encode(in);
  for (char c : encoded) check(c >= 0x20 && c <= 0x7E, "an encoded name is printable ASCII");
  const auto back = spe::imapUtf7Decode(encoded);
  check(back.has_value(), "an encoded name decodes");
  check(spe::fuzz::isUtf8(*back), "an encoded name decodes to valid UTF-8");
  if (spe::fuzz::isUtf8(in)) check(*back == in, "valid UTF-8 survives encode and decode");
  check(spe::imapUtf7Encode(*back) == encoded, "the encoding is canonical");
  return 0;
}
