#include "instancehost/instance/archiving/clients/imap_source.h"

#include <algorithm>
#include <array>
#include <ctime>
#include <map>
#include <mutex>
#include <set>

#include "common/base/logging.h"

namespace spe::instance {
namespace {

constexpr std::size_t kFetchBatch = 100;
constexpr int kReconnects = 3;  // per run, after a dropped connection

Error bad(const std::string& what) { return makeError(ErrorCode::kInvalidArgument, what); }

// A list given as a JSON array or a string separated by ',' ';' or new lines.
Result<std::vector<std::string>> folderList(const Json& details, const std::string& key) {
  std::vector<std::string> out;
  if (!details.contains(key) || details[key].is_null()) return out;
  const Json& v = details[key];
  auto add = [&](std::string s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '/')) s.pop_back();
    while (!s.empty() && s.front() == ' ') s.erase(0, 1);
    if (!s.empty()) out.push_back(s);
  };
  if (v.is_array()) {
    for (const auto& item : v) {
      if (!item.is_string()) return bad("'details." + key + "' must list folder names.");
      add(item.get<std::string>());
    }
    return out;
  }
  if (!v.is_string()) return bad("'details." + key + "' must be a list of folder names.");
  std::string cur;
  for (char c : v.get<std::string>()) {
    if (c == ',' || c == ';' || c == '\n') {
      add(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  add(cur);
  return out;
}

// "2024-03-01" as an IMAP date ("1-Mar-2024").
Result<std::string> imapDate(const std::string& iso, const std::string& key) {
  std::tm tm{};
  if (iso.size() != 10 || !strptime(iso.c_str(), "%Y-%m-%d", &tm)) {
    return bad("'details." + key + "' must be a date like 2024-03-01.");
  }
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  return std::to_string(tm.tm_mday) + "-" + months[tm.tm_mon] + "-" + std::to_string(tm.tm_year + 1900);
}

std::string imapDateDaysAgo(int days) {
  const std::time_t t = std::time(nullptr) - static_cast<std::time_t>(days) * 86400;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return *imapDate(buf, "");
}

bool lowerEquals(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// `folder` is `entry` or below it (INBOX in any case).
bool within(const std::string& folder, const std::string& entry) {
  if (lowerEquals(folder, entry)) return true;
  return folder.size() > entry.size() && folder[entry.size()] == '/' && folder.compare(0, entry.size(), entry) == 0;
}

// One folder's run: what is to be fetched, what was handed out and what
// became durable.
struct FolderRun {
  ImapFolder folder;
  std::string path;  // archive folder
  SourcePosition before;
  std::int64_t validity = 0;           // 0 until the folder was opened
  std::int64_t limit = 0xFFFFFFFFll;   // the position may not pass this (an unread message waits)
  std::vector<std::uint32_t> fitting;  // to fetch, ascending
  std::vector<std::pair<std::uint32_t, std::int64_t>> too_big;  // UID, size: reported, passed over
  std::vector<std::uint32_t> handed;                            // UIDs handed out (or passed over)
  std::mutex mutex;
  std::set<std::uint32_t> durable;  // in the archive
  std::set<std::uint32_t> passed;   // too large for it
};

std::string origin(const FolderRun& run, std::uint32_t uid) { return run.folder.name + " UID " + std::to_string(uid); }

class ImapSource : public MessageSource {
 public:
  ImapSource(ImapSettings settings, std::int64_t profile_id, SourceState& state)
      : settings_(std::move(settings)), profile_id_(profile_id), state_(state) {}

  std::int64_t estimate() const override { return estimate_; }

  Status connect() {
    auto c = ImapClient::connect(settings_.connection);
    if (!c) return c.error();
    client_ = std::move(*c);
    return okStatus();
  }

  // Lists and plans the folders; a connection lost meanwhile is tried
  // again (from the start), within the run's reconnect budget.
  Status prepare() {
    Status st = prepareOnce();
    while (!st && st.error().code == ErrorCode::kUnavailable && reconnects_ < kReconnects) {
      ++reconnects_;
      logger("import")->warn("IMAP connection lost while listing the folders ({}); reconnecting", st.error().message);
      notes_.push_back("The connection to the server was lost while listing the folders (" + st.error().message +
                       "); the run connected again and went on.");
      st = prepareOnce();
    }
    return st;
  }

  Status prepareOnce() {
    runs_.clear();
    estimate_ = 0;
    SPE_TRY(connect());
    auto folders = client_->list();
    if (!folders) return folders.error();
    std::sort(folders->begin(), folders->end(),
              [](const ImapFolder& a, const ImapFolder& b) { return a.name < b.name; });
    for (const auto& f : *folders) {
      if (!f.selectable) continue;
      const std::string path = archiveFolderOf(f);
      if (!settings_.include_folders.empty() &&
          std::none_of(settings_.include_folders.begin(), settings_.include_folders.end(),
                       [&](const std::string& e) { return within(path, e) || within(f.name, e); })) {
        continue;
      }
      if (std::any_of(settings_.exclude_folders.begin(), settings_.exclude_folders.end(),
                      [&](const std::string& e) { return within(path, e) || within(f.name, e); })) {
        continue;
      }
      auto run = std::make_unique<FolderRun>();
      run->folder = f;
      run->path = path;
      runs_.push_back(std::move(run));
    }
    // What each folder has to fetch (and so how many messages are new).
    for (auto& run : runs_) {
      SPE_TRY(openFolder(*run));
      SPE_TRY(plan(*run, static_cast<std::uint32_t>(startPosition(*run))));
      estimate_ += static_cast<std::int64_t>(run->fitting.size() + run->too_big.size());
    }
    return okStatus();
  }

  Status forEach(const std::function<bool(SourceMessage&&)>& each) override {
    for (auto& run : runs_) {
      auto st = archiveFolder(*run, each);
      for (int retry = 0; !st && st.error().code == ErrorCode::kUnavailable && reconnects_ < kReconnects; ++retry) {
        ++reconnects_;
        logger("import")->warn("IMAP connection lost in '{}' ({}); reconnecting", run->folder.name, st.error().message);
        notes_.push_back("The connection to the server was lost in '" + run->folder.name + "' (" + st.error().message +
                         "); the run connected again and went on.");
        if (auto c = connect(); !c) {
          st = c;
          continue;
        }
        st = archiveFolder(*run, each);
      }
      if (!st) return st;
      if (stopped_) break;
    }
    return okStatus();
  }

  Status finish(std::vector<std::string>& warnings) override {
    warnings.insert(warnings.end(), notes_.begin(), notes_.end());
    for (auto& run : runs_) {
      std::int64_t last = startPosition(*run);
      std::vector<std::uint32_t> durable;
      {
        std::lock_guard lock(run->mutex);
        std::sort(run->handed.begin(), run->handed.end());
        for (std::uint32_t uid : run->handed) {
          if ((!run->durable.count(uid) && !run->passed.count(uid)) || uid > run->limit) break;
          last = uid;
        }
        durable.assign(run->durable.begin(), run->durable.end());
      }
      if (run->validity == 0) continue;  // never opened
      if (profile_id_ != 0 && (last != run->before.last || run->validity != run->before.validity)) {
        SPE_TRY(state_.save(profile_id_, run->folder.name, {run->validity, last}));
      }
      auto st = deleteArchived(*run, durable, last);
      if (!st) {
        warnings.push_back("Archived messages in '" + run->folder.name +
                           "' could not be deleted at the source: " + st.error().message);
      }
    }
    if (client_) (void)client_->logout();
    return okStatus();
  }

 private:
  static std::int64_t startPosition(const FolderRun& run) {
    return run.before.validity == run.validity ? run.before.last : 0;
  }

  // Selects the folder read-only; the first time, reads its position.
  Status openFolder(FolderRun& run) {
    if (run.validity == 0 && profile_id_ != 0) {
      auto pos = state_.get(profile_id_, run.folder.name);
      if (!pos) return pos.error();
      if (*pos) run.before = **pos;
    }
    auto st = client_->open(run.folder, false);
    if (!st) return st.error();
    if (run.validity != 0 && static_cast<std::int64_t>(st->uid_validity) != run.validity) {
      return makeError(ErrorCode::kUnavailable, "The folder '" + run.folder.name + "' was recreated during the run.");
    }
    run.validity = st->uid_validity;
    return okStatus();
  }

  // What to fetch above `after` in the open folder: the messages matching
  // `since` (only read ones unless archiveUnread; the first unread one caps
  // the position), split by size.
  Status plan(FolderRun& run, std::uint32_t after) {
    const std::string since = settings_.since.empty() ? std::string() : "SINCE " + settings_.since;
    auto uids = client_->uidsAfter(after, since);
    if (!uids) return uids.error();
    std::vector<std::uint32_t> wanted = *uids;
    if (!settings_.archive_unread) {
      auto seen = client_->uidsAfter(after, since.empty() ? "SEEN" : since + " SEEN");
      if (!seen) return seen.error();
      for (std::uint32_t u : *uids) {
        if (!std::binary_search(seen->begin(), seen->end(), u)) {
          run.limit = std::min<std::int64_t>(run.limit, static_cast<std::int64_t>(u) - 1);  // archived once read
        }
      }
      wanted = *seen;
    }
    // Messages larger than the archive takes are reported after the others,
    // and passed over (they would fail on every run).
    auto sizes = client_->sizes(wanted);
    if (!sizes) return sizes.error();
    run.fitting.clear();
    run.too_big.clear();
    for (std::uint32_t uid : wanted) {
      const auto size = sizes->find(uid);
      if (size == sizes->end() || size->second <= static_cast<std::int64_t>(kMaxMessageBytes)) {
        run.fitting.push_back(uid);
      } else {
        run.too_big.emplace_back(uid, size->second);
      }
    }
    return okStatus();
  }

  Status archiveFolder(FolderRun& run, const std::function<bool(SourceMessage&&)>& each) {
    SPE_TRY(openFolder(run));
    if (!run.handed.empty()) {  // resuming after a reconnect: what is left
      SPE_TRY(plan(run, *std::max_element(run.handed.begin(), run.handed.end())));
    }
    auto fetched = client_->fetch(run.fitting, kFetchBatch, [&](ImapMessage&& m) {
      SourceMessage sm;
      sm.folder = run.path;
      sm.origin = origin(run, m.uid);
      sm.raw = std::move(m.raw);
      const std::uint32_t uid = m.uid;
      {
        std::lock_guard lock(run.mutex);
        run.handed.push_back(uid);
      }
      FolderRun* r = &run;
      sm.durable = [r, uid] {
        std::lock_guard lock(r->mutex);
        r->durable.insert(uid);
      };
      if (!each(std::move(sm))) {
        stopped_ = true;
        return false;
      }
      return true;
    });
    if (!fetched || stopped_) return fetched;
    for (const auto& [uid, size] : run.too_big) {
      SourceMessage big;
      big.folder = run.path;
      big.origin = origin(run, uid);
      big.error = tooLargeError(size);
      {
        std::lock_guard lock(run.mutex);
        run.handed.push_back(uid);
        run.passed.insert(uid);  // handled: the position may pass it (never deleted)
      }
      if (!each(std::move(big))) {
        stopped_ = true;
        break;
      }
    }
    return okStatus();
  }

  Status deleteArchived(FolderRun& run, const std::vector<std::uint32_t>& durable, std::int64_t last) {
    if (settings_.delete_mode == ImapSettings::Delete::kNever) return okStatus();
    std::vector<std::uint32_t> doomed;
    if (settings_.delete_mode == ImapSettings::Delete::kAfterArchive) {
      doomed = durable;
    }
    if (!client_) SPE_TRY(connect());
    auto st = client_->open(run.folder, true);
    if (!st) return st.error();
    if (static_cast<std::int64_t>(st->uid_validity) != run.validity) return okStatus();  // recreated: not ours
    if (settings_.delete_mode == ImapSettings::Delete::kAfterDays) {
      if (last <= 0) return okStatus();
      auto old = client_->uidsAfter(
          0, "UID 1:" + std::to_string(last) + " BEFORE " + imapDateDaysAgo(settings_.delete_after_days));
      if (!old) return old.error();
      for (std::uint32_t u : *old) {
        if (u <= last) doomed.push_back(u);
      }
    }
    return client_->remove(doomed);
  }

  ImapSettings settings_;
  std::int64_t profile_id_;
  SourceState& state_;
  std::unique_ptr<ImapClient> client_;
  std::vector<std::unique_ptr<FolderRun>> runs_;
  std::int64_t estimate_ = 0;
  int reconnects_ = 0;
  bool stopped_ = false;
  std::vector<std::string> notes_;  // for the run's warnings
};

}  // namespace

const std::vector<std::string>& imapDetailKeys() {
  static const std::vector<std::string> keys = {"host",
                                                "port",
                                                "protocol",
                                                "userName",
                                                "password",
                                                "ignoreSSLPolicyErrors",
                                                "targetUserFolder",
                                                "includeFolders",
                                                "excludeFolders",
                                                "archiveUnread",
                                                "since",
                                                "deleteAfterArchive",
                                                "deleteAfterDays",
                                                "timeout",
                                                "emailAddress",
                                                "unknownRecipientsFolder"};
  return keys;
}

Result<ImapSettings> imapSettings(const Json& details, const Json& secrets, bool multidrop) {
  ImapSettings s;
  auto d = serverDetails(details, secrets, {"IMAP", "IMAP-TLS", "IMAP-SSL"}, 143, 993, multidrop);
  if (!d) return d.error();
  using S = ImapClient::Security;
  applyServerDetails(s.connection, *d, std::array{S::kNone, S::kStartTls, S::kTls});
  auto include = folderList(details, "includeFolders");
  if (!include) return include.error();
  s.include_folders = *include;
  auto exclude = folderList(details, "excludeFolders");
  if (!exclude) return exclude.error();
  s.exclude_folders = *exclude;
  auto unread = detailFlag(details, "archiveUnread", true);
  if (!unread) return unread.error();
  s.archive_unread = *unread;
  auto since = detailString(details, "since", false);
  if (!since) return since.error();
  if (!since->empty()) {
    auto date = imapDate(*since, "since");
    if (!date) return date.error();
    s.since = *date;
  }
  std::string mode = "false";
  if (details.contains("deleteAfterArchive") && details["deleteAfterArchive"].is_boolean()) {
    mode = details["deleteAfterArchive"].get<bool>() ? "true" : "false";
  } else if (details.contains("deleteAfterArchive") && details["deleteAfterArchive"].is_string()) {
    mode = details["deleteAfterArchive"].get<std::string>();
  } else if (details.contains("deleteAfterArchive") && !details["deleteAfterArchive"].is_null()) {
    return bad("'details.deleteAfterArchive' must be false, true or afterDays.");
  }
  if (mode == "false" || mode == "0" || mode.empty()) {
    s.delete_mode = ImapSettings::Delete::kNever;
  } else if (mode == "true" || mode == "1") {
    s.delete_mode = ImapSettings::Delete::kAfterArchive;
  } else if (mode == "afterDays") {
    s.delete_mode = ImapSettings::Delete::kAfterDays;
    auto days = detailNumber(details, "deleteAfterDays", 0, 1, 36500);
    if (!days) return days.error();
    if (*days == 0) return bad("'details.deleteAfterDays' is required with deleteAfterArchive 'afterDays'.");
    s.delete_after_days = static_cast<int>(*days);
  } else {
    return bad("'details.deleteAfterArchive' must be false, true or afterDays, not '" + mode + "'.");
  }
  return s;
}

std::string archiveFolderOf(const ImapFolder& f) {
  if (lowerEquals(f.name, "INBOX")) return "Inbox";
  std::string out;
  for (char ch : f.name) {
    if (f.separator != '\0' && ch == f.separator) {
      out += '/';
    } else {
      out += ch == '/' ? '_' : ch;
    }
  }
  if (out.size() > 6 && lowerEquals(out.substr(0, 6), "INBOX/")) out = "Inbox/" + out.substr(6);
  return out;
}

Result<std::unique_ptr<MessageSource>> openImapSource(const ImapSettings& settings, std::int64_t profile_id,
                                                      SourceState& state) {
  auto source = std::make_unique<ImapSource>(settings, profile_id, state);
  SPE_TRY(source->prepare());
  return std::unique_ptr<MessageSource>(std::move(source));
}

}  // namespace spe::instance
