// Small text helpers used across the daemons.
// Thread safety: all are safe from any thread.
#pragma once

#include <string>
#include <vector>

namespace spe {

// ASCII lower case (names, addresses, keys; other bytes unchanged).
std::string asciiLower(std::string s);
// "a, b,,c" -> {"a", "b", "c"}: comma-separated, trimmed, empty parts dropped.
std::vector<std::string> splitList(const std::string& text);
// A random GUID-shaped identifier (8-4-4-4-12 hex digits).
std::string newGuid();

}  // namespace spe
