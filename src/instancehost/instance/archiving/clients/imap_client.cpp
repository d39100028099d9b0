#include "instancehost/instance/archiving/clients/imap_client.h"

#include <algorithm>
#include <optional>

#include "common/base/text.h"
#include "common/imap/utf7.h"
#include "instancehost/instance/archiving/clients/mail_connection.h"

namespace spe::instance {
namespace {

Error unavailable(const std::string& message, const std::string& details = {}) {
  return makeError(ErrorCode::kUnavailable, message, details);
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// How much of a server's text an error quotes (a hostile server may send a lot).
constexpr std::size_t kTextShown = 300;
// Folders a LIST may name: more is no mailbox but an attack on our memory.
constexpr std::size_t kMaxFolders = 100000;

// A mailbox name or other string argument: quoted, or a literal.
struct Argument {
  std::string text;
  bool literal = false;
};

bool hasCapability(const std::vector<std::string>& capabilities, const std::string& cap) {
  return std::find(capabilities.begin(), capabilities.end(), cap) != capabilities.end();
}

Argument argument(const std::string& s) {
  if (auto q = imapQuoted(s)) return {*q, false};
  return {s, true};
}

}  // namespace

struct ImapClient::Connection {
  std::unique_ptr<MailConnection> net;
  ImapResponseParser parser;
  std::size_t next_tag = 0;
  bool broken() const { return net->broken(); }

  Status write(const std::string& bytes) { return net->write(bytes); }

  Result<ImapResponse> read() {
    for (;;) {
      if (!net->buffer.empty()) {
        const auto step = parser.feed(net->buffer);
        net->buffer.erase(0, step.consumed);
        if (step.state == ImapResponseParser::State::kError) {
          net->markBroken();
          return unavailable(parser.errorMessage());
        }
        if (step.state == ImapResponseParser::State::kDone) {
          ImapResponse r = parser.take();
          if (r.kind == ImapResponse::Kind::kUntagged && r.status == "BYE") net->setGoodbye(r.text);
          return r;
        }
      }
      SPE_TRY(net->readMore());
    }
  }

  std::string tag() { return "s" + std::to_string(++next_tag); }

  // Sends a command whose arguments may include literals (waiting for the
  // server's go-ahead unless it takes LITERAL+).
  Status send(const std::string& tag, const std::vector<Argument>& parts, bool literal_plus) {
    std::string line = tag;
    for (const auto& p : parts) {
      line += ' ';
      if (!p.literal) {
        line += p.text;
        continue;
      }
      line += "{" + std::to_string(p.text.size()) + (literal_plus ? "+" : "") + "}\r\n";
      if (!literal_plus) {
        SPE_TRY(write(line));
        line.clear();
        auto go = read();
        if (!go) return go.error();
        if (go->kind != ImapResponse::Kind::kContinuation) {
          return unavailable("The mail server refused a command: " + printable(go->text, kTextShown));
        }
      }
      line += p.text;
    }
    return write(line + "\r\n");
  }

