#include "management/cli/cli_output.h"

#include <algorithm>
#include <cstdlib>

namespace spe::cli {
namespace {

constexpr std::size_t kGap = 2;        // spaces between columns
constexpr std::size_t kMinColumn = 4;  // a cut column keeps at least "abc…"

bool isContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

std::size_t codePoints(const std::string& s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return !isContinuation(static_cast<unsigned char>(c)); }));
}

// The first `width` code points of `s`, the last one '…' when `s` is longer.
std::string cut(const std::string& s, std::size_t width) {
  if (codePoints(s) <= width) return s;
  if (width == 0) return {};
  std::size_t kept = 0, i = 0;
  for (; i < s.size(); ++i) {
    if (!isContinuation(static_cast<unsigned char>(s[i])) && kept++ == width - 1) break;
  }
  return s.substr(0, i) + "\u2026";
}

// C0 controls and DEL (and C1 controls, U+0080-U+009F) become '?'; line
// breaks and tabs become spaces unless `keep_breaks`.
std::string printable(const std::string& s, bool keep_breaks) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '\n' || c == '\r' || c == '\t') {
      out.push_back(keep_breaks && c != '\r' ? static_cast<char>(c) : ' ');
    } else if (c < 0x20 || c == 0x7F) {
      out.push_back('?');
    } else if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(s[i + 1]) <= 0x9F) {
      out.push_back('?');
      ++i;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

std::string compactJson(const Json& value) { return value.dump(-1, ' ', false, Json::error_handler_t::replace); }

// Column widths that fit `width` with gaps: the widest columns are cut to a
// common cap (the largest that fits), and what is left over goes one
// character at a time to the cut columns from the left.
std::vector<std::size_t> fitWidths(std::vector<std::size_t> natural, std::size_t width) {
  const std::size_t gaps = natural.empty() ? 0 : kGap * (natural.size() - 1);
  auto total = [&](std::size_t cap) {
    std::size_t sum = gaps;
    for (auto w : natural) sum += std::min(w, cap);
    return sum;
  };
  const std::size_t widest = natural.empty() ? 0 : *std::max_element(natural.begin(), natural.end());
  if (total(widest) <= width) return natural;
  std::size_t lo = kMinColumn, hi = widest;  // find the largest cap in [lo, hi) with total(cap) <= width
  if (total(lo) > width) hi = lo;
  while (lo + 1 < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    (total(mid) <= width ? lo : hi) = mid;
  }
  std::size_t slack = width > total(lo) ? width - total(lo) : 0;
  for (auto& w : natural) {
    if (w <= lo) continue;
    w = lo + (slack > 0 ? 1 : 0);
    slack -= slack > 0 ? 1 : 0;
  }
  return natural;
}

void appendLine(std::string& out, const std::vector<std::string>& cells, const std::vector<std::size_t>& widths) {
  std::string line;
  for (std::size_t c = 0; c < widths.size(); ++c) {
    const std::string cell = cut(c < cells.size() ? cells[c] : std::string(), widths[c]);
    line += cell;
    if (c + 1 < widths.size()) line.append(widths[c] - codePoints(cell) + kGap, ' ');
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  out += line + "\n";
}

std::string objectListTable(const Json& list, std::size_t width) {
  std::vector<std::string> keys;
  for (const auto& item : list) {
    for (const auto& [key, value] : item.items()) {
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
    }
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& item : list) {
    std::vector<std::string> row;
    for (const auto& key : keys) row.push_back(item.contains(key) ? cellText(item[key]) : std::string());
    rows.push_back(std::move(row));
  }
  std::vector<std::string> header;
  for (const auto& key : keys) header.push_back(printable(key, false));
  return renderRows(header, rows, width);
}

}  // namespace

std::size_t terminalWidth(const char* columns) {
  if (!columns || !*columns) return kDefaultWidth;
  char* end = nullptr;
  const long n = std::strtol(columns, &end, 10);
  if (*end != '\0' || n < 20 || n > 10000) return kDefaultWidth;
  return static_cast<std::size_t>(n);
}

std::string renderRows(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                       std::size_t width) {
  std::vector<std::size_t> natural(header.size());
  for (const auto& row : rows) natural.resize(std::max(natural.size(), row.size()));
  auto measure = [&natural](const std::vector<std::string>& cells) {
    for (std::size_t c = 0; c < cells.size(); ++c) natural[c] = std::max(natural[c], codePoints(cells[c]));
  };
  measure(header);
  for (const auto& row : rows) measure(row);
  const auto widths = fitWidths(natural, width);
  std::string out;
  if (!header.empty()) {
    appendLine(out, header, widths);
    std::vector<std::string> rule;
    for (auto w : widths) rule.emplace_back(w, '-');
    appendLine(out, rule, widths);
  }
  for (const auto& row : rows) appendLine(out, row, widths);
  return out;
}

std::string cellText(const Json& value) {
  if (value.is_null()) return {};
  if (value.is_string()) return printable(value.get<std::string>(), false);
  return printable(compactJson(value), false);
}

std::string renderTable(const Json& result, std::size_t width) {
  if (result.is_null()) return {};
  if (result.is_array()) {
    if (result.empty()) return "(no items)\n";
    const bool objects = std::all_of(result.begin(), result.end(), [](const Json& j) { return j.is_object(); });
    if (objects) return objectListTable(result, width);
    std::vector<std::vector<std::string>> rows;
    for (const auto& item : result) rows.push_back({cellText(item)});
    return renderRows({}, rows, width);
  }
  if (result.is_object()) {
    if (result.empty()) return "(no fields)\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& [key, value] : result.items()) rows.push_back({printable(key, false), cellText(value)});
    return renderRows({}, rows, width);
  }
  if (result.is_string()) return printable(result.get<std::string>(), true) + "\n";
  return compactJson(result) + "\n";
}

}  // namespace spe::cli
