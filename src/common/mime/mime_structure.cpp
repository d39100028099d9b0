#include "common/mime/mime_structure.h"

#include <algorithm>
#include <cctype>

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

void addresses(const std::string& value, std::vector<MimeAddress>& out);

void addAddressList(InternetAddressList* list, std::vector<MimeAddress>& out) {
  const int n = internet_address_list_length(list);
  for (int i = 0; i < n; ++i) {
    InternetAddress* ia = internet_address_list_get_address(list, i);
    const char* name = internet_address_get_name(ia);
    if (INTERNET_ADDRESS_IS_GROUP(ia)) {
      out.push_back({"", name ? name : "", "", MimeAddress::Kind::kGroupStart});
      addAddressList(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia)), out);
      out.push_back({"", "", "", MimeAddress::Kind::kGroupEnd});
      continue;
    }
    const char* addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
    const std::string a = addr ? addr : "";
    const auto at = a.rfind('@');
    out.push_back({name ? name : "", at == std::string::npos ? a : a.substr(0, at),
                   at == std::string::npos ? std::string() : a.substr(at + 1), MimeAddress::Kind::kMailbox});
  }
}

void addresses(const std::string& value, std::vector<MimeAddress>& out) {
  if (value.empty()) return;
  InternetAddressList* list = internet_address_list_parse(nullptr, value.c_str());
  if (!list) return;
  addAddressList(list, out);
  g_object_unref(list);
}

class Walker {
 public:
  explicit Walker(std::string_view raw) : raw_(raw) {}

  void entity(MimeEntity& e, std::size_t begin, std::size_t end, bool digest_child, int depth) {
    e.begin = begin;
    e.body_begin = headerEnd(raw_, begin, end);
    e.end = end;
    if (digest_child) {
      e.type = "message";
      e.subtype = "rfc822";
    }
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
    // Lines of text: every line break, and a last line without one.
    e.lines = static_cast<std::size_t>(std::count(raw_.begin() + static_cast<std::ptrdiff_t>(e.body_begin),
                                                  raw_.begin() + static_cast<std::ptrdiff_t>(e.end), '\n'));
    if (e.end > e.body_begin && raw_[e.end - 1] != '\n') ++e.lines;
    if (depth >= kMaxMimeDepth) return;
    if (e.multipart()) {
      parts(e, depth);
    } else if (e.type == "message" && e.subtype == "rfc822") {
      MimeEntity inner;
      message(inner, e.body_begin, e.end, depth + 1);
      e.children.push_back(std::move(inner));
    }
  }

  void message(MimeEntity& e, std::size_t begin, std::size_t end, int depth) {
    entity(e, begin, end, false, depth);
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
  }

 private:
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

  // The parts between boundary lines: each starts after a delimiter line
  // and ends before the line break that precedes the next one.
  void parts(MimeEntity& e, int depth) {
    std::string boundary;
    for (const auto& p : e.params) {
      if (lower(p.name) == "boundary") boundary = p.value;
    }
    if (boundary.empty()) return;
    const std::string delimiter = "--" + boundary;
    const bool digest = e.subtype == "digest";
    std::size_t pos = e.body_begin;
    std::size_t part_begin = std::string_view::npos;
    while (pos < e.end) {
      std::size_t nl = raw_.find('\n', pos);
      const std::size_t line_end = nl == std::string_view::npos || nl >= e.end ? e.end : nl + 1;
      const std::string_view line = raw_.substr(pos, line_end - pos);
      if (line.substr(0, delimiter.size()) == delimiter) {
        std::string_view rest = line.substr(delimiter.size());
        const bool closing = rest.substr(0, 2) == "--";
        if (closing) rest.remove_prefix(2);
        const bool only_space = std::all_of(rest.begin(), rest.end(),
                                            [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
        if (only_space) {
          if (part_begin != std::string_view::npos) {
            std::size_t part_end = pos;
            if (part_end > part_begin && raw_[part_end - 1] == '\n') --part_end;
            if (part_end > part_begin && raw_[part_end - 1] == '\r') --part_end;
            addPart(e, part_begin, part_end, digest, depth);
          }
          if (closing) return;
          part_begin = line_end;
        }
      }
      pos = line_end;
    }
    if (part_begin != std::string_view::npos && part_begin < e.end) addPart(e, part_begin, e.end, digest, depth);
  }

  void addPart(MimeEntity& e, std::size_t begin, std::size_t end, bool digest, int depth) {
    if (e.children.size() >= 10000) return;
    MimeEntity child;
    entity(child, begin, std::max(begin, end), digest, depth + 1);
    e.children.push_back(std::move(child));
  }

  std::string_view raw_;
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
  Walker(raw).message(top, 0, raw.size(), 0);
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
