// The IMAP target of export profiles (docs/export.md "IMAP"): restores the
// archive's folder tree into a mailbox. A message goes to its folder below
// the archive (jdoe/Inbox/Sub -> Inbox/Sub; the archive's own top folder ->
// INBOX), below `targetFolder` when one is given (without `keepFolders`,
// every message goes right into `targetFolder`); APPEND with \Seen and the
// message's date as internal date, batched (MULTIAPPEND or pipelined
// LITERAL+ when the server offers them). A pending message of a killed run
// is looked for by its Message-ID (or, without one, its size) and compared
// by SHA-256 before it is appended again.
#include <array>
#include <map>

#include "common/base/crypto.h"
#include "common/imap/response.h"
#include "common/imap/syntax.h"
#include "common/imap/utf7.h"
#include "instancehost/instance/archiving/clients/imap_client.h"
#include "instancehost/instance/export/export_target.h"

namespace spe::instance {
namespace {

// IMAP wants CRLF line ends (RFC 3501 2.2): a bare LF gets its CR.
std::string withCrlf(const std::string& raw) {
  std::string out;
  out.reserve(raw.size() + raw.size() / 32);
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\n' && (i == 0 || raw[i - 1] != '\r')) out += '\r';
    out += raw[i];
  }
  return out;
}

std::vector<std::string> splitPath(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t at = 0;
  while (at < path.size()) {
    std::size_t slash = path.find('/', at);
    if (slash == std::string::npos) slash = path.size();
    if (slash > at) parts.push_back(path.substr(at, slash - at));
    at = slash + 1;
  }
  return parts;
}

class ImapTarget : public ExportTarget {
 public:
  explicit ImapTarget(const ExportSpec& spec) : spec_(spec) {}
  ~ImapTarget() override { (void)ImapTarget::close(); }

  Status open(const std::vector<ExportRecord>&, bool) override {
    ImapClient::Options o;
    applyServerDetails(
        o, spec_.server,
        std::array{ImapClient::Security::kNone, ImapClient::Security::kStartTls, ImapClient::Security::kTls});
    o.policy = spec_.connection_policy;
    // A server an end user names answers APPEND and LIST only: no large literal is needed from it.
    if (o.policy.for_end_user) o.max_message_bytes = 1 << 20;
    auto client = ImapClient::connect(o);
    if (!client) return client.error();
    client_ = std::move(*client);
    auto folders = client_->list();
    if (!folders) return folders.error();
    for (const auto& f : *folders) {
      if (f.separator != '\0') separator_ = f.separator;
      folders_[f.name] = f;
    }
    return okStatus();
  }

  Status place(ExportItem& item) override {
    std::vector<std::string> parts = splitPath(spec_.target_folder);
    if (spec_.keep_folders) {
      auto below = splitPath(item.folder);
      if (!below.empty()) below.erase(below.begin());  // the archive's name
      parts.insert(parts.end(), below.begin(), below.end());
    }
    std::string name;
    for (auto part : parts) {
      for (auto& ch : part) {
        if (ch == separator_) ch = '_';
      }
      name += (name.empty() ? "" : std::string(1, separator_)) + part;
    }
    item.record.place = name.empty() ? "INBOX" : name;
    item.raw = withCrlf(item.raw);
    item.record.sha256 = sha256Hex(item.raw);
    item.record.message_key = messageIdOf(item.raw);
    item.record.end_offset = static_cast<std::int64_t>(item.raw.size());  // its size, to find it without an ID
    return okStatus();
  }

  Result<bool> arrived(const ExportRecord& pending) override {
    auto folder = folders_.find(pending.place);
    if (folder == folders_.end()) return false;
    SPE_TRY(client_->open(folder->second, false));
    std::string criteria;
    if (auto quoted = imapQuoted("<" + pending.message_key + ">"); quoted && !pending.message_key.empty()) {
      criteria = "HEADER Message-ID " + *quoted;
    } else {
      criteria = "LARGER " + std::to_string(pending.end_offset - 1) + " SMALLER " +
                 std::to_string(pending.end_offset + 1);
    }
    auto uids = client_->uidsAfter(0, criteria);
    if (!uids) return uids.error();
    bool found = false;
    SPE_TRY(client_->fetch(*uids, 16, [&](ImapMessage&& m) {
      found = sha256Hex(m.raw) == pending.sha256;
      return !found;
    }));
    return found;
  }

  Result<std::vector<Status>> put(std::vector<ExportItem>& batch) override {
    std::vector<Status> out;
    for (std::size_t i = 0; i < batch.size();) {
      std::size_t j = i;
      while (j < batch.size() && batch[j].record.place == batch[i].record.place) ++j;
      auto folder = folderFor(batch[i].record.place);
      if (!folder) {
        if (client_->broken()) return folder.error();
        for (std::size_t k = i; k < j; ++k) out.push_back(folder.error());
        i = j;
        continue;
      }
      std::vector<ImapAppend> messages;
      for (std::size_t k = i; k < j; ++k) {
        messages.push_back({batch[k].raw, {"\\Seen"}, batch[k].date > 0 ? imapDateTime(batch[k].date) : ""});
      }
      auto done = client_->append(*folder, messages);
      if (!done) return done.error();
      for (auto& st : *done) {
        // A full mailbox stops the run: every further message would fail too.
        if (!st && st.error().message.find("OVERQUOTA") != std::string::npos) {
          return makeError(ErrorCode::kResourceExhausted, st.error().message);
        }
        out.push_back(std::move(st));
      }
      i = j;
    }
    return out;
  }

  Status close() override {
    if (!client_) return okStatus();
    auto st = client_->logout();
    client_.reset();
    return st;
  }

 private:
  // The wire name of `name`, created (with its parents) when missing.
  Result<std::string> folderFor(const std::string& name) {
    if (auto it = folders_.find(name); it != folders_.end()) return it->second.wire_name;
    for (std::size_t at = 0;;) {
      const std::size_t sep = name.find(separator_, at);
      const std::string path = sep == std::string::npos ? name : name.substr(0, sep);
      if (!folders_.count(path)) {
        SPE_TRY(client_->create(path));
        folders_[path] = ImapFolder{path, imapUtf7Encode(path), separator_, true};
      }
      if (sep == std::string::npos) break;
      at = sep + 1;
    }
    return folders_[name].wire_name;
  }

  ExportSpec spec_;
  std::unique_ptr<ImapClient> client_;
  std::map<std::string, ImapFolder> folders_;
  char separator_ = '/';
};

}  // namespace

std::unique_ptr<ExportTarget> makeImapTarget(const ExportSpec& spec) { return std::make_unique<ImapTarget>(spec); }

}  // namespace spe::instance
