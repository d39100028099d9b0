#include "common/mime/mime_structure.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "common/mime/gmime_support.h"

namespace spe::mime {
namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

// The end of the header block starting at `begin` (after its blank line).
std::size_t headerEnd(std::string_view raw, std::size_t begin, std::size_t end) {
  std::size_t pos = begin;
  while (pos < end) {
    std::size_t nl = raw.find('\n', pos);
    if (nl == std::string_view::npos || nl >= end) return end;  // all header
    const std::size_t len = nl - pos;
    if (len == 0 || (len == 1 && raw[pos] == '\r')) return nl + 1;  // the blank line
    pos = nl + 1;
  }
  return end;
}

std::vector<MimeParam> paramsOf(GMimeParamList* list) {
  std::vector<MimeParam> out;
  if (!list) return out;
  const int n = g_mime_param_list_length(list);
  for (int i = 0; i < n; ++i) {
    GMimeParam* p = g_mime_param_list_get_parameter_at(list, i);
    const char* name = g_mime_param_get_name(p);
    const char* value = g_mime_param_get_value(p);
    out.push_back({name ? name : "", value ? value : ""});
  }
  return out;
}

void addresses(const std::string& value, std::vector<MimeAddress>& out) {
  auto list = parseAddressList(value);
  out.insert(out.end(), std::make_move_iterator(list.begin()), std::make_move_iterator(list.end()));
}

// The walk keeps the delimiters ("--" + boundary) of the multiparts it is
// in, innermost last, as Dovecot's and GMime's parsers do: an entity ends at
// the first line that is the delimiter of any enclosing multipart (the line
// break before that line belongs to the delimiter). A line is matched
// against the innermost boundary first, so a nested multipart that reuses
// its parent's boundary holds the parts up to its own closing delimiter, and
// a nested multipart whose closing delimiter is missing ends where its
// parent's next delimiter is.
class Walker {
 public:
  explicit Walker(std::string_view raw) : raw_(raw) {}

  // Parses the entity at `begin`; returns where the delimiter line that ends
  // it starts (the input's size when none does).
  std::size_t entity(MimeEntity& e, std::size_t begin, bool digest_child, int depth) {
    e.begin = begin;
    if (digest_child) {
      e.type = "message";
      e.subtype = "rfc822";
    }
    std::size_t stop = header(e);
    for (const auto& [name, value] : headerFieldsOf(raw_.substr(begin, e.body_begin - begin))) {
      const std::string n = lower(name);
      if (n == "content-type") contentType(e, value);
      else if (n == "content-transfer-encoding") e.encoding = lower(trim(value));
      else if (n == "content-id") e.id = trim(value);
      else if (n == "content-description") e.description = trim(value);
      else if (n == "content-md5") e.md5 = trim(value);
      else if (n == "content-language") e.language = trim(value);
      else if (n == "content-location") e.location = trim(value);
      else if (n == "content-disposition") contentDisposition(e, value);
    }
    if (stop == std::string_view::npos) {  // the header ended with its blank line: a body follows
      std::size_t floor = e.body_begin;
      if (depth < kMaxMimeDepth && e.multipart() && !boundaryOf(e).empty()) {
        stop = parts(e, depth, floor);
      } else if (depth < kMaxMimeDepth && e.type == "message" && e.subtype == "rfc822") {
        MimeEntity inner;
        stop = message(inner, e.body_begin, depth + 1);
        e.children.push_back(std::move(inner));
      } else {
        stop = nextDelimiter(e.body_begin);
      }
      // An attached message ends where the message in it does.
      e.end = e.children.size() == 1 && e.type == "message" ? e.children[0].end : endBefore(stop, floor);
    }
    // Text lines, counted as Dovecot counts them: line feeds (a
    // last line without one does not count).
    e.lines = static_cast<std::size_t>(std::count(raw_.begin() + static_cast<std::ptrdiff_t>(e.body_begin),
                                                  raw_.begin() + static_cast<std::ptrdiff_t>(e.end), '\n'));
    return stop;
  }

