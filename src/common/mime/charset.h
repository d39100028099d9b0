// Text of unknown charset made valid UTF-8 (file names, extractor output,
// bodies without a charset). Thread safety: stateless.
#pragma once

#include <string>

namespace spe::mime {

// The bytes as they are when valid UTF-8, else read as Windows-1252 (every
// byte maps to a character, so nothing is dropped).
std::string textToUtf8(const std::string& bytes);

}  // namespace spe::mime
