// IMAP mailbox names in modified UTF-7 (RFC 3501 §5.1.3): "Entw&APw-rfe"
// is "Entwürfe". Servers without UTF8=ACCEPT send and expect this form.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace spe {

// UTF-8 from modified UTF-7; nullopt when the name is not valid in it.
std::optional<std::string> imapUtf7Decode(std::string_view name);
// Modified UTF-7 from UTF-8 (invalid UTF-8 bytes become U+FFFD).
std::string imapUtf7Encode(std::string_view utf8);

}  // namespace spe
