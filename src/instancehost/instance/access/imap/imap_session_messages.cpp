#include <algorithm>
#include <set>

#include "common/base/logging.h"
#include "instancehost/instance/access/imap/fetch.h"
#include "instancehost/instance/access/imap/imap_session.h"
#include "instancehost/instance/access/imap/search.h"

namespace spe::instance {
namespace {

constexpr std::size_t kFetchBatch = 32;
constexpr std::size_t kFlushBytes = 256 * 1024;
// At most this much is reserved for a batch's response up front (a FETCH of
// BODYSTRUCTURE alone renders little of big messages).
constexpr std::size_t kRenderReserve = 4 * 1024 * 1024;

}  // namespace

// Positions in the selected mailbox of a sequence or UID set.
Result<std::vector<std::size_t>> ImapSession::positions(const std::string& set_text, bool uid) {
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

asio::awaitable<void> ImapSession::fetch(const ImapCommand& c, const std::vector<ImapValue>& args, bool uid) {
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
      auto work = [view, refs, seqs, fetch_items = *items, audited = audited_, &ctx = ctx_, user = login_.name,
                   source = login_.client_address]() -> Result<std::string> {
        const std::vector<Result<std::string>> raws = view->read(refs);
        // Every message read is audited (once per session) before any is sent,
        // the batch's entries with one write.
        std::vector<audit::AuditEntry> views;
        std::set<std::pair<std::int64_t, std::int64_t>> fresh;  // audited by this batch
        std::size_t size = 0;
        for (std::size_t k = 0; k < refs.size() && k < raws.size(); ++k) {
          const auto& r = raws[k];
          if (!r) {
            return makeError(r.error().code, "message " + std::to_string(refs[k].message_id) + " of store " +
                                                 std::to_string(refs[k].store_id) + ": " + r.error().message);
          }
          size += r->size() + 128;
          const std::pair<std::int64_t, std::int64_t> key{refs[k].store_id, refs[k].message_id};
          if (!audited->contains(key) && fresh.insert(key).second) {
            audit::AuditEntry& e = views.emplace_back();
            e.actor_kind = audit::ActorKind::kUser;
            e.actor = user;
            e.source = source;
            e.event = "MessageView";
            e.object = "store " + std::to_string(key.first) + " message " + std::to_string(key.second);
            e.details = "IMAP FETCH (once per message and session)";
          }
        }
        SPE_TRY(ctx.db.auditAll(views));
        audited->insert(fresh.begin(), fresh.end());
        std::string rendered;
        rendered.reserve(std::min(size, kRenderReserve));
        for (std::size_t k = 0; k < refs.size() && k < raws.size(); ++k) {
          rendered += renderFetch(seqs[k], refs[k], &raws[k].value(), fetch_items);
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

asio::awaitable<void> ImapSession::search(const ImapCommand& c, const std::vector<ImapValue>& args, bool uid) {
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
  auto incomplete = std::make_shared<bool>(false);
  auto work = [view, shared, args, incomplete] {
    ImapSearchBackend backend;
    backend.read = [view](const ImapMessageRef& m) { return view->read(m); };
    backend.text = [view, shared, incomplete](const std::string& field, const std::string& text) {
      return view->searchText(*shared, field, text, incomplete.get());
    };
    return imapSearch(args, *shared, backend);
  };
  auto found = co_await blocking<Result<std::vector<std::size_t>>>(std::move(work));
  if (!found) {
    refuse(c.tag, found.error());
    co_return;
  }
  // An untagged NO is a warning that does not fail the command (RFC 3501
  // 7.1.2); ALERT asks the client to show it. No index paths: the text is
  // for the end user, the provider's log and Web Access have the details.
  if (*incomplete) {
    out_ +=
        "* NO [ALERT] Some search indexes of this archive need a rebuild by your provider; "
        "this SEARCH may miss messages until then.\r\n";
  }
  std::string line = "* SEARCH";
  for (std::size_t i : *found) line += " " + std::to_string(uid ? shared->messages[i].uid : i + 1);
  out_ += line + "\r\n";
  tagged(c.tag, "OK", std::string(uid ? "UID " : "") + "SEARCH completed.");
}

}  // namespace spe::instance
