#include "instancehost/instance/imap_fetch.h"

#include <algorithm>
#include <ctime>

#include "common/imap_response.h"

namespace spe::instance {
namespace {

Error bad(const std::string& why) { return makeError(ErrorCode::kInvalidArgument, why); }

// The header block (with its blank line) and the body of a message.
std::pair<std::string_view, std::string_view> splitMessage(std::string_view raw) {
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\n') continue;
    if (i == 0) return {raw.substr(0, 1), raw.substr(1)};  // no headers at all
    if (i + 1 < raw.size() && raw[i + 1] == '\n') return {raw.substr(0, i + 2), raw.substr(i + 2)};
    if (i + 2 < raw.size() && raw[i + 1] == '\r' && raw[i + 2] == '\n') return {raw.substr(0, i + 3), raw.substr(i + 3)};
  }
  return {raw, std::string_view()};
}

// The header fields of `header` whose names are (or with `exclude`, are
// not) in `names`, followed by the blank line.
std::string headerFields(std::string_view header, const std::vector<std::string>& names, bool exclude) {
  std::string out;
  std::size_t pos = 0;
  bool keep = false;
  while (pos < header.size()) {
    std::size_t end = header.find('\n', pos);
    end = end == std::string_view::npos ? header.size() : end + 1;
    const std::string_view line = header.substr(pos, end - pos);
    pos = end;
    if (line == "\r\n" || line == "\n") break;  // the blank line
    if (line[0] != ' ' && line[0] != '\t') {
      const auto colon = line.find(':');
      std::string name = imapUpper(std::string(line.substr(0, colon == std::string_view::npos ? 0 : colon)));
      while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.pop_back();
      const bool listed = std::find(names.begin(), names.end(), name) != names.end();
      keep = colon != std::string_view::npos && listed != exclude;
    }
    if (keep) out.append(line);
  }
  return out + "\r\n";
}

Result<FetchItem> sectionItem(const std::string& atom) {
  FetchItem item;
  item.kind = FetchItem::Kind::kSection;
  const auto open = atom.find('[');
  const auto close = atom.rfind(']');
  if (close == std::string::npos || close < open) return bad("FETCH: '" + atom + "' has no closing ']'.");
  const std::string head = imapUpper(atom.substr(0, open));
  const bool peek = head == "BODY.PEEK";
  if (head != "BODY" && !peek) return bad("FETCH: unknown data item '" + atom + "'.");
  const std::string inside = atom.substr(open + 1, close - open - 1);
  std::string spec = inside;
  const auto paren = inside.find('(');
  if (paren != std::string::npos) spec = inside.substr(0, paren);
  while (!spec.empty() && spec.back() == ' ') spec.pop_back();
  item.section = imapUpper(spec);
  if (item.section == "HEADER.FIELDS" || item.section == "HEADER.FIELDS.NOT") {
    if (paren == std::string::npos || inside.back() != ')') {
      return bad("FETCH: " + item.section + " needs a list of header names.");
    }
    ImapValue list;
    const std::vector<std::string> segments{inside.substr(paren)};
    const std::vector<std::string> literals;
    ImapTokenizer t(segments, literals);
    if (!t.value(list) || !list.isList() || list.items.empty()) return bad("FETCH: the list of header names is invalid.");
    for (const auto& f : list.items) {
      if (f.kind != ImapValue::Kind::kAtom && f.kind != ImapValue::Kind::kString) {
        return bad("FETCH: the list of header names is invalid.");
      }
      item.fields.push_back(imapUpper(f.text));
    }
  } else if (paren != std::string::npos) {
    return bad("FETCH: the section '" + inside + "' is invalid.");
  } else if (item.section != "" && item.section != "HEADER" && item.section != "TEXT") {
    if (!item.section.empty() && std::isdigit(static_cast<unsigned char>(item.section[0]))) {
      return makeError(ErrorCode::kNotSupported,
                       "FETCH of MIME parts (BODY[" + item.section + "]) is not supported yet; fetch BODY[] instead.");
    }
    return bad("FETCH: the section '" + inside + "' is invalid.");
  }
  item.label = "BODY[" + item.section;
  if (!item.fields.empty()) {
    item.label += " (";
    for (std::size_t i = 0; i < item.fields.size(); ++i) item.label += (i ? " " : "") + item.fields[i];
    item.label += ")";
  }
  item.label += "]";
  const std::string tail = atom.substr(close + 1);
  if (!tail.empty()) {
    // <offset.length>
    if (tail.size() < 5 || tail.front() != '<' || tail.back() != '>') return bad("FETCH: the partial '" + tail + "' is invalid.");
    const std::string inner = tail.substr(1, tail.size() - 2);
    const auto dot = inner.find('.');
    const ImapValue off{ImapValue::Kind::kAtom, inner.substr(0, dot), {}};
    const ImapValue len{ImapValue::Kind::kAtom, dot == std::string::npos ? "" : inner.substr(dot + 1), {}};
    if (dot == std::string::npos || !off.number() || !len.number() || *len.number() == 0) {
      return bad("FETCH: the partial '" + tail + "' is invalid.");
    }
    item.partial = std::make_pair(static_cast<std::uint64_t>(*off.number()), static_cast<std::uint64_t>(*len.number()));
    item.label += "<" + std::to_string(item.partial->first) + ">";
  }
  return item;
}

Status addItem(const ImapValue& v, std::vector<FetchItem>& out) {
  if (v.kind != ImapValue::Kind::kAtom) return bad("FETCH: data items must be atoms.");
  const std::string name = imapUpper(v.text);
  auto simple = [&out](FetchItem::Kind k, std::string section = {}, std::string label = {}) {
    FetchItem item;
    item.kind = k;
    item.section = std::move(section);
    item.label = std::move(label);
    out.push_back(std::move(item));
  };
  if (name == "FLAGS") simple(FetchItem::Kind::kFlags);
  else if (name == "UID") simple(FetchItem::Kind::kUid);
  else if (name == "RFC822.SIZE") simple(FetchItem::Kind::kSize);
  else if (name == "INTERNALDATE") simple(FetchItem::Kind::kInternalDate);
  else if (name == "RFC822") simple(FetchItem::Kind::kSection, "", "RFC822");
  else if (name == "RFC822.HEADER") simple(FetchItem::Kind::kSection, "HEADER", "RFC822.HEADER");
  else if (name == "RFC822.TEXT") simple(FetchItem::Kind::kSection, "TEXT", "RFC822.TEXT");
  else if (name == "ENVELOPE" || name == "BODYSTRUCTURE" || name == "BODY") {
    return makeError(ErrorCode::kNotSupported, "FETCH " + name + " is not supported yet; fetch BODY[] instead.");
  } else if (name.find('[') != std::string::npos) {
    auto item = sectionItem(v.text);
    if (!item) return item.error();
    out.push_back(std::move(*item));
  } else {
    return bad("FETCH: unknown data item '" + v.text + "'.");
  }
  return okStatus();
}

}  // namespace

