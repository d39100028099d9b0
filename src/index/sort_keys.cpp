#include "index/sort_keys.h"

#include <algorithm>
#include <cctype>
#include <string_view>

namespace spe::index {
namespace {

// Lower case, leading characters that are neither letters nor digits
// dropped, quotes dropped, white space collapsed, cut to kMaxSortKeyBytes
// at a character boundary.
std::string key(std::string_view text) {
  std::string out;
  bool space = false;
  for (Xapian::Utf8Iterator it(text.data(), text.size()); it != Xapian::Utf8Iterator(); ++it) {
    const unsigned c = *it;
    if (c == '"') continue;
    if (out.empty() && !Xapian::Unicode::is_wordchar(c)) continue;
    if (Xapian::Unicode::is_whitespace(c)) {
      space = true;
      continue;
    }
    std::string piece;
    if (space) piece += ' ';
    space = false;
    Xapian::Unicode::append_utf8(piece, Xapian::Unicode::tolower(c));
    if (out.size() + piece.size() > kMaxSortKeyBytes) break;
    out += piece;
  }
  return out;
}

// Reply and forward prefixes mail clients put before a subject (lower case).
constexpr std::string_view kPrefixes[] = {"re", "fwd", "fw", "aw", "wg", "sv", "vs", "antw", "tr", "rv", "enc"};

}  // namespace

std::string addressSortKey(const std::string& list) {
  // The first address: up to a comma outside quotes and angle brackets.
  std::size_t end = 0;
  for (bool quoted = false, angle = false; end < list.size(); ++end) {
    const char c = list[end];
    if (c == '"') quoted = !quoted;
    else if (!quoted && c == '<') angle = true;
    else if (!quoted && c == '>') angle = false;
    else if (!quoted && !angle && c == ',') break;
  }
  const std::string_view first(list.data(), end);
  const auto lt = first.find('<');
  std::string name = key(first.substr(0, lt == std::string_view::npos ? first.size() : lt));
  if (!name.empty() || lt == std::string_view::npos) return name;
  const auto gt = first.find('>', lt);
  return key(first.substr(lt + 1, (gt == std::string_view::npos ? first.size() : gt) - lt - 1));
}

std::string subjectSortKey(const std::string& subject) {
  std::string_view s(subject);
  for (bool again = true; again;) {
    again = false;
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    for (const auto p : kPrefixes) {
      if (s.size() > p.size() && s[p.size()] == ':' && std::equal(p.begin(), p.end(), s.begin(), [](char a, char b) {
            return a == std::tolower(static_cast<unsigned char>(b));
          })) {
        s.remove_prefix(p.size() + 1);
        again = true;
        break;
      }
    }
  }
  return key(s);
}

void addSortValues(Xapian::Document& doc, const std::string& from, const std::string& to, const std::string& subject) {
  doc.add_value(kSenderValue, addressSortKey(from));
  doc.add_value(kRecipientValue, addressSortKey(to));
  doc.add_value(kSubjectValue, subjectSortKey(subject));
}

}  // namespace spe::index
