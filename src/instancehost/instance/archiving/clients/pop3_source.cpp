#include "instancehost/instance/archiving/clients/pop3_source.h"

#include <array>
#include <mutex>
#include <set>

namespace spe::instance {
namespace {

Error bad(const std::string& what) { return makeError(ErrorCode::kInvalidArgument, what); }

std::string origin(const Pop3Entry& e) { return "message " + std::to_string(e.number) + " (UIDL " + e.uid + ")"; }

class Pop3Source : public MessageSource {
 public:
  Pop3Source(Pop3Settings settings, std::int64_t profile_id, SourceState& state)
      : settings_(std::move(settings)), profile_id_(profile_id), state_(state) {}

  Status prepare() {
    auto c = Pop3Client::connect(settings_.connection);
    if (!c) return c.error();
    client_ = std::move(*c);
    auto listed = client_->list();
    if (!listed) return listed.error();
    listed_ = std::move(*listed);
    std::set<std::string> known;
    if (profile_id_ != 0) {
      auto k = state_.archivedUids(profile_id_);
      if (!k) return k.error();
      known = std::move(*k);
    }
    for (const auto& e : listed_) {
      const bool fits = e.size <= static_cast<std::int64_t>(kMaxMessageBytes);
      if (known.count(SourceState::uidHash(e.uid)) == 0) {
        (fits ? wanted_ : too_big_).push_back(e);  // one too large is reported, then passed over (never deleted)
      } else if (settings_.delete_after_archive && fits) {
        archived_before_.push_back(e);  // archived by an earlier run, not deleted then
      }
    }
    return okStatus();
  }

  std::int64_t estimate() const override { return static_cast<std::int64_t>(wanted_.size()); }

  Status forEach(const std::function<bool(SourceMessage&&)>& each) override {
    for (const auto& e : too_big_) {
      SourceMessage m;
      m.folder = "Inbox";
      m.origin = origin(e);
      m.error = tooLargeError(e.size);
      if (!each(std::move(m))) return okStatus();
    }
    return client_->retrieve(wanted_, [&](const Pop3Entry& e, std::string&& raw) {
      SourceMessage m;
      m.folder = "Inbox";
      m.origin = origin(e);
      m.raw = std::move(raw);
      m.durable = [this, e] {
        std::lock_guard lock(mutex_);
        durable_.push_back(e);
      };
      return each(std::move(m));
    });
  }

  Status finish(std::vector<std::string>& warnings) override {
    std::vector<Pop3Entry> durable;
    {
      std::lock_guard lock(mutex_);
      durable = durable_;
    }
    if (profile_id_ != 0) {
      std::vector<std::string> uids;
      for (const auto& e : durable) uids.push_back(e.uid);
      for (const auto& e : too_big_) uids.push_back(e.uid);
      SPE_TRY(state_.addArchivedUids(profile_id_, uids));
      std::set<std::string> on_server;
      for (const auto& e : listed_) on_server.insert(SourceState::uidHash(e.uid));
      SPE_TRY(state_.keepArchivedUids(profile_id_, on_server));
    }
    if (settings_.delete_after_archive) {
      durable.insert(durable.end(), archived_before_.begin(), archived_before_.end());
      Status st = okStatus();
      for (const auto& e : durable) {
        st = client_->remove(e.number);
        if (!st) break;
      }
      if (st) st = client_->quit();  // deletions take effect here
      if (!st) {
        warnings.push_back("Archived messages could not be deleted at the source (the next run tries again): " +
                           st.error().message);
      }
      return okStatus();
    }
    (void)client_->quit();
    return okStatus();
  }

 private:
  Pop3Settings settings_;
  std::int64_t profile_id_;
  SourceState& state_;
  std::unique_ptr<Pop3Client> client_;
  std::vector<Pop3Entry> listed_, wanted_, archived_before_, too_big_;
  std::mutex mutex_;
  std::vector<Pop3Entry> durable_;
};

}  // namespace

const std::vector<std::string>& pop3DetailKeys() {
  static const std::vector<std::string> keys = {"host",
                                                "port",
                                                "protocol",
                                                "userName",
                                                "password",
                                                "ignoreSSLPolicyErrors",
                                                "targetUserFolder",
                                                "deleteAfterArchive",
                                                "timeout",
                                                "emailAddress",
                                                "unknownRecipientsFolder"};
  return keys;
}

Result<Pop3Settings> pop3Settings(const Json& details, const Json& secrets, bool multidrop) {
  Pop3Settings s;
  auto d = serverDetails(details, secrets, {"POP3", "POP3-TLS", "POP3-SSL"}, 110, 995, multidrop);
  if (!d) return d.error();
  using S = Pop3Client::Security;
  applyServerDetails(s.connection, *d, std::array{S::kNone, S::kStls, S::kTls});
  auto del = detailFlag(details, "deleteAfterArchive", false);
  if (!del) return bad("'details.deleteAfterArchive' must be true or false.");
  s.delete_after_archive = *del;
  return s;
}

Result<std::unique_ptr<MessageSource>> openPop3Source(const Pop3Settings& settings, std::int64_t profile_id,
                                                      SourceState& state) {
  auto source = std::make_unique<Pop3Source>(settings, profile_id, state);
  SPE_TRY(source->prepare());
  return std::unique_ptr<MessageSource>(std::move(source));
}

}  // namespace spe::instance