Result<std::vector<FetchItem>> parseFetchItems(const ImapValue& value, bool uid) {
  std::vector<FetchItem> out;
  if (value.kind == ImapValue::Kind::kAtom) {
    const std::string name = imapUpper(value.text);
    std::vector<std::string> macro;
    if (name == "ALL") macro = {"FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE"};
    else if (name == "FAST") macro = {"FLAGS", "INTERNALDATE", "RFC822.SIZE"};
    else if (name == "FULL") macro = {"FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODY"};
    if (!macro.empty()) {
      for (const auto& m : macro) SPE_TRY(addItem(ImapValue{ImapValue::Kind::kAtom, m, {}}, out));
    } else {
      SPE_TRY(addItem(value, out));
    }
  } else if (value.isList()) {
    if (value.items.empty()) return bad("FETCH: the list of data items is empty.");
    for (const auto& v : value.items) SPE_TRY(addItem(v, out));
  } else {
    return bad("FETCH: data items must be an atom or a list.");
  }
  const bool has_uid = std::any_of(out.begin(), out.end(), [](const FetchItem& i) { return i.kind == FetchItem::Kind::kUid; });
  if (uid && !has_uid) {
    FetchItem u;
    u.kind = FetchItem::Kind::kUid;
    out.insert(out.begin(), u);
  }
  return out;
}

bool needsContent(const std::vector<FetchItem>& items) {
  return std::any_of(items.begin(), items.end(), [](const FetchItem& i) { return i.kind == FetchItem::Kind::kSection; });
}

std::string imapDateTime(std::int64_t epoch_seconds) {
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t t = static_cast<std::time_t>(epoch_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%02d-%s-%04d %02d:%02d:%02d +0000", tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::string imapLiteral(std::string_view bytes) {
  std::string out = "{" + std::to_string(bytes.size()) + "}\r\n";
  out.append(bytes);
  return out;
}

std::string imapString(std::string_view text) {
  if (auto q = imapQuoted(text)) return *q;
  return imapLiteral(text);
}

std::string renderFetch(std::uint32_t seq, const ImapMessageRef& message, const std::string* raw,
                        const std::vector<FetchItem>& items) {
  std::string out = "* " + std::to_string(seq) + " FETCH (";
  bool first = true;
  for (const auto& item : items) {
    if (!first) out += ' ';
    first = false;
    switch (item.kind) {
      case FetchItem::Kind::kFlags:
        out += "FLAGS (\\Seen)";
        break;
      case FetchItem::Kind::kUid:
        out += "UID " + std::to_string(message.uid);
        break;
      case FetchItem::Kind::kSize:
        out += "RFC822.SIZE " + std::to_string(message.info.size);
        break;
      case FetchItem::Kind::kInternalDate:
        out += "INTERNALDATE \"" + imapDateTime(message.info.archived_at) + "\"";
        break;
      case FetchItem::Kind::kSection: {
        const std::string_view whole = raw ? std::string_view(*raw) : std::string_view();
        const auto [header, body] = splitMessage(whole);
        std::string owned;
        std::string_view data = whole;
        if (item.section == "HEADER") data = header;
        else if (item.section == "TEXT") data = body;
        else if (item.section == "HEADER.FIELDS") data = owned = headerFields(header, item.fields, false);
        else if (item.section == "HEADER.FIELDS.NOT") data = owned = headerFields(header, item.fields, true);
        if (item.partial) {
          const auto [offset, length] = *item.partial;
          data = offset >= data.size() ? std::string_view() : data.substr(offset, length);
        }
        out += item.label + " " + imapLiteral(data);
        break;
      }
    }
  }
  return out + ")\r\n";
}

}  // namespace spe::instance
