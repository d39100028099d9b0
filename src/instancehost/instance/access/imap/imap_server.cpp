#include "instancehost/instance/access/imap/imap_server.h"

#include <algorithm>
#include <array>
#include <boost/asio/steady_timer.hpp>

#include "common/base/logging.h"
#include "common/imap/command.h"
#include "common/imap/mailbox_pattern.h"
#include "common/imap/utf7.h"
#include "common/rpc/rpc.h"
#include "instancehost/instance/access/end_user_login.h"
#include "instancehost/instance/access/imap/fetch.h"
#include "instancehost/instance/access/imap/mailboxes.h"
#include "instancehost/instance/access/imap/refusals.h"
#include "instancehost/instance/access/imap/search.h"
#include "instancehost/instance/model/readable_archives.h"

namespace spe::instance {
namespace {

constexpr std::size_t kFetchBatch = 32;
constexpr std::size_t kFlushBytes = 256 * 1024;

std::string decodeName(const std::string& wire) {
  auto utf8 = imapUtf7Decode(wire);
  return utf8 ? *utf8 : wire;
}

class ImapSession : public std::enable_shared_from_this<ImapSession> {
 public:
  ImapSession(std::shared_ptr<ByteStream> stream, InstanceContext& ctx, asio::thread_pool& pool,
              ImapServerOptions options, EndUserLogin login, std::optional<std::vector<std::string>> archives)
      : ctx_(ctx),
        login_(std::move(login)),
        stream_(std::move(stream)),
        pool_(pool),
        options_(options),
        view_(std::make_shared<ImapUserView>(ctx, login_.name, std::move(archives))),
        timer_(stream_->executor()) {}

  asio::awaitable<void> run() {
    auto self = shared_from_this();
    asio::co_spawn(stream_->executor(), watchdog(self), asio::detached);
    std::array<char, 16384> buf{};
    ImapCommandParser parser;
    bool open = true;
    while (open) {
      ErrorCodeT ec;
      const std::size_t n = co_await stream_->readSome(asio::buffer(buf), ec);
      if (ec || n == 0) break;
      last_activity_ = std::chrono::steady_clock::now();
      std::string_view data(buf.data(), n);
      while (open && !data.empty()) {
        const auto step = parser.feed(data);
        data.remove_prefix(step.consumed);
        switch (step.state) {
          case ImapCommandParser::State::kNeedMore: break;
          case ImapCommandParser::State::kContinue:
            out_ += "+ OK\r\n";
            open = co_await flush();
            break;
          case ImapCommandParser::State::kBad:
            out_ += (parser.badTag().empty() ? std::string("*") : parser.badTag()) + " BAD " + parser.errorMessage() +
                    "\r\n";
            open = co_await flush();
            break;
          case ImapCommandParser::State::kError:
            out_ += "* BYE " + parser.errorMessage() + "\r\n";
            co_await flush();
            open = false;
            break;
          case ImapCommandParser::State::kDone: {
            ImapCommand command = parser.take();
            open = co_await handle(command, parser);
            if (open) open = co_await flush();
            break;
          }
        }
      }
    }
    done_ = true;
    timer_.cancel();
    co_await stream_->shutdown();
  }

 private:
  // Every few seconds: logs out a session idle for too long, and tells an
  // IDLE client about new mail in its mailbox.
  static asio::awaitable<void> watchdog(std::shared_ptr<ImapSession> self) {
    while (!self->done_) {
      self->timer_.expires_after(self->options_.idle_poll);
      ErrorCodeT ec;
      co_await self->timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (self->done_) break;
      if (!co_await self->stillAllowed()) {  // revoked while idle: ends within one poll
        co_await self->flush();
        self->stream_->close();
        break;
      }
      if (!self->idle_tag_.empty() && self->selected_ &&
          self->view_->changes(self->selected_->path) != self->selected_->stamp) {
        self->idle_busy_ = true;
        co_await self->resync();
        co_await self->flush();
        self->idle_busy_ = false;
      }
      if (std::chrono::steady_clock::now() - self->last_activity_ > self->options_.autologout) {
        self->out_ += "* BYE Autologout; idle for too long.\r\n";
        co_await self->flush();
        self->stream_->close();
        break;
      }
    }
  }

