#include "instancehost/instance/access/web/web_folders.h"

#include <xapian.h>

#include <algorithm>
#include <map>
#include <set>

#include "common/base/text.h"
#include "common/base/utf8.h"

namespace spe::instance {
namespace {

std::string lowerUtf8(const std::string& s) {
  std::string out;
  for (Xapian::Utf8Iterator it(s); it != Xapian::Utf8Iterator(); ++it) {
    appendUtf8(out, static_cast<std::uint32_t>(Xapian::Unicode::tolower(*it)));
  }
  return out;
}

// Names of the sent-mail folder (lower case) in the clients and languages
// archived mailboxes come from: Outlook/Exchange, Gmail ("[Gmail]/Sent
// Mail"), Apple Mail, Thunderbird, in English, German, French, Spanish,
// Portuguese, Italian, Dutch, Scandinavian languages, Finnish, Polish, Czech.
const std::set<std::string>& sentNames() {
  static const std::set<std::string> names{"sent",
                                           "sent items",
                                           "sent mail",
                                           "sent messages",
                                           "sent-mail",
                                           "outbox-sent",
                                           "gesendet",
                                           "gesendete elemente",
                                           "gesendete objekte",
                                           "gesendete nachrichten",
                                           "envoy\xC3\xA9s",
                                           "\xC3\xA9l\xC3\xA9ments envoy\xC3\xA9s",
                                           "messages envoy\xC3\xA9s",
                                           "enviados",
                                           "elementos enviados",
                                           "itens enviados",
                                           "mensagens enviadas",
                                           "posta inviata",
                                           "inviata",
                                           "elementi inviati",
                                           "verzonden",
                                           "verzonden items",
                                           "skickat",
                                           "skickade objekt",
                                           "sendt",
                                           "sendte elementer",
                                           "sendte objekter",
                                           "l\xC3\xA4hetetyt",
                                           "l\xC3\xA4hetetyt kohteet",
                                           "wys\xC5\x82\x61ne",
                                           "elementy wys\xC5\x82\x61ne",
                                           "odeslan\xC3\xA1 po\xC5\xA1ta",
                                           "odeslan\xC3\xA9"};
  return names;
}

std::vector<std::string> components(const std::string& path) {
  std::vector<std::string> out;
  for (std::size_t pos = 0;;) {
    const auto slash = path.find('/', pos);
    out.push_back(path.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos));
    if (slash == std::string::npos) return out;
    pos = slash + 1;
  }
}

bool sameArchive(const std::string& a, const std::string& b) { return asciiLower(a) == asciiLower(b); }

std::string archiveOfPath(const std::string& path) { return path.substr(0, path.find('/')); }

struct Node {
  std::string path;
  bool has_messages = false;
  std::map<std::string, Node*> children;  // by sort key
};

// Inbox first, then by name regardless of case.
std::string sortKey(const std::string& name) {
  return (asciiLower(name) == "inbox" ? "0" : "1") + lowerUtf8(name) + '\0' + name;
}

void emit(const Node& node, int depth, Json& out) {
  for (const auto& [key, child] : node.children) {
    const auto parts = components(child->path);
    out.push_back({{"path", child->path},
                   {"name", parts.back()},
                   {"depth", depth},
                   {"hasChildren", !child->children.empty()},
                   {"hasMessages", child->has_messages},
                   {"sent", isSentFolder(child->path)}});
    emit(*child, depth + 1, out);
  }
}

}  // namespace

bool isSentFolder(const std::string& path) {
  const auto parts = components(path);
  // The first component is the archive (a user named "sent" has no sent folder for it).
  return std::any_of(parts.begin() + 1, parts.end(),
                     [](const std::string& p) { return sentNames().count(lowerUtf8(p)) > 0; });
}

std::vector<std::string> shownArchives(const std::optional<std::vector<std::string>>& readable,
                                       const std::vector<std::string>& paths, const std::string& own) {
  if (readable) return *readable;
  std::map<std::string, std::string> found;  // lower case -> as first seen
  for (const auto& p : paths) found.emplace(asciiLower(archiveOfPath(p)), archiveOfPath(p));
  std::vector<std::string> out;
  if (auto it = found.find(asciiLower(own)); it != found.end()) {
    out.push_back(it->second);
    found.erase(it);
  }
  for (const auto& [lower, name] : found) out.push_back(name);
  return out;
}

Json folderTree(const std::vector<std::string>& archives, const std::vector<std::string>& paths,
                const std::string& own) {
  Json out = Json::array();
  std::set<std::string> listed;
  for (const auto& archive : archives) {
    if (!listed.insert(asciiLower(archive)).second) continue;
    std::map<std::string, Node> nodes;  // by path as first seen, lower case
    Node root;
    for (const auto& path : paths) {
      if (!sameArchive(archiveOfPath(path), archive)) continue;
      const auto parts = components(path);
      if (parts.size() < 2) {
        root.has_messages = true;
        continue;
      }
      Node* parent = &root;
      std::string prefix = parts[0];
      for (std::size_t i = 1; i < parts.size(); ++i) {
        prefix += "/" + parts[i];
        Node& n = nodes[asciiLower(prefix)];
        if (n.path.empty()) n.path = prefix;
        parent->children.emplace(sortKey(parts[i]), &n);
        parent = &n;
      }
      parent->has_messages = true;
    }
    Json folders = Json::array();
    emit(root, 1, folders);
    out.push_back({{"archive", archive}, {"own", sameArchive(archive, own)}, {"folders", folders}});
  }
  return out;
}

}  // namespace spe::instance
