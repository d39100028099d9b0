#include <algorithm>

#include "common/imap/mailbox_pattern.h"
#include "common/imap/utf7.h"
#include "instancehost/instance/access/imap/fetch.h"
#include "instancehost/instance/access/imap/imap_session.h"

namespace spe::instance {
namespace {

std::string decodeName(const std::string& wire) {
  auto utf8 = imapUtf7Decode(wire);
  return utf8 ? *utf8 : wire;
}

}  // namespace

asio::awaitable<void> ImapSession::list(const ImapCommand& c) {
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
asio::awaitable<std::shared_ptr<const ImapSnapshot>> ImapSession::openNamed(const ImapCommand& c, std::string& name) {
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

asio::awaitable<void> ImapSession::status(const ImapCommand& c) {
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
    if ((*box)->path.empty()) return makeError(ErrorCode::kNotSupported, "'" + name + "' only holds other mailboxes.");
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

asio::awaitable<void> ImapSession::select(const ImapCommand& c) {
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
asio::awaitable<void> ImapSession::resync() {
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

}  // namespace spe::instance