  asio::awaitable<bool> flush() {
    if (out_.empty()) co_return true;
    std::string out = std::move(out_);
    out_.clear();
    ErrorCodeT ec;
    co_await stream_->writeAll(asio::buffer(out), ec);
    co_return !ec;
  }

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
  asio::awaitable<bool> stillAllowed() {
    if (ctx_.users.generation() == login_.generation) co_return true;
    auto ctx = &ctx_;
    auto login = login_;
    const bool safe_mode = options_.safe_mode;
    const std::string selected = selected_ ? selected_name_ : std::string();
    struct Recheck {
      EndUserLogin login;
      std::shared_ptr<ImapUserView> view;
      bool keep_selected = false;
    };
    auto work = [ctx, login, safe_mode, selected]() mutable -> Result<Recheck> {
      SPE_TRY(recheckEndUserSession(*ctx, login, "imap", safe_mode));
      auto archives = readableArchives(ctx->users, login.name);
      if (!archives) return archives.error();
      Recheck r{login, std::make_shared<ImapUserView>(*ctx, login.name, std::move(*archives))};
      if (!selected.empty()) {
        auto box = r.view->find(selected);
        r.keep_selected = box && *box && !(*box)->path.empty();
      }
      return r;
    };
    auto r = co_await blocking<Result<Recheck>>(std::move(work));
    if (!r) {
      logger("imap")->info("IMAP session of '{}' ended: {}", login_.name, r.error().message);
      out_ += "* BYE " + r.error().message + "\r\n";
      co_return false;
    }
    login_ = r->login;
    view_ = r->view;
    if (selected_ && !r->keep_selected) {
      selected_.reset();
      out_ += "* OK [CLOSED] Access to the selected mailbox was withdrawn.\r\n";
    }
    co_return true;
  }

