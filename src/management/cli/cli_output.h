// spe-cli's text tables (--output table), also used for its help.
//
// A list of objects prints as an aligned table: one column per key, in the
// order keys are first seen, a header and a rule. An object prints as two
// columns, key and value. Any other list prints one item per line, and a
// scalar as itself. Cells are one line: strings as they are (line breaks and
// tabs as spaces, other control characters as '?', so a value cannot drive
// the terminal), numbers and booleans as JSON, null and missing keys empty,
// nested lists and objects as compact JSON. When a table is wider than
// the terminal, the widest columns are cut first and a cut cell ends in '…';
// a table that cannot fit even so (too many columns) keeps a few characters
// per column and runs over. Widths count code points (a wide CJK character
// counts as one).
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "common/base/json_reader.h"

namespace spe::cli {

// Lines no wider than this when the environment does not say otherwise.
constexpr std::size_t kDefaultWidth = 160;

// The width to fit: the value of COLUMNS (`columns`, nullptr when unset) when
// it is a whole number from 20 to 10000, else kDefaultWidth.
std::size_t terminalWidth(const char* columns);

// Rows of cells under a header, aligned in columns of at most `width`
// characters per line (see above); an empty header prints no header line.
std::string renderRows(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                       std::size_t width);

// One value as a single-line cell (see above).
std::string cellText(const Json& value);

// A function's result as --output table shows it: a list of objects as a
// table, an object as key/value lines, a scalar as itself (a string keeps its
// line breaks); null prints nothing, an empty list "(no items)", an empty
// object "(no fields)". The text ends in a newline unless it is empty.
std::string renderTable(const Json& result, std::size_t width);

}  // namespace spe::cli
