// Fuzz target for the Management API's request encoding and HTTP Basic
// credentials (src/common/net/form.h): any bytes as a form body, a single
// %-encoded value and an Authorization header value. Invariants:
//   - what urlDecode accepts is valid UTF-8 and survives urlEncode and
//     urlDecode unchanged; urlEncode writes only unreserved characters and
//     %XX;
//   - a form parseForm accepts has valid UTF-8 names and values and
//     survives encodeForm and parseForm unchanged;
//   - Basic credentials parseBasicAuth accepts survive makeBasicAuth and
//     parseBasicAuth unchanged (the user name has no ':'), and so does any
//     user name without ':' with any password.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/net/form.h"
#include "fuzz_checks.h"

using spe::fuzz::check;

namespace {

bool unreservedOrEscape(const std::string& s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                       c == '_' || c == '.' || c == '~';
    if (plain) continue;
    if (c != '%' || i + 2 >= s.size()) return false;
    i += 2;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);

  if (auto decoded = spe::urlDecode(in)) {
    check(spe::fuzz::isUtf8(*decoded), "urlDecode gives valid UTF-8");
    check(spe::isValidUtf8(*decoded), "isValidUtf8 agrees on urlDecode's output");
    const std::string encoded = spe::urlEncode(*decoded);
    check(unreservedOrEscape(encoded), "urlEncode writes unreserved characters and %XX only");
    auto back = spe::urlDecode(encoded);
    check(back.ok() && *back == *decoded, "urlDecode(urlEncode(x)) == x");
  }
  check(spe::isValidUtf8(in) == spe::fuzz::isUtf8(in), "isValidUtf8 is strict UTF-8");

  if (auto form = spe::parseForm(in)) {
    for (const auto& [name, value] : *form) {
      check(spe::fuzz::isUtf8(name) && spe::fuzz::isUtf8(value), "form fields are valid UTF-8");
    }
    auto back = spe::parseForm(spe::encodeForm(*form));
    // An empty name encodes as "=value", which parses back with that name.
    check(back.ok() && *back == *form, "parseForm(encodeForm(f)) == f");
  }

  if (auto basic = spe::parseBasicAuth(in)) {
    check(basic->user.find(':') == std::string::npos, "a Basic user name has no ':'");
    auto back = spe::parseBasicAuth(spe::makeBasicAuth(basic->user, basic->password));
    check(back.ok() && back->user == basic->user && back->password == basic->password,
          "parseBasicAuth(makeBasicAuth(u, p)) == (u, p)");
  }
  // Any user without ':' and any password: split at a data-chosen point.
  const std::size_t cut = size == 0 ? 0 : data[0] % size;
  std::string user(in.substr(0, cut));
  std::erase(user, ':');
  const std::string password(in.substr(cut));
  auto round = spe::parseBasicAuth(spe::makeBasicAuth(user, password));
  check(round.ok() && round->user == user && round->password == password, "made Basic credentials parse back");
  return 0;
}
