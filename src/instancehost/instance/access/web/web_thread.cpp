#include "instancehost/instance/access/web/web_thread.h"

#include <xapian.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <set>

#include "common/base/text.h"
#include "common/base/utf8.h"
#include "common/mime/mime_structure.h"

namespace spe::instance {
namespace {

// Reply and forward prefixes of mail clients in the languages our users
// write (lower case): English, German, Scandinavian, French, Spanish,
// Portuguese, Italian, Dutch, Polish, Chinese.
const std::set<std::string>& replyPrefixes() {
  static const std::set<std::string> s{"re",
                                       "fwd",
                                       "fw",
                                       "aw",
                                       "wg",
                                       "sv",
                                       "vs",
                                       "antw",
                                       "tr",
                                       "rv",
                                       "enc",
                                       "rif",
                                       "odp",
                                       "pd",
                                       "doorst",
                                       "wtr",
                                       "\xE5\x9B\x9E\xE5\xA4\x8D" /* 回复 */,
                                       "\xE8\xBD\xAC\xE5\x8F\x91" /* 转发 */,
                                       "\xE7\xAD\x94\xE5\xA4\x8D" /* 答复 */};
  return s;
}

std::string lowerUtf8(std::string_view s) {
  std::string out;
  for (Xapian::Utf8Iterator it(s.data(), s.size()); it != Xapian::Utf8Iterator(); ++it) {
    appendUtf8(out, static_cast<std::uint32_t>(Xapian::Unicode::tolower(*it)));
  }
  return out;
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// The length of a reply prefix at the start of `s` ("re:", "RE[2]:",
// "Re(3):", "回复："), or 0.
std::size_t replyPrefixLength(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && s[i] != ':' && s[i] != '[' && s[i] != '(' && !std::isspace(static_cast<unsigned char>(s[i])) &&
         s.compare(i, 3, "\xEF\xBC\x9A") != 0) {
    ++i;
  }
  if (i == 0 || replyPrefixes().count(lowerUtf8(s.substr(0, i))) == 0) return 0;
  if (i < s.size() && (s[i] == '[' || s[i] == '(')) {  // a count: RE[2]:
    const char close = s[i] == '[' ? ']' : ')';
    std::size_t j = i + 1;
    while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
    if (j == i + 1 || j >= s.size() || s[j] != close) return 0;
    i = j + 1;
  }
  if (i < s.size() && s[i] == ':') return i + 1;
  if (s.compare(i, 3, "\xEF\xBC\x9A") == 0) return i + 3;  // full-width colon
  return 0;
}

// The message ids ("<...>") in a header value, in order.
std::vector<std::string> messageIds(std::string_view value) {
  std::vector<std::string> out;
  for (std::size_t pos = 0;;) {
    const auto open = value.find('<', pos);
    if (open == std::string_view::npos) break;
    const auto close = value.find('>', open + 1);
    if (close == std::string_view::npos) break;
    std::string id(value.substr(open, close - open + 1));
    id.erase(std::remove_if(id.begin(), id.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); }),
             id.end());
    if (id.size() > 2) out.push_back(std::move(id));
    pos = close + 1;
  }
  return out;
}

struct Components {
  std::vector<std::size_t> parent;
  explicit Components(std::size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
  std::size_t find(std::size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  void join(std::size_t a, std::size_t b) { parent[find(a)] = find(b); }
};

}  // namespace

std::string conversationSubject(std::string_view subject) {
  std::string_view s = trimmed(subject);
  for (bool changed = true; changed;) {
    changed = false;
    if (!s.empty() && s.front() == '[') {  // a list tag: [team]
      const auto close = s.find(']');
      if (close != std::string_view::npos) {
        s = trimmed(s.substr(close + 1));
        changed = true;
      }
    }
    if (const std::size_t n = replyPrefixLength(s); n > 0) {
      s = trimmed(s.substr(n));
      changed = true;
    }
  }
  return collapseWhitespace(lowerUtf8(s));
}

bool isReplySubject(std::string_view subject) {
  std::string_view s = trimmed(subject);
  while (!s.empty() && s.front() == '[' && s.find(']') != std::string_view::npos)
    s = trimmed(s.substr(s.find(']') + 1));
  return replyPrefixLength(s) > 0;
}

ThreadHeaders threadHeaders(std::string_view raw, std::string_view subject) {
  ThreadHeaders out;
  out.subject = conversationSubject(subject);
  out.reply = isReplySubject(subject);
  std::vector<std::string> in_reply_to;
  for (const auto& [name, value] : mime::headerFieldsOf(raw.substr(0, mime::headerBlockEnd(raw)))) {
    std::string n = name;
    std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (n == "message-id" && out.message_id.empty()) {
      auto ids = messageIds(value);
      if (!ids.empty()) out.message_id = ids.front();
    } else if (n == "references") {
      for (auto& id : messageIds(value)) out.references.push_back(std::move(id));
    } else if (n == "in-reply-to") {
      in_reply_to = messageIds(value);
    }
  }
  for (auto& id : in_reply_to) out.references.push_back(std::move(id));
  return out;
}

std::vector<std::size_t> conversationOf(const std::vector<ThreadHeaders>& messages, std::size_t opened) {
  const std::size_t n = messages.size();
  if (opened >= n) return {};
  Components parts(n);
  std::map<std::string, std::size_t> by_id;
  for (std::size_t i = 0; i < n; ++i) {
    if (!messages[i].message_id.empty()) by_id.emplace(messages[i].message_id, i);
  }
  for (std::size_t i = 0; i < n; ++i) {
    for (const auto& ref : messages[i].references) {
      if (auto it = by_id.find(ref); it != by_id.end()) parts.join(i, it->second);
    }
  }
  // The subject links a reply that names no other message ("Re: x" without
  // References and In-Reply-To) to the messages of its subject. Messages
  // that are no reply are never linked by subject alone: "Weekly meeting"
  // of every week starts a conversation of its own.
  std::map<std::string, std::vector<std::size_t>> by_subject;
  for (std::size_t i = 0; i < n; ++i) {
    if (!messages[i].subject.empty()) by_subject[messages[i].subject].push_back(i);
  }
  for (const auto& [subject, same] : by_subject) {
    for (const std::size_t i : same) {
      if (!messages[i].reply || !messages[i].references.empty()) continue;
      for (const std::size_t j : same) parts.join(i, j);
    }
  }
  std::vector<std::size_t> out;
  const std::size_t root = parts.find(opened);
  for (std::size_t i = 0; i < n; ++i) {
    if (parts.find(i) == root) out.push_back(i);
  }
  return out;
}

}  // namespace spe::instance