  std::size_t message(MimeEntity& e, std::size_t begin, int depth) {
    const std::size_t stop = entity(e, begin, false, depth);
    e.is_message = true;
    for (const auto& [name, value] : headerFieldsOf(raw_.substr(begin, e.body_begin - begin))) {
      const std::string n = lower(name);
      auto& env = e.envelope;
      auto first = [](std::string& field, const std::string& v) {
        if (field.empty()) field = trim(v);
      };
      if (n == "date") first(env.date, value);
      else if (n == "subject") first(env.subject, value);
      else if (n == "in-reply-to") first(env.in_reply_to, value);
      else if (n == "message-id") first(env.message_id, value);
      else if (n == "from" && env.from.empty()) addresses(value, env.from);
      else if (n == "sender" && env.sender.empty()) addresses(value, env.sender);
      else if (n == "reply-to" && env.reply_to.empty()) addresses(value, env.reply_to);
      else if (n == "to") addresses(value, env.to);
      else if (n == "cc") addresses(value, env.cc);
      else if (n == "bcc") addresses(value, env.bcc);
    }
    return stop;
  }

 private:
  struct Delimiter {
    std::size_t level = 0;  // index in delimiters_
    bool closing = false;   // "--boundary--"
  };

  static std::string boundaryOf(const MimeEntity& e) {
    for (const auto& p : e.params) {
      if (lower(p.name) == "boundary") return p.value;
    }
    return {};
  }

  std::size_t lineEnd(std::size_t pos) const {
    const std::size_t nl = raw_.find('\n', pos);
    return nl == std::string_view::npos ? raw_.size() : nl + 1;
  }

  // The enclosing multipart whose delimiter the line at `pos` is, innermost
  // first: "--boundary" or "--boundary--", then only white space.
  std::optional<Delimiter> delimiterAt(std::size_t pos) const {
    if (raw_.compare(pos, 2, "--") != 0) return std::nullopt;
    const std::string_view line = raw_.substr(pos, lineEnd(pos) - pos);
    for (std::size_t i = delimiters_.size(); i-- > 0;) {
      const std::string& d = delimiters_[i];
      if (line.substr(0, d.size()) != d) continue;
      std::string_view rest = line.substr(d.size());
      const bool closing = rest.substr(0, 2) == "--";
      if (closing) rest.remove_prefix(2);
      if (std::all_of(rest.begin(), rest.end(),
                      [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; })) {
        return Delimiter{i, closing};
      }
    }
    return std::nullopt;
  }

  // The start of the first line at or after `pos` that is an enclosing
  // delimiter; the input's size when there is none.
  std::size_t nextDelimiter(std::size_t pos) const {
    if (delimiters_.empty()) return raw_.size();
    while (pos < raw_.size()) {
      if (delimiterAt(pos)) return pos;
      pos = lineEnd(pos);
    }
    return raw_.size();
  }

  // Where the entity that a delimiter line at `stop` ends stops: before the
  // line break that precedes the delimiter (never before `floor`).
  std::size_t endBefore(std::size_t stop, std::size_t floor) const {
    if (stop >= raw_.size()) return raw_.size();
    std::size_t end = stop;
    if (end > floor && raw_[end - 1] == '\n') --end;
    if (end > floor && raw_[end - 1] == '\r') --end;
    return end;
  }

  // Reads the header block of `e` (from e.begin). After a blank line it sets
  // body_begin and returns npos; a header that an enclosing delimiter or the
  // end of the input cuts short is all header: body_begin = end, and the
  // return value is where that delimiter starts.
  std::size_t header(MimeEntity& e) {
    std::size_t pos = e.begin;
    while (pos < raw_.size()) {
      if (!delimiters_.empty() && delimiterAt(pos)) {
        e.body_begin = e.end = endBefore(pos, e.begin);
        return pos;
      }
      const std::size_t next = lineEnd(pos);
      const std::size_t len = next - pos;
      if (raw_[next - 1] == '\n' && (len == 1 || (len == 2 && raw_[pos] == '\r'))) {
        e.body_begin = next;
        return std::string_view::npos;
      }
      pos = next;
    }
    e.body_begin = e.end = raw_.size();
    return raw_.size();
  }

