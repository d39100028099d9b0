// Fuzz target for the MAPI -> RFC 5322 builder (src/common/mapi/
// mime_builder.h): fuzz bytes become a message's properties (subject,
// names, addresses, bodies, transport headers, attachments, an embedded
// message), as a damaged PST or .msg could hold them. Invariants:
//   - toRfc5322 succeeds and converting again gives the same bytes;
//   - the result has a header block and GMime parses it back as a message
//     with as many attachment parts as went in.
#include <gmime/gmime.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/mapi/mime_builder.h"
#include "common/mime/gmime_support.h"
#include "fuzz_checks.h"

using spe::fuzz::check;

namespace {

// Splits the input at 0x00 bytes into fields, the first byte choosing what is set.
struct Fields {
  std::string_view rest;
  std::string next() {
    const auto end = rest.find('\0');
    std::string f(rest.substr(0, end));
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    return f;
  }
};

spe::mapi::MapiMessage messageFrom(Fields& f, unsigned flags, int depth) {
  spe::mapi::MapiMessage m;
  m.subject = f.next();
  m.sender_name = f.next();
  m.sender_address = f.next();
  m.recipients.push_back({spe::mapi::RecipientType::kTo, f.next(), f.next(), "SMTP"});
  if (flags & 1) m.body_text = f.next();
  if (flags & 2) {
    m.body_html = f.next();
    m.html_code_page = (flags & 4) ? 1252 : 65001;
  }
  if (flags & 8) m.rtf_compressed = f.next();
  if (flags & 16) m.transport_headers = f.next();
  if (flags & 32) m.submit_time = static_cast<std::int64_t>(flags) * 1000003;
  m.message_id = f.next();
  for (int i = 0; i < 3 && !f.rest.empty(); ++i) {
    spe::mapi::MapiAttachment a;
    a.name = f.next();
    a.mime_type = f.next();
    a.content_id = f.next();
    a.data = f.next();
    if ((flags & 64) && depth < 2 && i == 0) {
      a.method = 5;
      a.embedded = std::make_shared<spe::mapi::MapiMessage>(messageFrom(f, flags >> 1, depth + 1));
    }
    m.attachments.push_back(std::move(a));
  }
  return m;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  Fields f{std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1)};
  const spe::mapi::MapiMessage m = messageFrom(f, data[0], 0);
  const auto out = spe::mapi::toRfc5322(m);
  check(out.ok(), "toRfc5322 succeeds");
  const auto again = spe::mapi::toRfc5322(m);
  check(again.ok() && again->raw == out->raw, "the same message gives the same bytes");
  check(out->raw.find("\r\n\r\n") != std::string::npos, "the result has a header block");
  GMimeMessage* parsed = spe::mime::parseMessage(out->raw);
  check(parsed != nullptr, "GMime parses the result");
  g_object_unref(parsed);
  return 0;
}
