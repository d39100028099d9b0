// Fuzz target for the MIME walk behind the IMAP server's BODY[<part>],
// BODYSTRUCTURE and ENVELOPE (src/common/mime/mime_structure.h): any bytes
// as an archived message. Invariants, not only survival:
//   - every part's byte range lies inside the message and inside its
//     parent's body: begin <= body_begin <= end <= size, children in order
//     and disjoint;
//   - nesting stops at kMaxMimeDepth, a multipart has at most kMaxMimeParts;
//   - the line count is the body's line feeds;
//   - only multiparts and message/rfc822 have children (the latter one,
//     which is a message), type and subtype are lower case;
//   - findMimePart finds each part by its section number, and refuses
//     numbers that name nothing;
//   - headerBlockEnd and headerFieldsOf stay within the header.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/mime/mime_structure.h"
#include "fuzz_checks.h"

using spe::fuzz::check;
using spe::mime::MimeEntity;

namespace {

bool lowerCase(const std::string& s) {
  return std::none_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

void walk(const MimeEntity& top, const MimeEntity& e, std::string_view raw, std::vector<int>& path, int depth,
          std::size_t& count) {
  ++count;
  check(e.begin <= e.body_begin && e.body_begin <= e.end && e.end <= raw.size(), "a part lies inside the message");
  check(depth <= spe::mime::kMaxMimeDepth, "nesting stops at kMaxMimeDepth");
  check(lowerCase(e.type) && lowerCase(e.subtype), "type and subtype are lower case");
  const std::string_view body = raw.substr(e.body_begin, e.end - e.body_begin);
  const auto lines = static_cast<std::size_t>(std::count(body.begin(), body.end(), '\n'));
  check(e.lines == lines, "the line count is the body's line feeds");
  check(e.children.size() <= spe::mime::kMaxMimeParts, "a multipart has at most kMaxMimeParts parts");
  if (!e.multipart() && !(e.type == "message" && e.subtype == "rfc822")) {
    check(e.children.empty(), "only multiparts and messages have children");
  }
  if (e.type == "message" && e.subtype == "rfc822") {
    check(e.children.size() <= 1, "a message/rfc822 part holds one message");
    if (!e.children.empty()) check(e.children[0].is_message, "a message/rfc822 part holds a message");
  }
  std::size_t previous_end = e.body_begin;
  for (const auto& c : e.children) {
    check(c.begin >= previous_end && c.end <= e.end, "children lie in their parent's body, in order");
    previous_end = c.end;
  }
  // Section numbers (RFC 3501 §6.4.5): `path` names `e` here, or, for the
  // message inside a message/rfc822 part, the part that holds it. The parts
  // of a multipart are path.1 .. path.n; a message that is not multipart is
  // path.1 from the part that holds it (its body is part 1).
  if (e.multipart()) {
    for (std::size_t i = 0; i < e.children.size() && i < 64; ++i) {
      path.push_back(static_cast<int>(i) + 1);
      if (path.size() <= 8) {
        check(spe::mime::findMimePart(top, path) == &e.children[i], "findMimePart finds a part by its section number");
        walk(top, e.children[i], raw, path, depth + 1, count);
      }
      path.pop_back();
    }
    for (int bad : {0, static_cast<int>(e.children.size()) + 1}) {
      path.push_back(bad);
      if (path.size() <= 8) check(spe::mime::findMimePart(top, path) == nullptr, "parts 0 and n+1 are nothing");
      path.pop_back();
    }
  } else if (!e.children.empty()) {  // message/rfc822
    const MimeEntity& inner = e.children[0];
    if (inner.multipart()) {
      walk(top, inner, raw, path, depth + 1, count);
    } else {
      path.push_back(1);
      if (path.size() <= 8) {
        check(spe::mime::findMimePart(top, path) == &inner, "path.1 of a message/rfc822 part is its message");
        walk(top, inner, raw, path, depth + 1, count);
      }
      path.pop_back();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  const std::size_t header_end = spe::mime::headerBlockEnd(raw);
  check(header_end <= raw.size(), "the header block lies inside the message");
  std::size_t field_bytes = 0;
  for (const auto& [name, value] : spe::mime::headerFieldsOf(raw.substr(0, header_end))) {
    field_bytes += name.size() + value.size();
  }
  check(field_bytes <= header_end, "header fields are no longer than the header");

  const MimeEntity top = spe::mime::parseMimeStructure(raw);
  check(top.is_message && top.begin == 0 && top.end == raw.size(), "the top-level entity is the whole message");
  check(top.body_begin == header_end, "the top-level body starts after the header block");
  std::vector<int> path;
  std::size_t count = 0;
  walk(top, top, raw, path, 0, count);
  check(spe::mime::findMimePart(top, {}) == &top, "the empty section is the message");
  return 0;
}