  void contentType(MimeEntity& e, const std::string& value) {
    GMimeContentType* ct = g_mime_content_type_parse(nullptr, value.c_str());
    if (!ct) return;
    const char* type = g_mime_content_type_get_media_type(ct);
    const char* subtype = g_mime_content_type_get_media_subtype(ct);
    if (type && subtype && *type && *subtype) {
      e.type = lower(type);
      e.subtype = lower(subtype);
      e.params = paramsOf(g_mime_content_type_get_parameters(ct));
    }
    g_object_unref(ct);
  }

  void contentDisposition(MimeEntity& e, const std::string& value) {
    GMimeContentDisposition* cd = g_mime_content_disposition_parse(nullptr, value.c_str());
    if (!cd) return;
    const char* d = g_mime_content_disposition_get_disposition(cd);
    e.disposition = d ? lower(d) : "";
    e.disposition_params = paramsOf(g_mime_content_disposition_get_parameters(cd));
    g_object_unref(cd);
  }

  // The parts of a multipart: each starts after a delimiter line of its
  // boundary; after the closing delimiter comes the epilogue, up to an
  // enclosing delimiter. Returns where the line that ends it starts; `floor`
  // becomes the epilogue's start (the closing delimiter's line break stays
  // in the multipart, as in Dovecot).
  std::size_t parts(MimeEntity& e, int depth, std::size_t& floor) {
    delimiters_.push_back("--" + boundaryOf(e));
    const std::size_t own = delimiters_.size() - 1;
    const bool digest = e.subtype == "digest";
    std::size_t stop = nextDelimiter(e.body_begin);  // after the preamble
    while (stop < raw_.size()) {
      const auto d = delimiterAt(stop);
      if (!d || d->level != own) break;  // an enclosing multipart's delimiter ends this one too
      const std::size_t after = lineEnd(stop);
      if (d->closing) {
        delimiters_.pop_back();
        floor = after;
        return nextDelimiter(after);  // the epilogue
      }
      MimeEntity child;
      stop = entity(child, after, digest, depth + 1);
      floor = std::max(floor, child.end);  // ended by an enclosing delimiter: the parts stay inside
      if (e.children.size() < kMaxMimeParts) e.children.push_back(std::move(child));
    }
    delimiters_.pop_back();
    return stop;
  }

  std::string_view raw_;
  std::vector<std::string> delimiters_;
};

}  // namespace

std::vector<std::pair<std::string, std::string>> headerFieldsOf(std::string_view header) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t pos = 0;
  while (pos < header.size()) {
    std::size_t nl = header.find('\n', pos);
    const std::size_t end = nl == std::string_view::npos ? header.size() : nl + 1;
    std::string_view line = header.substr(pos, end - pos);
    pos = end;
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    if (line.empty()) break;
    if ((line[0] == ' ' || line[0] == '\t') && !out.empty()) {
      out.back().second += std::string(line);
      continue;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string name(line.substr(0, colon));
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.pop_back();
    out.emplace_back(std::move(name), std::string(line.substr(colon + 1)));
    const auto first = out.back().second.find_first_not_of(" \t");
    out.back().second.erase(0, first == std::string::npos ? out.back().second.size() : first);
  }
  return out;
}

std::size_t headerBlockEnd(std::string_view raw) { return headerEnd(raw, 0, raw.size()); }

MimeEntity parseMimeStructure(std::string_view raw) {
  initGMime();
  MimeEntity top;
  Walker(raw).message(top, 0, 0);
  return top;
}

const MimeEntity* findMimePart(const MimeEntity& message, const std::vector<int>& path) {
  const MimeEntity* cur = &message;
  for (int n : path) {
    // Inside a message (top level or message/rfc822), parts are those of its body.
    if (cur->rfc822()) cur = &cur->children[0];
    if (cur->multipart()) {
      if (n < 1 || static_cast<std::size_t>(n) > cur->children.size()) return nullptr;
      cur = &cur->children[static_cast<std::size_t>(n) - 1];
    } else if (cur->is_message) {
      if (n != 1) return nullptr;  // a single-part message: part 1 is its body
    } else {
      return nullptr;
    }
  }
  return cur;
}

}  // namespace spe::mime