  // In IDLE the parser hands over raw lines: this one must be DONE, which
  // ends the IDLE command (tagged with the IDLE's tag).
  asio::awaitable<void> endIdle(const ImapCommand& c, ImapCommandParser& parser) {
    parser.setRawMode(false);
    const std::string tag = std::move(idle_tag_);
    idle_tag_.clear();
    while (idle_busy_) {  // the watchdog is telling the client about new mail: let it finish
      asio::steady_timer wait(stream_->executor(), std::chrono::milliseconds(5));
      ErrorCodeT ec;
      co_await wait.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    if (imapUpper(c.raw) != "DONE") {
      tagged(tag, "BAD", "Expected DONE.");
      co_return;
    }
    co_await resync();
    tagged(tag, "OK", "IDLE terminated.");
  }

  // UID FETCH and UID SEARCH; the UID forms of write commands are refused.
  asio::awaitable<void> uidCommand(const ImapCommand& c) {
    if (c.args.empty() || c.args[0].kind != ImapValue::Kind::kAtom) {
      tagged(c.tag, "BAD", "UID needs a command.");
      co_return;
    }
    const std::string sub = imapUpper(c.args[0].text);
    std::vector<ImapValue> rest(c.args.begin() + 1, c.args.end());
    if (sub == "FETCH") co_await fetch(c, rest, true);
    else if (sub == "SEARCH") co_await search(c, rest, true);
    else if (isWriteCommand(sub)) refuse(c.tag, readOnlyRefusal("UID " + sub));
    else tagged(c.tag, "BAD", "Unknown UID command '" + c.args[0].text + "'.");
  }

  // Answers one command; false when the session is to end.
  asio::awaitable<bool> handle(ImapCommand& c, ImapCommandParser& parser) {
    if (!co_await stillAllowed()) {
      co_await flush();
      co_return false;
    }
    if (!idle_tag_.empty()) {
      co_await endIdle(c, parser);
      co_return true;
    }
    const std::string& n = c.name;
    if (n == "CAPABILITY") {
      out_ += std::string("* CAPABILITY ") + kImapAuthenticatedCapabilities + "\r\n";
      tagged(c.tag, "OK", "CAPABILITY completed.");
    } else if (n == "NOOP" || n == "CHECK") {
      co_await resync();
      tagged(c.tag, "OK", n + " completed.");
    } else if (n == "LOGOUT") {
      out_ += "* BYE Logging out.\r\n";
      tagged(c.tag, "OK", "LOGOUT completed.");
      co_await flush();
      co_return false;
    } else if (n == "ID") {
      out_ += "* ID (\"name\" \"SPE Archive\" \"support-url\" \"https://localhost/\")\r\n";
      tagged(c.tag, "OK", "ID completed.");
    } else if (n == "NAMESPACE") {
      out_ += "* NAMESPACE ((\"\" \"/\")) ((\"Other Users/\" \"/\")) NIL\r\n";
      tagged(c.tag, "OK", "NAMESPACE completed.");
    } else if (n == "LOGIN" || n == "AUTHENTICATE" || n == "STARTTLS") {
      tagged(c.tag, "BAD", "Already logged in.");
    } else if (n == "LIST" || n == "LSUB") {
      co_await list(c);
    } else if (n == "STATUS") {
      co_await status(c);
    } else if (n == "SELECT" || n == "EXAMINE") {
      co_await select(c);
    } else if (n == "CLOSE" || n == "UNSELECT") {
      if (!selected_) {
        tagged(c.tag, "BAD", "No mailbox selected.");
      } else {
        selected_.reset();
        tagged(c.tag, "OK", n + " completed.");
      }
    } else if (n == "FETCH") {
      co_await fetch(c, c.args, false);
    } else if (n == "SEARCH") {
      co_await search(c, c.args, false);
    } else if (n == "UID") {
      co_await uidCommand(c);
    } else if (n == "IDLE") {
      idle_tag_ = c.tag;
      parser.setRawMode(true);
      out_ += "+ idling\r\n";
    } else if (isWriteCommand(n)) {
      refuse(c.tag, readOnlyRefusal(n));
    } else {
      tagged(c.tag, "BAD", "Unknown command '" + n + "'.");
    }
    co_return true;
  }

  asio::awaitable<void> list(const ImapCommand& c) {
    if (c.args.size() != 2 || c.args[0].isList() || c.args[1].isList()) {
      tagged(c.tag, "BAD", c.name + " needs a reference and a mailbox pattern.");
      co_return;
    }
    const std::string pattern = decodeName(c.args[0].text + c.args[1].text);
    if (c.args[1].text.empty()) {
      out_ += "* " + c.name + " (\\Noselect) \"/\" \"\"\r\n";
      tagged(c.tag, "OK", c.name + " completed.");
      co_return;
    }
    auto view = view_;
    // Matching runs on the pool with the listing: a long pattern against
    // many mailboxes is work, and this thread serves other sessions.
    auto work = [view, pattern]() -> Result<std::vector<ImapMailbox>> {
      auto all = view->mailboxes();
      if (!all) return all.error();
      const ImapMailboxPattern plain(pattern);
      const bool inbox_pattern = imapUpper(pattern.substr(0, 5)) == "INBOX";
      const ImapMailboxPattern inbox(inbox_pattern ? "INBOX" + pattern.substr(5) : std::string());
      std::vector<ImapMailbox> matched;
      for (auto& b : *all) {
        const bool in_inbox = inbox_pattern && b.name.substr(0, 5) == "INBOX";
        if ((in_inbox ? inbox : plain).matches(b.name)) matched.push_back(std::move(b));
      }
      return matched;
    };
    auto boxes = co_await blocking<Result<std::vector<ImapMailbox>>>(std::move(work));
    if (!boxes) {
      refuse(c.tag, boxes.error());
      co_return;
    }
    for (const auto& b : *boxes) {
      std::string flags = b.has_children ? "\\HasChildren" : "\\HasNoChildren";
      if (b.path.empty()) flags += " \\Noselect";
      out_ += "* " + c.name + " (" + flags + ") \"/\" " + imapString(imapUtf7Encode(b.name)) + "\r\n";
    }
    tagged(c.tag, "OK", c.name + " completed.");
  }

  // The mailbox named in args[0], opened; nullopt after answering the error.
  asio::awaitable<std::shared_ptr<const ImapSnapshot>> openNamed(const ImapCommand& c, std::string& name) {
    if (c.args.empty() || c.args[0].isList()) {
      tagged(c.tag, "BAD", c.name + " needs a mailbox name.");
      co_return nullptr;
    }
    name = decodeName(c.args[0].text);
    auto view = view_;
    auto work = [view, name]() -> Result<std::shared_ptr<const ImapSnapshot>> {
      auto box = view->find(name);
      if (!box) return box.error();
      if (!*box) return std::shared_ptr<const ImapSnapshot>();
      if ((*box)->path.empty()) {
        return makeError(ErrorCode::kNotSupported, "'" + name + "' only holds other mailboxes.");
      }
      return view->open(**box);
    };
    auto snap = co_await blocking<Result<std::shared_ptr<const ImapSnapshot>>>(std::move(work));
    if (!snap) {
      refuse(c.tag, snap.error());
      co_return nullptr;
    }
    if (!*snap) refuse(c.tag, makeError(ErrorCode::kNotFound, "Mailbox doesn't exist: " + name));
    co_return std::move(*snap);
  }

  asio::awaitable<void> status(const ImapCommand& c) {
    if (c.args.size() != 2 || !c.args[1].isList()) {
      tagged(c.tag, "BAD", "STATUS needs a mailbox name and a list of items.");
      co_return;
    }
    if (c.args[0].isList()) {
      tagged(c.tag, "BAD", "STATUS needs a mailbox name and a list of items.");
      co_return;
    }
    const std::string name = decodeName(c.args[0].text);
    auto view = view_;
    // The counts of a mailbox no one changed come from its kept listing
    // (ImapUserView::status): no pass over its messages.
    auto work = [view, name]() -> Result<std::optional<ImapUserView::Counts>> {
      auto box = view->find(name);
      if (!box) return box.error();
      if (!*box) return std::optional<ImapUserView::Counts>();
      if ((*box)->path.empty())
        return makeError(ErrorCode::kNotSupported, "'" + name + "' only holds other mailboxes.");
      auto counts = view->status(**box);
      if (!counts) return counts.error();
      return std::optional<ImapUserView::Counts>(*counts);
    };
    auto got = co_await blocking<Result<std::optional<ImapUserView::Counts>>>(std::move(work));
    if (!got) {
      refuse(c.tag, got.error());
      co_return;
    }
    if (!*got) {
      refuse(c.tag, makeError(ErrorCode::kNotFound, "Mailbox doesn't exist: " + name));
      co_return;
    }
    const ImapUserView::Counts& counts = **got;
    std::string items;
    for (const auto& item : c.args[1].items) {
      const std::string i = imapUpper(item.text);
      std::string value;
      if (i == "MESSAGES") value = std::to_string(counts.messages);
      else if (i == "UIDNEXT") value = std::to_string(counts.uid_next);
      else if (i == "UIDVALIDITY") value = std::to_string(counts.uid_validity);
      else if (i == "UNSEEN" || i == "RECENT") value = "0";
      else {
        tagged(c.tag, "BAD", "STATUS: unknown item '" + item.text + "'.");
        co_return;
      }
      items += (items.empty() ? "" : " ") + i + " " + value;
    }
    out_ += "* STATUS " + imapString(imapUtf7Encode(name)) + " (" + items + ")\r\n";
    tagged(c.tag, "OK", "STATUS completed.");
  }

  asio::awaitable<void> select(const ImapCommand& c) {
    selected_.reset();  // a failed SELECT leaves none selected
    std::string name;
    auto snap = co_await openNamed(c, name);
    if (!snap) co_return;
    out_ += "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n";
    out_ += "* OK [PERMANENTFLAGS ()] Read-only mailbox.\r\n";
    out_ += "* " + std::to_string(snap->messages.size()) + " EXISTS\r\n";
    out_ += "* 0 RECENT\r\n";
    out_ += "* OK [UIDVALIDITY " + std::to_string(snap->uid_validity) + "] UIDs valid\r\n";
    out_ += "* OK [UIDNEXT " + std::to_string(snap->uid_next) + "] Predicted next UID\r\n";
    selected_ = std::move(snap);
    selected_name_ = name;
    tagged(c.tag, "OK", "[READ-ONLY] " + c.name + " completed.");
  }

  // Reports what changed in the selected mailbox since it was last looked
  // at; nothing to do (and no work on the pool) while its folder's stamp
  // stands.
  asio::awaitable<void> resync() {
    if (!selected_ || view_->changes(selected_->path) == selected_->stamp) co_return;
    auto view = view_;
    const std::string name = selected_name_;
    auto work = [view, name]() -> Result<std::shared_ptr<const ImapSnapshot>> {
      auto box = view->find(name);
      if (!box) return box.error();
      if (!*box) return makeError(ErrorCode::kNotFound, "gone");
      return view->open(**box);
    };
    auto got = co_await blocking<Result<std::shared_ptr<const ImapSnapshot>>>(std::move(work));
    if (!got) co_return;  // reported on the next command that needs it
    const auto& snap = *got;
    std::vector<std::uint32_t> now;
    for (const auto& m : snap->messages) now.push_back(m.uid);
    for (std::size_t i = selected_->messages.size(); i-- > 0;) {
      if (!std::binary_search(now.begin(), now.end(), selected_->messages[i].uid)) {
        out_ += "* " + std::to_string(i + 1) + " EXPUNGE\r\n";
      }
    }
    if (snap->messages.size() != selected_->messages.size() ||
        (!now.empty() && now.back() != selected_->messages.back().uid)) {
      out_ += "* " + std::to_string(snap->messages.size()) + " EXISTS\r\n";
    }
    selected_ = snap;
  }

  // Positions in the selected mailbox of a sequence or UID set.
  Result<std::vector<std::size_t>> positions(const std::string& set_text, bool uid) {
    const auto& msgs = selected_->messages;
    const std::uint32_t max = uid ? (msgs.empty() ? 0 : msgs.back().uid) : static_cast<std::uint32_t>(msgs.size());
    auto set = parseSequenceSet(set_text, std::max<std::uint32_t>(max, 1));
    if (!set) return set.error();
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < msgs.size(); ++i) {
      if (set->contains(uid ? msgs[i].uid : static_cast<std::uint32_t>(i + 1))) out.push_back(i);
    }
    if (!uid && !msgs.empty()) {
      for (const auto& [lo, hi] : set->ranges) {
        if (hi > msgs.size())
          return makeError(ErrorCode::kInvalidArgument, "Invalid message sequence number: " + std::to_string(hi));
      }
    }
    return out;
  }

