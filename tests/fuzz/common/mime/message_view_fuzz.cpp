// Fuzz target for a message as Web Access shows it (src/common/mime/
// message_view.h): any bytes as an archived message. Invariants, not only
// survival:
//   - viewMessage never fails; its header texts and bodies, made valid
//     UTF-8 as Web Access does (textToUtf8), are valid UTF-8 and unchanged
//     when they already were (GMime keeps undeclared 8-bit header bytes as
//     they are, so the texts themselves need not be UTF-8), and no byte
//     is lost (textToUtf8 returned nothing for a text with 0x81 in it);
//   - every attachment viewMessage lists can be taken out with
//     messageAttachment under the same index, with the same name, type and
//     size, and the bytes are that size; the index after the last is
//     nothing;
//   - an attachment without a name is called "attachment-N".
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/mime/charset.h"
#include "common/mime/message_view.h"
#include "fuzz_checks.h"

using spe::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  const spe::mime::MessageView view = spe::mime::viewMessage(raw);
  for (const std::string* s :
       {&view.subject, &view.from, &view.to, &view.cc, &view.bcc, &view.reply_to, &view.text, &view.html}) {
    const std::string clean = spe::mime::textToUtf8(*s);
    check(spe::fuzz::isUtf8(clean), "textToUtf8 gives valid UTF-8");
    if (spe::fuzz::isUtf8(*s)) check(clean == *s, "textToUtf8 keeps valid UTF-8 as it is");
    check(clean.size() >= s->size(), "textToUtf8 keeps every byte as a character");
  }
  const std::string whole = spe::mime::textToUtf8(std::string(raw));  // file names, extractor output
  check(spe::fuzz::isUtf8(whole) && whole.size() >= raw.size(), "textToUtf8 keeps every byte as a character");
  for (std::size_t i = 0; i < view.attachments.size(); ++i) {
    const auto& listed = view.attachments[i];
    check(!listed.name.empty(), "an attachment has a name");
    const auto taken = spe::mime::messageAttachment(raw, i);
    check(taken.has_value(), "a listed attachment can be taken out");
    check(taken->first.name == listed.name && taken->first.content_type == listed.content_type &&
              taken->first.size == listed.size,
          "a taken attachment is the one listed");
    check(taken->second.size() == listed.size, "an attachment's bytes are its listed size");
  }
  check(!spe::mime::messageAttachment(raw, view.attachments.size()).has_value(),
        "the index after the last attachment is nothing");
  return 0;
}
