// Small text helpers used across the daemons.
// Thread safety: all are safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace spe {

// ASCII lower case (names, addresses, keys; other bytes unchanged).
std::string asciiLower(std::string s);
// "a, b,,c" -> {"a", "b", "c"}: comma-separated, trimmed, empty parts dropped.
std::vector<std::string> splitList(const std::string& text);
// `text` with each run of ASCII white space (space, tab, CR, LF, FF, VT)
// as one space, and none at either end.
std::string collapseWhitespace(std::string_view text);
// A random GUID-shaped identifier (8-4-4-4-12 hex digits).
std::string newGuid();

// Caller-controlled text made safe to show in an error message or a log
// line: control characters (CR, LF, NUL, ESC, DEL, C1 controls, line
// separators, bidirectional controls) become
// \n, \r, \t or \xNN, invalid UTF-8 bytes become \xNN, and text beyond
// `max_bytes` is cut at a character boundary and ends in "…". Backslashes
// stay as they are (text escaped twice, as an instance's line relayed by its
// host, stays readable): a value can look like an escape, never end a line.
std::string printable(std::string_view text, std::size_t max_bytes = 200);

// Text for an HTML element or a quoted attribute: & < > " ' as references.
std::string htmlEscape(std::string_view text);

// Unix seconds as "YYYY-MM-DDThh:mm:ssZ" (UTC).
std::string utcText(std::int64_t unix_seconds);

}  // namespace spe