  // Reads until the tagged answer to `tag`; untagged responses go to
  // `untagged`. NO and BAD are errors with the server's text.
  Status complete(const std::string& tag, const std::string& what, const std::function<void(ImapResponse&)>& untagged) {
    for (;;) {
      auto r = read();
      if (!r) return r.error();
      if (r->kind == ImapResponse::Kind::kTagged && r->tag == tag) {
        if (r->status == "OK") return okStatus();
        return makeError(r->status == "NO" ? ErrorCode::kUnavailable : ErrorCode::kInternal,
                         "The mail server refused " + what + ": " + printable(r->text, kTextShown));
      }
      if (r->kind == ImapResponse::Kind::kUntagged && untagged) untagged(*r);
    }
  }
};

ImapClient::ImapClient(std::unique_ptr<Connection> c, Options options)
    : c_(std::move(c)), options_(std::move(options)) {}
ImapClient::~ImapClient() = default;

Result<std::unique_ptr<ImapClient>> ImapClient::connect(const Options& options) {
  auto c = std::make_unique<Connection>();
  ImapResponseParser::Limits limits;
  limits.max_literal = options.max_message_bytes;
  limits.max_total = options.max_message_bytes + (16u << 20);
  c->parser = ImapResponseParser(limits);
  const std::string where = options.host + ":" + std::to_string(options.port);
  auto net = MailConnection::open(
      {options.host, options.port, options.ignore_certificate_errors, options.timeout, options.policy},
      options.security == Security::kTls);
  if (!net) return net.error();
  c->net = std::move(*net);

  auto greeting = c->read();
  if (!greeting) return greeting.error();
  if (greeting->status == "BYE")
    return unavailable("The mail server refused the connection: " + printable(greeting->text, kTextShown));
  if (greeting->status != "OK" && greeting->status != "PREAUTH") {
    return unavailable("The server at " + where + " does not greet like an IMAP server.");
  }
  std::vector<std::string> caps;
  auto capabilities = [&]() -> Status {
    caps.clear();
    const std::string tag = c->tag();
    SPE_TRY(c->write(tag + " CAPABILITY\r\n"));
    return c->complete(tag, "CAPABILITY", [&](ImapResponse& r) {
      if (!r.data.empty() && r.data[0].isAtom("CAPABILITY")) {
        for (std::size_t i = 1; i < r.data.size(); ++i) caps.push_back(upper(r.data[i].str()));
      }
    });
  };
  SPE_TRY(capabilities());
  auto has = [&](const std::string& cap) { return hasCapability(caps, cap); };
  if (options.security == Security::kStartTls) {
    if (!has("STARTTLS")) {
      return unavailable("The mail server at " + where + " does not offer STARTTLS; choose IMAP-SSL or IMAP.");
    }
    const std::string tag = c->tag();
    SPE_TRY(c->write(tag + " STARTTLS\r\n"));
    SPE_TRY(c->complete(tag, "STARTTLS", nullptr));
    SPE_TRY(c->net->startTls());
    SPE_TRY(capabilities());  // they may differ after TLS
  }
  if (greeting->status != "PREAUTH") {
    if (has("LOGINDISABLED")) {
      return unavailable("The mail server does not allow logging in on this connection (LOGINDISABLED); use TLS.");
    }
    const std::string tag = c->tag();
    SPE_TRY(c->send(tag, {{"LOGIN", false}, argument(options.user), argument(options.password)}, has("LITERAL+")));
    auto login = c->complete(tag, "the login", nullptr);
    if (!login) {
      return makeError(ErrorCode::kPermissionDenied,
                       "The mail server refused the login of '" + options.user + "': " + login.error().message);
    }
    SPE_TRY(capabilities());
  }
  std::unique_ptr<ImapClient> client(new ImapClient(std::move(c), options));
  client->capabilities_ = std::move(caps);
  return client;
}

Result<std::vector<ImapFolder>> ImapClient::list() {
  std::vector<ImapFolder> out;
  const std::string tag = c_->tag();
  SPE_TRY(c_->write(tag + " LIST \"\" \"*\"\r\n"));
  bool too_many = false;
  SPE_TRY(c_->complete(tag, "the folder list", [&](ImapResponse& r) {
    if (r.data.size() < 4 || !r.data[0].isAtom("LIST") || !r.data[1].isList()) return;
    if (out.size() >= kMaxFolders) {
      too_many = true;
      return;
    }
    ImapFolder f;
    for (const auto& flag : r.data[1].items) {
      if (flag.isAtom("\\Noselect") || flag.isAtom("\\NonExistent")) f.selectable = false;
    }
    f.separator = r.data[2].kind == ImapValue::Kind::kNil || r.data[2].str().empty() ? '\0' : r.data[2].str()[0];
    f.wire_name = r.data[3].str();
    auto decoded = imapUtf7Decode(f.wire_name);
    f.name = decoded ? *decoded : f.wire_name;
    out.push_back(std::move(f));
  }));
  if (too_many) {
    return unavailable("The mail server lists more than " + std::to_string(kMaxFolders) + " folders.");
  }
  return out;
}

Result<ImapFolderState> ImapClient::open(const ImapFolder& folder, bool writable) {
  ImapFolderState state;
  const std::string tag = c_->tag();
  SPE_TRY(c_->send(tag, {{writable ? "SELECT" : "EXAMINE", false}, argument(folder.wire_name)},
                   hasCapability(capabilities_, "LITERAL+")));
  SPE_TRY(c_->complete(tag, "opening the folder '" + folder.name + "'", [&](ImapResponse& r) {
    if (r.status == "OK" && r.code.size() >= 2) {
      const auto n = r.code[1].number();
      if (r.code[0].isAtom("UIDVALIDITY") && n) state.uid_validity = static_cast<std::uint32_t>(*n);
      if (r.code[0].isAtom("UIDNEXT") && n) state.uid_next = static_cast<std::uint32_t>(*n);
    }
    if (r.data.size() == 2 && r.data[1].isAtom("EXISTS")) {
      if (const auto n = r.data[0].number()) state.exists = static_cast<std::uint32_t>(*n);
    }
  }));
  selected_ = folder.wire_name;
  return state;
}

Result<std::vector<std::uint32_t>> ImapClient::uidsAfter(std::uint32_t after, const std::string& criteria) {
  std::vector<std::uint32_t> out;
  const std::string tag = c_->tag();
  SPE_TRY(c_->write(tag + " UID SEARCH UID " + std::to_string(after + 1) + ":*" +
                    (criteria.empty() ? std::string() : " " + criteria) + "\r\n"));
  SPE_TRY(c_->complete(tag, "the message list", [&](ImapResponse& r) {
    if (r.data.empty() || !r.data[0].isAtom("SEARCH")) return;
    for (std::size_t i = 1; i < r.data.size(); ++i) {
      const auto n = r.data[i].number();
      if (n && *n > after && *n <= 0xFFFFFFFF) out.push_back(static_cast<std::uint32_t>(*n));
    }
  }));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Status ImapClient::fetch(const std::vector<std::uint32_t>& uids, std::size_t batch,
                         const std::function<bool(ImapMessage&&)>& each) {
  batch = std::max<std::size_t>(batch, 1);
  std::vector<std::vector<std::uint32_t>> batches;
  for (std::size_t i = 0; i < uids.size(); i += batch) {
    batches.emplace_back(uids.begin() + static_cast<std::ptrdiff_t>(i),
                         uids.begin() + static_cast<std::ptrdiff_t>(std::min(uids.size(), i + batch)));
  }
  std::vector<std::string> tags;
  auto sendBatch = [&](std::size_t k) -> Status {
    tags.push_back(c_->tag());
    return c_->write(tags.back() + " UID FETCH " + imapSequenceSet(batches[k]) +
                     " (UID FLAGS INTERNALDATE BODY.PEEK[])\r\n");
  };
  bool stopped = false;
  Status failure = okStatus();
  auto onFetch = [&](ImapResponse& r) {
    if (stopped || r.data.size() < 3 || !r.data[1].isAtom("FETCH") || !r.data[2].isList()) return;
    ImapMessage m;
    bool has_body = false;
    const auto& items = r.data[2].items;
    for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
      const auto& key = items[i];
      const auto& value = items[i + 1];
      if (key.isAtom("UID")) {
        if (const auto n = value.number()) m.uid = static_cast<std::uint32_t>(*n);
      } else if (key.isAtom("FLAGS")) {
        for (const auto& f : value.items) m.flags.push_back(f.str());
      } else if (key.isAtom("INTERNALDATE")) {
        m.internal_date = value.str();
      } else if (key.isAtom("BODY[]")) {
        m.raw = value.str();
        has_body = true;
      }
    }
    if (!has_body || m.uid == 0) return;  // a flag update, not our message
    if (!each(std::move(m))) stopped = true;
  };
  std::size_t sent = 0;
  for (; sent < batches.size() && sent < 2; ++sent) SPE_TRY(sendBatch(sent));
  for (std::size_t k = 0; k < batches.size(); ++k) {
    auto st = c_->complete(tags[k], "fetching messages", onFetch);
    if (!st) return st;
    if (!stopped && sent < batches.size()) SPE_TRY(sendBatch(sent++));
    if (stopped && k + 1 >= sent) break;  // every command sent was answered
  }
  return failure;
}

Result<std::map<std::uint32_t, std::int64_t>> ImapClient::sizes(const std::vector<std::uint32_t>& uids) {
  std::map<std::uint32_t, std::int64_t> out;
  if (uids.empty()) return out;
  const std::string tag = c_->tag();
  SPE_TRY(c_->write(tag + " UID FETCH " + imapSequenceSet(uids) + " (UID RFC822.SIZE)\r\n"));
  SPE_TRY(c_->complete(tag, "the message sizes", [&](ImapResponse& r) {
    if (r.data.size() < 3 || !r.data[1].isAtom("FETCH") || !r.data[2].isList()) return;
    std::optional<std::int64_t> uid, size;
    const auto& items = r.data[2].items;
    for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
      if (items[i].isAtom("UID")) uid = items[i + 1].number();
      if (items[i].isAtom("RFC822.SIZE")) size = items[i + 1].number();
    }
    if (uid && size) out[static_cast<std::uint32_t>(*uid)] = *size;
  }));
  return out;
}

Status ImapClient::remove(const std::vector<std::uint32_t>& uids) {
  if (uids.empty()) return okStatus();
  const std::string set = imapSequenceSet(uids);
  std::string tag = c_->tag();
  SPE_TRY(c_->write(tag + " UID STORE " + set + " +FLAGS.SILENT (\\Deleted)\r\n"));
  SPE_TRY(c_->complete(tag, "deleting archived messages", nullptr));
  const bool uidplus = hasCapability(capabilities_, "UIDPLUS");
  tag = c_->tag();
  SPE_TRY(c_->write(tag + (uidplus ? " UID EXPUNGE " + set : std::string(" EXPUNGE")) + "\r\n"));
  return c_->complete(tag, "expunging archived messages", nullptr);
}

Status ImapClient::create(const std::string& name) {
  const std::string tag = c_->tag();
  SPE_TRY(c_->send(tag, {{"CREATE", false}, argument(imapUtf7Encode(name))}, hasCapability(capabilities_, "LITERAL+")));
  bool exists = false;
  auto st = c_->complete(tag, "creating the folder '" + name + "'", nullptr);
  if (!st && !c_->broken()) {
    // RFC 5530's ALREADYEXISTS, or a server that says so in words.
    const std::string text = upper(st.error().message);
    exists = text.find("ALREADYEXISTS") != std::string::npos || text.find("ALREADY EXISTS") != std::string::npos;
  }
  return exists ? okStatus() : st;
}

Result<std::vector<Status>> ImapClient::append(const std::string& wire_name, const std::vector<ImapAppend>& messages) {
  const bool literal_plus = hasCapability(capabilities_, "LITERAL+");
  auto partsOf = [](const ImapAppend& m) {
    std::vector<Argument> parts;
    std::string flags;
    for (const auto& f : m.flags) flags += (flags.empty() ? "" : " ") + f;
    parts.push_back({"(" + flags + ")", false});
    if (!m.internal_date.empty()) parts.push_back({"\"" + m.internal_date + "\"", false});
    parts.push_back({m.raw, true});
    return parts;
  };
  const Argument mailbox = argument(wire_name);
  std::vector<Status> out;
  if (messages.empty()) return out;
  if (messages.size() > 1 && hasCapability(capabilities_, "MULTIAPPEND")) {
    std::vector<Argument> parts = {{"APPEND", false}, mailbox};
    for (const auto& m : messages) {
      auto p = partsOf(m);
      parts.insert(parts.end(), p.begin(), p.end());
    }
    const std::string tag = c_->tag();
    auto st = c_->send(tag, parts, literal_plus);
    if (st) st = c_->complete(tag, "the messages", nullptr);
    if (st) return std::vector<Status>(messages.size(), okStatus());
    if (c_->broken()) return st.error();
    // All or none (RFC 3502): one at a time says which one the server refuses.
  }
  if (literal_plus) {
    std::vector<std::string> tags;
    for (const auto& m : messages) {
      tags.push_back(c_->tag());
      std::vector<Argument> parts = {{"APPEND", false}, mailbox};
      auto p = partsOf(m);
      parts.insert(parts.end(), p.begin(), p.end());
      SPE_TRY(c_->send(tags.back(), parts, true));
    }
    for (const auto& tag : tags) {
      auto st = c_->complete(tag, "the message", nullptr);
      if (!st && c_->broken()) return st.error();
      out.push_back(std::move(st));
    }
    return out;
  }
  for (const auto& m : messages) {
    const std::string tag = c_->tag();
    std::vector<Argument> parts = {{"APPEND", false}, mailbox};
    auto p = partsOf(m);
    parts.insert(parts.end(), p.begin(), p.end());
    auto st = c_->send(tag, parts, false);
    if (st) st = c_->complete(tag, "the message", nullptr);
    if (!st && c_->broken()) return st.error();
    out.push_back(std::move(st));
  }
  return out;
}

bool ImapClient::broken() const { return c_->broken(); }

Status ImapClient::logout() {
  if (c_->broken()) return okStatus();
  const std::string tag = c_->tag();
  SPE_TRY(c_->write(tag + " LOGOUT\r\n"));
  auto st = c_->complete(tag, "LOGOUT", nullptr);
  c_->net->markBroken();
  return st;
}

std::string imapSequenceSet(const std::vector<std::uint32_t>& sorted) {
  std::string out;
  for (std::size_t i = 0; i < sorted.size();) {
    std::size_t j = i;
    while (j + 1 < sorted.size() && sorted[j + 1] == sorted[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += std::to_string(sorted[i]);
    if (j > i) out += ":" + std::to_string(sorted[j]);
    i = j + 1;
  }
  return out;
}

}  // namespace spe::instance
