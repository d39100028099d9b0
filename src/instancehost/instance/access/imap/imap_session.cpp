#include "instancehost/instance/access/imap/imap_session.h"

#include <array>

#include "common/base/logging.h"
#include "instancehost/instance/model/readable_archives.h"

namespace spe::instance {

asio::awaitable<void> ImapSession::run() {
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

// Every few seconds: logs out a session idle for too long, and tells an
// IDLE client about new mail in its mailbox.
asio::awaitable<void> ImapSession::watchdog(std::shared_ptr<ImapSession> self) {
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

asio::awaitable<bool> ImapSession::flush() {
  if (out_.empty()) co_return true;
  std::string out = std::move(out_);
  out_.clear();
  ErrorCodeT ec;
  co_await stream_->writeAll(asio::buffer(out), ec);
  co_return !ec;
}

// Checks the session again when a user or grant changed (cheap
// otherwise): a revoked session gets "* BYE" (false; the caller closes);
// changed grants replace the view (the next LIST/SELECT/FETCH sees them),
// and a selected mailbox the user may no longer read is closed.
asio::awaitable<bool> ImapSession::stillAllowed() {
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
asio::awaitable<void> ImapSession::endIdle(const ImapCommand& c, ImapCommandParser& parser) {
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
asio::awaitable<void> ImapSession::uidCommand(const ImapCommand& c) {
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
asio::awaitable<bool> ImapSession::handle(ImapCommand& c, ImapCommandParser& parser) {
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

}  // namespace spe::instance
