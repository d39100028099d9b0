#include "instancehost/instance/access/imap/mailboxes.h"

#include <malloc.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <functional>
#include <map>
#include <mutex>
#include <set>

#include "common/base/crypto.h"
#include "common/base/text.h"
#include "index/searcher.h"
#include "instancehost/instance/access/imap/search.h"

namespace spe::instance {
namespace {

constexpr const char* kOtherUsers = "Other Users";

bool sameArchive(const std::string& a, const std::string& b) { return asciiLower(a) == asciiLower(b); }

// The listings of mailboxes (see the header): per key, the stamp it was made
// at, the counts STATUS needs, and the snapshot while a session holds it.
class ListingCache {
 public:
  using Make = std::function<Result<ImapSnapshot>()>;

  static ListingCache& instance() {
    static ListingCache cache;
    return cache;
  }

  Result<std::shared_ptr<const ImapSnapshot>> snapshot(const std::string& key, std::uint64_t stamp, const Make& make) {
    auto entry = entryOf(key);
    if (auto held = kept(*entry, stamp)) return held;
    std::lock_guard making(entry->making);  // one listing at a time; the others then take it
    if (auto held = kept(*entry, stamp)) return held;
    auto made = make();
    if (!made) return made.error();
    made->stamp = stamp;
    auto fresh = std::make_shared<const ImapSnapshot>(std::move(*made));
    std::lock_guard lock(mutex_);
    entry->listed = true;
    entry->stamp = stamp;
    entry->counts = {fresh->messages.size(), fresh->uid_next, fresh->uid_validity};
    entry->snapshot = fresh;
    return fresh;
  }

  std::optional<ImapUserView::Counts> counts(const std::string& key, std::uint64_t stamp) {
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(key);
    if (it == entries_.end() || !it->second->listed || it->second->stamp != stamp) return std::nullopt;
    return it->second->counts;
  }

 private:
  struct Entry {
    std::mutex making;
    bool listed = false;
    std::uint64_t stamp = 0;
    ImapUserView::Counts counts;
    std::weak_ptr<const ImapSnapshot> snapshot;
  };

  std::shared_ptr<Entry> entryOf(const std::string& key) {
    std::lock_guard lock(mutex_);
    if (entries_.size() > kMaxEntries) {  // forget what no session holds
      for (auto it = entries_.begin(); it != entries_.end();) {
        it = it->second->snapshot.expired() && it->second.use_count() == 1 ? entries_.erase(it) : std::next(it);
      }
    }
    auto& slot = entries_[key];
    if (!slot) slot = std::make_shared<Entry>();
    return slot;
  }

  std::shared_ptr<const ImapSnapshot> kept(Entry& entry, std::uint64_t stamp) {
    std::lock_guard lock(mutex_);
    if (!entry.listed || entry.stamp != stamp) return nullptr;
    return entry.snapshot.lock();
  }

