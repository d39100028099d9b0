// Fuzz target for .msg files (src/common/mapi/msg_reader.h): any bytes as
// a file of a msgDirectory import, through libgsf's compound-file reader
// and our property decoding, then the RFC 5322 builder. Invariants:
//   - readMsgBytes fails with an error or gives a message whose texts
//     (subject, sender, recipients, attachment names) are valid UTF-8;
//   - a message read converts (toRfc5322 succeeds).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/mapi/mime_builder.h"
#include "common/mapi/msg_reader.h"
#include "fuzz_checks.h"

using spe::fuzz::check;
using spe::fuzz::isUtf8;

namespace {

void checkTexts(const spe::mapi::MapiMessage& m) {
  check(isUtf8(m.subject) && isUtf8(m.sender_name) && isUtf8(m.sender_address), "message texts are UTF-8");
  for (const auto& r : m.recipients) check(isUtf8(r.name) && isUtf8(r.address), "recipients are UTF-8");
  for (const auto& a : m.attachments) {
    check(isUtf8(a.name), "attachment names are UTF-8");
    if (a.embedded) checkTexts(*a.embedded);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto m = spe::mapi::readMsgBytes(std::string_view(reinterpret_cast<const char*>(data), size), 1u << 20);
  if (!m) return 0;
  checkTexts(*m);
  check(spe::mapi::toRfc5322(*m).ok(), "a message read converts");
  return 0;
}