  asio::awaitable<void> fetch(const ImapCommand& c, const std::vector<ImapValue>& args, bool uid) {
    if (!selected_) {
      tagged(c.tag, "BAD", "No mailbox selected.");
      co_return;
    }
    if (args.size() != 2 || args[0].kind != ImapValue::Kind::kAtom) {
      tagged(c.tag, "BAD", "FETCH needs a message set and data items.");
      co_return;
    }
    auto items = parseFetchItems(args[1], uid);
    if (!items) {
      refuse(c.tag, items.error());
      co_return;
    }
    auto pos = positions(args[0].text, uid);
    if (!pos) {
      refuse(c.tag, pos.error());
      co_return;
    }
    const bool content = needsContent(*items);
    const auto shared = selected_;  // the snapshot this FETCH answers from
    const ImapSnapshot& snapshot = *shared;
    auto view = view_;
    for (std::size_t start = 0; start < pos->size(); start += kFetchBatch) {
      const std::size_t end = std::min(pos->size(), start + kFetchBatch);
      if (!content) {
        for (std::size_t k = start; k < end; ++k) {
          const std::size_t i = (*pos)[k];
          out_ += renderFetch(static_cast<std::uint32_t>(i + 1), snapshot.messages[i], nullptr, *items);
        }
      } else {
        // Reading and rendering (MIME structure, sections of big messages)
        // both run on the pool: this thread serves every other session.
        std::vector<ImapMessageRef> refs;
        std::vector<std::uint32_t> seqs;
        for (std::size_t k = start; k < end; ++k) {
          refs.push_back(snapshot.messages[(*pos)[k]]);
          seqs.push_back(static_cast<std::uint32_t>((*pos)[k] + 1));
        }
        auto work = [view, refs, seqs, fetch_items = *items]() -> Result<std::string> {
          const std::vector<Result<std::string>> raws = view->read(refs);
          std::string rendered;
          for (std::size_t k = 0; k < refs.size() && k < raws.size(); ++k) {
            const auto& r = raws[k];
            if (!r) {
              return makeError(r.error().code, "message " + std::to_string(refs[k].message_id) + " of store " +
                                                   std::to_string(refs[k].store_id) + ": " + r.error().message);
            }
            rendered += renderFetch(seqs[k], refs[k], &r.value(), fetch_items);
          }
          return rendered;
        };
        auto rendered = co_await blocking<Result<std::string>>(std::move(work));
        if (!rendered) {
          logger("imap")->error("cannot read messages: {}", rendered.error().message);
          refuse(c.tag, makeError(ErrorCode::kIo, "A message could not be read from the archive."));
          co_return;
        }
        out_ += *rendered;
      }
      if (out_.size() >= kFlushBytes && !co_await flush()) co_return;
    }
    tagged(c.tag, "OK", std::string(uid ? "UID " : "") + "FETCH completed.");
  }

