// Little-endian integers in records' headers (store formats, records.h).
// Thread safety: stateless.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace spe::store {

inline void putU32(std::string& s, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) s[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

inline void putU64(std::string& s, std::size_t at, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) s[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

inline std::uint32_t getU32(std::string_view s, std::size_t at) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}

inline std::uint64_t getU64(std::string_view s, std::size_t at) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}

inline std::string u32Bytes(std::uint32_t v) {
  std::string s(4, '\0');
  putU32(s, 0, v);
  return s;
}

}  // namespace spe::store
