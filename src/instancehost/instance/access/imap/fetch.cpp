#include "instancehost/instance/access/imap/fetch.h"

#include <algorithm>
#include <ctime>

#include "common/imap/response.h"
#include "common/mime/mime_structure.h"

namespace spe::instance {
namespace {

Error bad(const std::string& why) { return makeError(ErrorCode::kInvalidArgument, why); }

// The header block (with its blank line) and the body of a message.
std::pair<std::string_view, std::string_view> splitMessage(std::string_view raw) {
  const std::size_t end = mime::headerBlockEnd(raw);
  return {raw.substr(0, end), raw.substr(end)};
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
  // Leading part numbers: 1.2.3[.MIME|.HEADER|.TEXT|.HEADER.FIELDS...]
  while (!item.section.empty() && std::isdigit(static_cast<unsigned char>(item.section[0]))) {
    const auto dot = item.section.find('.');
    const std::string number = item.section.substr(0, dot);
    const ImapValue v{ImapValue::Kind::kAtom, number, {}};
    if (!v.number() || *v.number() < 1 || *v.number() > 100000 || item.part.size() >= 64) {
      return bad("FETCH: the section '" + inside + "' is invalid.");
    }
    item.part.push_back(static_cast<int>(*v.number()));
    item.section = dot == std::string::npos ? std::string() : item.section.substr(dot + 1);
    if (dot != std::string::npos && item.section.empty()) return bad("FETCH: the section '" + inside + "' is invalid.");
  }
  if (item.section == "MIME" && item.part.empty()) return bad("FETCH: MIME needs a part number.");
  if (item.section == "HEADER.FIELDS" || item.section == "HEADER.FIELDS.NOT") {
    if (paren == std::string::npos || inside.back() != ')') {
      return bad("FETCH: " + item.section + " needs a list of header names.");
    }
    ImapValue list;
    const std::vector<std::string> segments{inside.substr(paren)};
    const std::vector<std::string> literals;
    ImapTokenizer t(segments, literals);
    if (!t.value(list) || !list.isList() || list.items.empty())
      return bad("FETCH: the list of header names is invalid.");
    for (const auto& f : list.items) {
      if (f.kind != ImapValue::Kind::kAtom && f.kind != ImapValue::Kind::kString) {
        return bad("FETCH: the list of header names is invalid.");
      }
      item.fields.push_back(imapUpper(f.text));
    }
  } else if (paren != std::string::npos) {
    return bad("FETCH: the section '" + inside + "' is invalid.");
  } else if (item.section != "" && item.section != "HEADER" && item.section != "TEXT" && item.section != "MIME") {
    return bad("FETCH: the section '" + inside + "' is invalid.");
  }
  std::string numbers;
  for (int n : item.part) numbers += std::to_string(n) + ".";
  if (item.section.empty() && !numbers.empty()) numbers.pop_back();
  item.label = "BODY[" + numbers + item.section;
  if (!item.fields.empty()) {
    item.label += " (";
    for (std::size_t i = 0; i < item.fields.size(); ++i) item.label += (i ? " " : "") + item.fields[i];
    item.label += ")";
  }
  item.label += "]";
  const std::string tail = atom.substr(close + 1);
  if (!tail.empty()) {
    // <offset.length>
    if (tail.size() < 5 || tail.front() != '<' || tail.back() != '>')
      return bad("FETCH: the partial '" + tail + "' is invalid.");
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
  else if (name == "ENVELOPE") simple(FetchItem::Kind::kEnvelope);
  else if (name == "BODY") simple(FetchItem::Kind::kBody);
  else if (name == "BODYSTRUCTURE") simple(FetchItem::Kind::kBodyStructure);
  else if (name.find('[') != std::string::npos) {
    auto item = sectionItem(v.text);
    if (!item) return item.error();
    out.push_back(std::move(*item));
  } else {
    return bad("FETCH: unknown data item '" + v.text + "'.");
  }
  return okStatus();
}

// A header value as an IMAP string for ENVELOPE and BODYSTRUCTURE: CR, LF
// and TAB (stray ones, or white space left by folding) become spaces and
// NUL becomes U+FFFD, as Dovecot writes them, so no string breaks a client
// that reads line by line; 8-bit text goes as a literal (imapString).
std::string headerText(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\r' || c == '\n' || c == '\t') out += ' ';
    else if (c == '\0') out += "\xEF\xBF\xBD";
    else out += c;
  }
  return out;
}

std::string nstring(const std::string& s) { return s.empty() ? "NIL" : imapString(headerText(s)); }

std::string upperString(const std::string& s) { return imapString(imapUpper(headerText(s))); }

std::string paramList(const std::vector<mime::MimeParam>& params, const std::string& default_charset = {}) {
  std::string out;
  bool charset = false;
  for (const auto& p : params) {
    if (imapUpper(p.name) == "CHARSET") charset = true;
    out += (out.empty() ? "" : " ") + upperString(p.name) + " " + imapString(headerText(p.value));
  }
  if (!charset && !default_charset.empty())
    out += (out.empty() ? "" : " ") + std::string("\"CHARSET\" \"") + default_charset + "\"";  // last, as in Dovecot
  return out.empty() ? "NIL" : "(" + out + ")";
}

std::string addressList(const std::vector<mime::MimeAddress>& list) {
  if (list.empty()) return "NIL";
  std::string out = "(";
  for (const auto& a : list) {
    switch (a.kind) {
      case mime::MimeAddress::Kind::kMailbox: {
        // A NIL host would make the address a group's start, and NIL both a
        // group's end: what is missing is named instead, as Dovecot does.
        out += "(" + nstring(a.name) + " " + nstring(a.route) + " " +
               nstring(a.mailbox.empty() ? "MISSING_MAILBOX" : a.mailbox) + " " +
               nstring(a.host.empty() ? "MISSING_DOMAIN" : a.host) + ")";
        break;
      }
      case mime::MimeAddress::Kind::kGroupStart: out += "(NIL NIL " + nstring(a.mailbox) + " NIL)"; break;
      case mime::MimeAddress::Kind::kGroupEnd: out += "(NIL NIL NIL NIL)"; break;
    }
  }
  return out + ")";
}

std::string envelope(const mime::MimeEntity& m) {
  const auto& e = m.envelope;
  const auto& sender = e.sender.empty() ? e.from : e.sender;
  const auto& reply_to = e.reply_to.empty() ? e.from : e.reply_to;
  return "(" + nstring(e.date) + " " + nstring(e.subject) + " " + addressList(e.from) + " " + addressList(sender) +
         " " + addressList(reply_to) + " " + addressList(e.to) + " " + addressList(e.cc) + " " + addressList(e.bcc) +
         " " + nstring(e.in_reply_to) + " " + nstring(e.message_id) + ")";
}

std::string disposition(const mime::MimeEntity& e) {
  if (e.disposition.empty()) return "NIL";
  return "(" + upperString(e.disposition) + " " + paramList(e.disposition_params) + ")";
}

std::string bodyStructure(const mime::MimeEntity& e, bool extended) {
  if (e.multipart()) {
    std::string out = "(";
    if (e.children.empty()) {  // a multipart needs a part: an empty text one, as Dovecot shows it
      out += std::string("(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 0 0") +
             (extended ? " NIL NIL NIL NIL)" : ")");
    }
    for (const auto& c : e.children) out += bodyStructure(c, extended);
    out += " " + upperString(e.subtype);
    if (extended) {
      std::vector<mime::MimeParam> params;
      for (const auto& p : e.params) params.push_back(p);
      out += " " + paramList(params) + " " + disposition(e) + " " + nstring(e.language) + " " + nstring(e.location);
    }
    return out + ")";
  }
  const bool text = e.type == "text";
  std::string out = "(" + upperString(e.type) + " " + upperString(e.subtype) + " " +
                    paramList(e.params, text ? "us-ascii" : "") + " " + nstring(e.id) + " " + nstring(e.description) +
                    " " + upperString(e.encoding.empty() ? "7bit" : e.encoding) + " " +
                    std::to_string(e.end - e.body_begin);
  if (text) out += " " + std::to_string(e.lines);
  if (e.rfc822()) {
    out += " " + envelope(e.children[0]) + " " + bodyStructure(e.children[0], extended) + " " + std::to_string(e.lines);
  }
  if (extended) {
    out += " " + nstring(e.md5) + " " + disposition(e) + " " + nstring(e.language) + " " + nstring(e.location);
  }
  return out + ")";
}

// The bytes of a section of `raw` (see the header); empty when it does not exist.
std::string sectionBytes(std::string_view raw, const mime::MimeEntity* top, const FetchItem& item) {
  std::string_view header, body;
  if (item.part.empty()) {
    std::tie(header, body) = splitMessage(raw);
  } else {
    const mime::MimeEntity* part = top ? mime::findMimePart(*top, item.part) : nullptr;
    if (!part) return {};
    if (item.section.empty()) return std::string(raw.substr(part->body_begin, part->end - part->body_begin));
    if (item.section == "MIME") return std::string(raw.substr(part->begin, part->body_begin - part->begin));
    const mime::MimeEntity* msg = part->rfc822() ? &part->children[0] : (part->is_message ? part : nullptr);
    if (!msg) return {};
    header = raw.substr(msg->begin, msg->body_begin - msg->begin);
    body = raw.substr(msg->body_begin, msg->end - msg->body_begin);
  }
  if (item.section.empty()) return std::string(raw);
  if (item.section == "HEADER") return std::string(header);
  if (item.section == "TEXT") return std::string(body);
  if (item.section == "HEADER.FIELDS") return headerFields(header, item.fields, false);
  if (item.section == "HEADER.FIELDS.NOT") return headerFields(header, item.fields, true);
  return {};
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
  const bool has_uid = std::any_of(out.begin(), out.end(),
                                   [](const FetchItem& i) { return i.kind == FetchItem::Kind::kUid; });
  if (uid && !has_uid) {
    FetchItem u;
    u.kind = FetchItem::Kind::kUid;
    out.insert(out.begin(), u);
  }
  return out;
}

bool needsContent(const std::vector<FetchItem>& items) {
  return std::any_of(items.begin(), items.end(), [](const FetchItem& i) {
    return i.kind != FetchItem::Kind::kFlags && i.kind != FetchItem::Kind::kUid && i.kind != FetchItem::Kind::kSize &&
           i.kind != FetchItem::Kind::kInternalDate;
  });
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
  std::optional<mime::MimeEntity> structure;  // parsed once, when an item needs it
  bool first = true;
  for (const auto& item : items) {
    if (!first) out += ' ';
    first = false;
    switch (item.kind) {
      case FetchItem::Kind::kFlags: out += "FLAGS (\\Seen)"; break;
      case FetchItem::Kind::kUid: out += "UID " + std::to_string(message.uid); break;
      case FetchItem::Kind::kSize: out += "RFC822.SIZE " + std::to_string(message.size); break;
      case FetchItem::Kind::kInternalDate: out += "INTERNALDATE \"" + imapDateTime(message.archived_at) + "\""; break;
      case FetchItem::Kind::kSection: {
        const std::string_view whole = raw ? std::string_view(*raw) : std::string_view();
        if (!item.part.empty() && !structure) structure = mime::parseMimeStructure(whole);
        std::string data = sectionBytes(whole, structure ? &*structure : nullptr, item);
        // RFC 3501 allows no NUL in a literal: each becomes 0x80, as in
        // Dovecot, which keeps every size (RFC822.SIZE, partials) as archived.
        std::replace(data.begin(), data.end(), '\0', '\x80');
        std::string_view view = data;
        if (item.partial) {
          const auto [offset, length] = *item.partial;
          view = offset >= view.size() ? std::string_view() : view.substr(offset, length);
        }
        out += item.label + " " + imapLiteral(view);
        break;
      }
      case FetchItem::Kind::kEnvelope:
      case FetchItem::Kind::kBody:
      case FetchItem::Kind::kBodyStructure: {
        if (!structure) structure = mime::parseMimeStructure(raw ? std::string_view(*raw) : std::string_view());
        if (item.kind == FetchItem::Kind::kEnvelope) out += "ENVELOPE " + envelope(*structure);
        else if (item.kind == FetchItem::Kind::kBody) out += "BODY " + bodyStructure(*structure, false);
        else out += "BODYSTRUCTURE " + bodyStructure(*structure, true);
        break;
      }
    }
  }
  return out + ")\r\n";
}

}  // namespace spe::instance
