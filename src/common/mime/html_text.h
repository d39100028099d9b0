// HTML to text, for indexing and for the text part of message views: block
// elements become line breaks, script/style/head content is dropped,
// entities are decoded. Thread safety: safe from any thread (libxml2 is
// initialised once per process).
#pragma once

#include <string>
#include <string_view>

namespace spe::mime {

std::string htmlToText(std::string_view html);

}  // namespace spe::mime
