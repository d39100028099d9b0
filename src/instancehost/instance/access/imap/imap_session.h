// One authenticated IMAP session of the instance's IMAP server
// (imap_server.h): reads commands off its stream, answers them from the
// user's view of the archive (mailboxes.h), and watches for idle timeouts,
// revoked access and new mail. The connection loop and command dispatch are
// in imap_session.cpp, the mailbox commands (LIST, STATUS, SELECT, resync)
// in imap_session_mailboxes.cpp, FETCH and SEARCH in
// imap_session_messages.cpp.
// Thread safety: every member runs on the stream's executor; database and
// store work goes to the pool through blocking().
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/imap/command.h"
#include "common/metrics/metrics.h"
#include "instancehost/instance/access/end_user_login.h"
#include "instancehost/instance/access/imap/imap_server.h"
#include "instancehost/instance/access/imap/mailboxes.h"
#include "instancehost/instance/access/imap/refusals.h"

namespace spe::instance {

class ImapSession : public std::enable_shared_from_this<ImapSession> {
 public:
  ImapSession(std::shared_ptr<ByteStream> stream, InstanceContext& ctx, asio::thread_pool& pool,
              ImapServerOptions options, EndUserLogin login, std::optional<std::vector<std::string>> archives)
      : in_use_("spe_imap_sessions", "IMAP sessions logged in now."),
        ctx_(ctx),
        login_(std::move(login)),
        stream_(std::move(stream)),
        pool_(pool),
        options_(options),
        view_(std::make_shared<ImapUserView>(ctx, login_.name, std::move(archives))),
        timer_(stream_->executor()) {}

  // Serves the session until the client logs out or the stream ends.
  asio::awaitable<void> run();

 private:
  // Every few seconds: logs out a session idle for too long, and tells an
  // IDLE client about new mail in its mailbox.
  static asio::awaitable<void> watchdog(std::shared_ptr<ImapSession> self);

  asio::awaitable<bool> flush();

  void tagged(const std::string& tag, const std::string& status, const std::string& text) {
    out_ += tag + " " + status + " " + text + "\r\n";
  }

  // The one way a failed command is answered (imapRefusalFor).
  void refuse(const std::string& tag, const Error& e) {
    tagged(tag, imapRefusalFor(e.code).status, imapRefusalText(e));
  }

  template <typename T, typename Fn>
  auto blocking(Fn fn) {
    return offload<T>(pool_, std::move(fn));
  }

  // Checks the session again when a user or grant changed (cheap
  // otherwise): a revoked session gets "* BYE" (false; the caller closes);
  // changed grants replace the view (the next LIST/SELECT/FETCH sees them),
  // and a selected mailbox the user may no longer read is closed.
  asio::awaitable<bool> stillAllowed();

  // In IDLE the parser hands over raw lines: this one must be DONE, which
  // ends the IDLE command (tagged with the IDLE's tag).
  asio::awaitable<void> endIdle(const ImapCommand& c, ImapCommandParser& parser);

  // UID FETCH and UID SEARCH; the UID forms of write commands are refused.
  asio::awaitable<void> uidCommand(const ImapCommand& c);

  // Answers one command; false when the session is to end.
  asio::awaitable<bool> handle(ImapCommand& c, ImapCommandParser& parser);

  // LIST and LSUB: the user's mailboxes whose names match the pattern.
  asio::awaitable<void> list(const ImapCommand& c);

  // The mailbox named in args[0], opened; nullptr after answering the error.
  asio::awaitable<std::shared_ptr<const ImapSnapshot>> openNamed(const ImapCommand& c, std::string& name);

  // STATUS: a mailbox's counts, without selecting it.
  asio::awaitable<void> status(const ImapCommand& c);

  // SELECT and EXAMINE: both open the mailbox read-only.
  asio::awaitable<void> select(const ImapCommand& c);

  // Reports what changed in the selected mailbox since it was last looked
  // at; nothing to do (and no work on the pool) while its folder's stamp
  // stands.
  asio::awaitable<void> resync();

  // Positions in the selected mailbox of a sequence or UID set.
  Result<std::vector<std::size_t>> positions(const std::string& set_text, bool uid);

  // FETCH (UID FETCH when `uid`): messages are read and rendered on the
  // pool in batches, and the answer is flushed as it grows.
  asio::awaitable<void> fetch(const ImapCommand& c, const std::vector<ImapValue>& args, bool uid);

  // SEARCH (UID SEARCH when `uid`), run on the pool (search.h).
  asio::awaitable<void> search(const ImapCommand& c, const std::vector<ImapValue>& args, bool uid);

  metrics::InUse in_use_;
  InstanceContext& ctx_;
  EndUserLogin login_;
  std::shared_ptr<ByteStream> stream_;
  asio::thread_pool& pool_;
  ImapServerOptions options_;
  std::shared_ptr<ImapUserView> view_;
  asio::steady_timer timer_;
  std::chrono::steady_clock::time_point last_activity_ = std::chrono::steady_clock::now();
  bool done_ = false;
  std::string out_;
  std::shared_ptr<const ImapSnapshot> selected_;  // shared with the pool work that reads it
  std::string selected_name_;
  std::string idle_tag_;
  bool idle_busy_ = false;
  // Messages whose content this session has fetched: each is audited once
  // per session (MessageView), so re-fetching costs a set lookup, not a
  // log write. Used by one FETCH at a time (on the pool).
  std::shared_ptr<std::set<std::pair<std::int64_t, std::int64_t>>> audited_ =
      std::make_shared<std::set<std::pair<std::int64_t, std::int64_t>>>();
};

}  // namespace spe::instance