  static constexpr std::size_t kMaxEntries = 20000;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Entry>> entries_;
};

}  // namespace

Result<ImapSnapshot> ImapUidMap::sync(const std::string& path,
                                      std::vector<std::pair<std::int64_t, store::MessageInfo>> messages) {
  ImapSnapshot out;
  out.path = path;
  const std::string hash = sha256Hex(path);
  auto tx = db_.begin();
  if (!tx) return tx.error();
  auto box = (*tx)->query("SELECT ID, UID_VALIDITY, UID_NEXT FROM IMAP_MAILBOXES WHERE PATH_HASH = ?", {hash});
  if (!box) return box.error();
  std::int64_t id = 0;
  std::int64_t next = 1;
  if (box->empty()) {
    auto max = (*tx)->query("SELECT COALESCE(MAX(ID), 0) FROM IMAP_MAILBOXES");
    if (!max) return max.error();
    id = dbInt((*max)[0][0]) + 1;
    out.uid_validity = static_cast<std::uint32_t>(std::time(nullptr));
    SPE_TRY(
        (*tx)->exec("INSERT INTO IMAP_MAILBOXES (ID, PATH_HASH, PATH, UID_VALIDITY, UID_NEXT) VALUES (?, ?, ?, ?, 1)",
                    {id, hash, path, static_cast<std::int64_t>(out.uid_validity)}));
  } else {
    id = dbInt((*box)[0][0]);
    out.uid_validity = static_cast<std::uint32_t>(dbInt((*box)[0][1]));
    next = dbInt((*box)[0][2]);
  }
  auto rows = (*tx)->query("SELECT UID, STORE_ID, MESSAGE_ID FROM IMAP_UIDS WHERE MAILBOX_ID = ?", {id});
  if (!rows) return rows.error();
  std::map<std::pair<std::int64_t, std::int64_t>, std::int64_t> known;
  for (const auto& r : *rows) known[{dbInt(r[1]), dbInt(r[2])}] = dbInt(r[0]);
  // New messages in archiving order.
  std::sort(messages.begin(), messages.end(), [](const auto& a, const auto& b) {
    return std::tie(a.second.archived_at, a.first, a.second.id) < std::tie(b.second.archived_at, b.first, b.second.id);
  });
  std::set<std::pair<std::int64_t, std::int64_t>> present;
  const std::int64_t first_next = next;
  for (auto& [store_id, info] : messages) {
    const auto key = std::make_pair(store_id, info.id);
    present.insert(key);
    std::int64_t uid = 0;
    if (auto it = known.find(key); it != known.end()) {
      uid = it->second;
    } else {
      if (next > 0xFFFFFFF0LL) return makeError(ErrorCode::kInternal, "The mailbox '" + path + "' ran out of UIDs.");
      uid = next++;
      SPE_TRY((*tx)->exec("INSERT INTO IMAP_UIDS (MAILBOX_ID, UID, STORE_ID, MESSAGE_ID) VALUES (?, ?, ?, ?)",
                          {id, uid, store_id, info.id}));
    }
    ImapMessageRef ref{static_cast<std::uint32_t>(uid),
                       store_id,
                       info.id,
                       info.size,
                       info.date,
                       info.archived_at,
                       {},
                       info.content.container,
                       info.content.offset,
                       info.content.length};
    if (auto sha = fromHex(info.sha256_hex); sha && sha->size() == ref.sha256.size()) {
      std::memcpy(ref.sha256.data(), sha->data(), ref.sha256.size());
    }
    out.messages.push_back(ref);
  }
  // Messages that left the folder lose their UIDs (they never come back to them).
  for (const auto& [key, uid] : known) {
    if (!present.count(key)) {
      SPE_TRY((*tx)->exec("DELETE FROM IMAP_UIDS WHERE MAILBOX_ID = ? AND UID = ?", {id, uid}));
    }
  }
  if (next != first_next) SPE_TRY((*tx)->exec("UPDATE IMAP_MAILBOXES SET UID_NEXT = ? WHERE ID = ?", {next, id}));
  SPE_TRY((*tx)->commit());
  out.uid_next = static_cast<std::uint32_t>(next);
  std::sort(out.messages.begin(), out.messages.end(), [](const auto& a, const auto& b) { return a.uid < b.uid; });
  return out;
}

ImapUserView::ImapUserView(InstanceContext& ctx, std::string user, std::optional<std::vector<std::string>> archives)
    : ctx_(ctx), user_(std::move(user)), archives_(std::move(archives)), uids_(ctx.db.db()) {}

std::optional<std::string> ImapUserView::nameOf(const std::string& path) const {
  const auto slash = path.find('/');
  const std::string archive = path.substr(0, slash);
  const std::string rest = slash == std::string::npos ? std::string() : path.substr(slash + 1);
  if (sameArchive(archive, user_)) {
    if (rest.empty()) return std::nullopt;  // the archive itself is the namespace root
    const auto first_end = rest.find('/');
    if (asciiLower(rest.substr(0, first_end)) == "inbox") {
      return "INBOX" + (first_end == std::string::npos ? std::string() : rest.substr(first_end));
    }
    return rest;
  }
  if (archives_) {
    const bool readable = std::any_of(archives_->begin(), archives_->end(),
                                      [&](const std::string& a) { return sameArchive(a, archive); });
    if (!readable) return std::nullopt;
  }
  return std::string(kOtherUsers) + "/" + path;
}

Result<std::vector<ImapMailbox>> ImapUserView::mailboxes() {
  std::map<std::string, ImapMailbox> by_name;
  for (const auto& [id, store] : ctx_.stores.loaded()) {
    auto paths = store->folderPaths();
    if (!paths) return paths.error();
    for (const auto& path : *paths) {
      auto name = nameOf(path);
      if (!name) continue;
      by_name[*name].name = *name;
      by_name[*name].path = path;
      // Every level above is a mailbox too (grouping, or a folder of its own).
      std::string parent = *name;
      for (auto cut = parent.rfind('/'); cut != std::string::npos; cut = parent.rfind('/')) {
        parent.resize(cut);
        auto& p = by_name[parent];
        p.name = parent;
        p.has_children = true;
      }
    }
  }
  std::vector<ImapMailbox> out;
  for (auto& [name, box] : by_name) out.push_back(std::move(box));
  return out;
}

Result<std::optional<ImapMailbox>> ImapUserView::find(const std::string& name) {
  std::string wanted = name;
  if (asciiLower(wanted.substr(0, 5)) == "inbox" && (wanted.size() == 5 || wanted[5] == '/')) {
    wanted = "INBOX" + wanted.substr(5);
  }
  while (wanted.size() > 1 && wanted.back() == '/') wanted.pop_back();
  auto all = mailboxes();
  if (!all) return all.error();
  for (auto& box : *all) {
    if (box.name == wanted) return std::optional<ImapMailbox>(std::move(box));
  }
  return std::optional<ImapMailbox>();
}

namespace {
// The key of a mailbox's listing: its folder, or for a name that only groups
// others (no folder, no messages) one of its own.
std::string listingKey(const std::string& user, const ImapMailbox& mailbox) {
  return mailbox.path.empty() ? "\x01" + asciiLower(user) + "/" + mailbox.name : mailbox.path;
}
}  // namespace

Result<std::shared_ptr<const ImapSnapshot>> ImapUserView::open(const ImapMailbox& mailbox) {
  const std::string key = listingKey(user_, mailbox);
  const std::uint64_t stamp = changes(key);  // before listing: a change meanwhile shows next time
  return ListingCache::instance().snapshot(key, stamp, [&]() -> Result<ImapSnapshot> {
    std::vector<std::pair<std::int64_t, store::MessageInfo>> messages;
    if (!mailbox.path.empty()) {
      for (const auto& [id, store] : ctx_.stores.loaded()) {
        auto in = store->messagesIn(mailbox.path);
        if (!in) return in.error();
        for (auto& m : *in) messages.emplace_back(id, std::move(m));
      }
    }
    const bool big = messages.size() > 10000;
    auto made = uids_.sync(key, std::move(messages));
    // The listing of a big folder was large and short-lived: give it back to
    // the system instead of keeping it in this thread's malloc arena.
    if (big) malloc_trim(0);
    return made;
  });
}

Result<ImapUserView::Counts> ImapUserView::status(const ImapMailbox& mailbox) {
  const std::string key = listingKey(user_, mailbox);
  if (auto counts = ListingCache::instance().counts(key, changes(key))) return *counts;
  auto snapshot = open(mailbox);
  if (!snapshot) return snapshot.error();
  return Counts{(*snapshot)->messages.size(), (*snapshot)->uid_next, (*snapshot)->uid_validity};
}

std::uint64_t ImapUserView::changes(const std::string& path) {
  std::uint64_t stamp = 0;
  for (const auto& [id, store] : ctx_.stores.loaded()) {
    const auto folder = store->folderChanges(path);  // 0 for a key that is no folder
    stamp = stamp * 1000003u + static_cast<std::uint64_t>(id) * 7919u + static_cast<std::uint64_t>(folder);
  }
  return stamp;
}

Result<std::string> ImapUserView::read(const ImapMessageRef& message) {
  auto store = ctx_.stores.loadedStore(message.store_id);
  if (!store) return store.error();
  const std::string sha(reinterpret_cast<const char*>(message.sha256.data()), message.sha256.size());
  return (*store)->readContent(store::ContentRef{toHex(sha), message.container, message.offset, message.length},
                               message.message_id);
}

std::vector<Result<std::string>> ImapUserView::read(const std::vector<ImapMessageRef>& messages) {
  std::vector<Result<std::string>> out;
  out.reserve(messages.size());
  for (const auto& m : messages) out.push_back(read(m));
  return out;
}

Result<std::set<MessageKey>> ImapUserView::searchText(const ImapSnapshot& snapshot, const std::string& field,
                                                      const std::string& text, bool* incomplete) {
  std::set<MessageKey> out;
  const std::string q = textQuery(field, text);
  if (q.empty()) {  // no word: matches every message
    for (const auto& m : snapshot.messages) out.insert({m.store_id, m.message_id});
    return out;
  }
  index::SearchRequest request;
  request.query = q;
  request.folder = snapshot.path;  // this folder only: a mailbox does not hold its children's messages
  request.subfolders = false;
  request.archives = archives_;  // the user's own archive is among them
  request.exhaustive = true;     // every match, every phrase candidate checked
  std::vector<index::SearchSource> sources;
  for (const auto& [id, indexer] : ctx_.stores.indexers()) sources.push_back({id, indexer});
  auto results = index::search(sources, request);
  if (!results) return results.error();
  if (incomplete && !results->warnings.empty()) *incomplete = true;
  for (const auto& h : results->hits) out.insert({h.store_id, h.message.id});
  return out;
}

}  // namespace spe::instance