  asio::awaitable<void> search(const ImapCommand& c, const std::vector<ImapValue>& args, bool uid) {
    if (!selected_) {
      tagged(c.tag, "BAD", "No mailbox selected.");
      co_return;
    }
    // An unknown charset has its own response code, which names the ones
    // we take (RFC 3501 6.4.4); it is answered here, before the search.
    if (args.size() >= 2 && args[0].isAtom("CHARSET")) {
      const std::string charset = imapUpper(args[1].text);
      if (charset != "UTF-8" && charset != "US-ASCII") {
        tagged(c.tag, "NO", "[BADCHARSET (UTF-8 US-ASCII)] The charset '" + args[1].text + "' is not supported.");
        co_return;
      }
    }
    auto view = view_;
    const auto shared = selected_;
    auto work = [view, shared, args] {
      ImapSearchBackend backend;
      backend.read = [view](const ImapMessageRef& m) { return view->read(m); };
      backend.text = [view, shared](const std::string& field, const std::string& text) {
        return view->searchText(*shared, field, text);
      };
      return imapSearch(args, *shared, backend);
    };
    auto found = co_await blocking<Result<std::vector<std::size_t>>>(std::move(work));
    if (!found) {
      refuse(c.tag, found.error());
      co_return;
    }
    std::string line = "* SEARCH";
    for (std::size_t i : *found) line += " " + std::to_string(uid ? shared->messages[i].uid : i + 1);
    out_ += line + "\r\n";
    tagged(c.tag, "OK", std::string(uid ? "UID " : "") + "SEARCH completed.");
  }

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
};

asio::awaitable<void> startSession(std::shared_ptr<ByteStream> stream, Json answer,
                                   std::shared_ptr<ImapSession> session) {
  ErrorCodeT ec;
  co_await writeFrame(*stream, answer, ec);
  if (ec) {
    stream->close();
    co_return;
  }
  if (!session) {
    co_await stream->shutdown();
    co_return;
  }
  co_await session->run();
}

}  // namespace

void ImapServer::accept(std::shared_ptr<ByteStream> stream, const Json& params, Json id) {
  // Fields of another type count as empty: the login fails like a wrong password.
  const std::string user = stringOf(params, "userName").value_or("");
  const std::string password = stringOf(params, "password").value_or("");
  const std::string client = stringOf(params, "clientAddress").value_or("");
  // Password hashing is slow on purpose: not on the network thread.
  asio::post(pool_, [this, stream, user, password, client, id]() mutable {
    const auto started = std::chrono::steady_clock::now();
    Json answer{{"id", id}};
    std::shared_ptr<ImapSession> session;
    auto login = offloadedCall<Result<EndUserLogin>>(
        [&] { return checkEndUserLogin(ctx_, user, password, "imap", options_.safe_mode, client); });
    Result<std::optional<std::vector<std::string>>> archives = login ? readableArchives(ctx_.users, login->name)
                                                                     : login.error();
    if (!archives) {
      logger("imap")->info("IMAP login of '{}' from {} refused: {}", user, client, archives.error().message);
      answer["error"] = rpcErrorToJson(archives.error());
    } else {
      // The time the instance took (password check, grants) for login latency; the CAS logs the whole.
      const auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
      logger("imap")->info("IMAP login of '{}' from {} ({:.1f} ms in the instance)", login->name, client, ms);
      answer["result"] = Json{{"userName", login->name}};
      session = std::make_shared<ImapSession>(stream, ctx_, pool_, options_, *login, std::move(*archives));
    }
    asio::co_spawn(stream->executor(), startSession(stream, std::move(answer), std::move(session)), asio::detached);
  });
}

}  // namespace spe::instance
