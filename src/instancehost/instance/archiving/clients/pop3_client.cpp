#include "instancehost/instance/archiving/clients/pop3_client.h"

#include <algorithm>
#include <cstdio>
#include <map>

namespace spe::instance {
namespace {

constexpr std::size_t kMaxLine = 8192;
constexpr std::size_t kPipeline = 16;  // RETR commands ahead when the server pipelines

Error unavailable(const std::string& message) { return makeError(ErrorCode::kUnavailable, message); }

}  // namespace

std::string pop3Unstuff(std::string_view body) {
  std::string out;
  out.reserve(body.size());
  bool line_start = true;
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (line_start && body[i] == '.') {
      line_start = false;
      continue;  // the stuffed dot
    }
    out += body[i];
    line_start = body[i] == '\n';
  }
  return out;
}

Pop3Client::~Pop3Client() = default;

Result<std::string> Pop3Client::line() {
  for (;;) {
    const auto nl = net_->buffer.find('\n');
    if (nl != std::string::npos) {
      std::string out = net_->buffer.substr(0, nl);
      net_->buffer.erase(0, nl + 1);
      if (!out.empty() && out.back() == '\r') out.pop_back();
      return out;
    }
    if (net_->buffer.size() > kMaxLine) {
      net_->markBroken();
      return unavailable("The POP3 server sent a line longer than " + std::to_string(kMaxLine) + " bytes.");
    }
    SPE_TRY(net_->readMore());
  }
}

Result<std::string> Pop3Client::status(const std::string& what) {
  auto l = line();
  if (!l) return l.error();
  if (l->rfind("+OK", 0) == 0) return l->size() > 4 ? l->substr(4) : std::string();
  if (l->rfind("-ERR", 0) == 0) {
    return makeError(ErrorCode::kUnavailable,
                     "The POP3 server refused " + what + ": " + (l->size() > 5 ? l->substr(5) : std::string("-ERR")));
  }
  net_->markBroken();
  return unavailable("The server does not answer like a POP3 server ('" + l->substr(0, 80) + "').");
}

Result<std::string> Pop3Client::multiline() {
  // The body ends with CRLF "." CRLF; it may be empty (".\r\n" at once).
  std::size_t searched = 0;
  for (;;) {
    std::string& b = net_->buffer;
    if (b.rfind(".\r\n", 0) == 0) {
      b.erase(0, 3);
      return std::string();
    }
    const auto end = b.find("\r\n.\r\n", searched);
    if (end != std::string::npos) {
      std::string out = pop3Unstuff(std::string_view(b).substr(0, end + 2));
      b.erase(0, end + 5);
      return out;
    }
    searched = b.size() > 4 ? b.size() - 4 : 0;
    if (b.size() > options_.max_message_bytes + (1u << 20)) {
      net_->markBroken();
      return makeError(ErrorCode::kInvalidArgument, "A message on the POP3 server is larger than " +
                                                        std::to_string(options_.max_message_bytes >> 20) + " MB.");
    }
    SPE_TRY(net_->readMore());
  }
}

Status Pop3Client::command(const std::string& text) { return net_->write(text + "\r\n"); }

Result<std::unique_ptr<Pop3Client>> Pop3Client::connect(const Options& options) {
  auto net = MailConnection::open(
      {options.host, options.port, options.ignore_certificate_errors, options.timeout, MailConnection::Policy{}},
      options.security == Security::kTls);
  if (!net) return net.error();
  std::unique_ptr<Pop3Client> c(new Pop3Client(std::move(*net), options));
  auto greeting = c->status("the connection");
  if (!greeting) return greeting.error();
  auto capabilities = [&]() -> Result<std::vector<std::string>> {
    SPE_TRY(c->command("CAPA"));
    std::vector<std::string> caps;
    auto ok = c->status("CAPA");
    if (!ok) return caps;  // CAPA is optional (RFC 2449)
    auto body = c->multiline();
    if (!body) return body.error();
    std::size_t start = 0;
    while (start < body->size()) {
      auto end = body->find("\r\n", start);
      if (end == std::string::npos) end = body->size();
      std::string cap = body->substr(start, end - start);
      for (auto& ch : cap) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      caps.push_back(cap);
      start = end + 2;
    }
    return caps;
  };
  auto caps = capabilities();
  if (!caps) return caps.error();
  if (options.security == Security::kStls) {
    if (std::find(caps->begin(), caps->end(), "STLS") == caps->end()) {
      return unavailable("The POP3 server at " + options.host + ":" + std::to_string(options.port) +
                         " does not offer STLS; choose POP3-SSL or POP3.");
    }
    SPE_TRY(c->command("STLS"));
    SPE_TRY(c->status("STLS"));
    SPE_TRY(c->net_->startTls());
    caps = capabilities();
    if (!caps) return caps.error();
  }
  c->pipelining_ = std::find(caps->begin(), caps->end(), "PIPELINING") != caps->end();
  SPE_TRY(c->command("USER " + options.user));
  auto user = c->status("the user name");
  if (user) {
    SPE_TRY(c->command("PASS " + options.password));
    user = c->status("the password");
  }
  if (!user) {
    return makeError(ErrorCode::kPermissionDenied,
                     "The mail server refused the login of '" + options.user + "': " + user.error().message);
  }
  return c;
}

Result<std::vector<Pop3Entry>> Pop3Client::list() {
  SPE_TRY(command("UIDL"));
  SPE_TRY(status("UIDL"));
  auto body = multiline();
  if (!body) return body.error();
  std::vector<Pop3Entry> out;
  std::size_t start = 0;
  while (start < body->size()) {
    auto end = body->find("\r\n", start);
    if (end == std::string::npos) end = body->size();
    const std::string l = body->substr(start, end - start);
    start = end + 2;
    const auto space = l.find(' ');
    if (space == std::string::npos || space == 0) continue;
    Pop3Entry e;
    try {
      e.number = std::stoi(l.substr(0, space));
    } catch (...) {
      continue;
    }
    e.uid = l.substr(space + 1, 70);
    if (e.number > 0 && !e.uid.empty()) out.push_back(std::move(e));
  }
  SPE_TRY(command("LIST"));
  SPE_TRY(status("LIST"));
  auto sizes = multiline();
  if (!sizes) return sizes.error();
  std::map<int, std::int64_t> by_number;
  for (std::size_t pos = 0; pos < sizes->size();) {
    auto end = sizes->find("\r\n", pos);
    if (end == std::string::npos) end = sizes->size();
    const std::string l = sizes->substr(pos, end - pos);
    pos = end + 2;
    int number = 0;
    long long size = 0;
    if (std::sscanf(l.c_str(), "%d %lld", &number, &size) == 2) by_number[number] = size;
  }
  for (auto& e : out) {
    if (auto it = by_number.find(e.number); it != by_number.end()) e.size = it->second;
  }
  return out;
}

Status Pop3Client::retrieve(const std::vector<Pop3Entry>& entries,
                            const std::function<bool(const Pop3Entry&, std::string&& raw)>& each) {
  const std::size_t ahead = pipelining_ ? kPipeline : 1;
  std::size_t sent = 0;
  bool stopped = false;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    while (!stopped && sent < entries.size() && sent < i + ahead) {
      SPE_TRY(command("RETR " + std::to_string(entries[sent].number)));
      ++sent;
    }
    if (i >= sent) break;
    auto ok = status("message " + std::to_string(entries[i].number));
    if (!ok) {
      if (ok.error().code != ErrorCode::kUnavailable || net_->broken()) return ok.error();
      continue;  // -ERR: gone meanwhile
    }
    auto raw = multiline();
    if (!raw) return raw.error();
    if (!stopped && !each(entries[i], std::move(*raw))) stopped = true;
  }
  return okStatus();
}

Status Pop3Client::remove(int number) {
  SPE_TRY(command("DELE " + std::to_string(number)));
  auto st = status("deleting message " + std::to_string(number));
  if (!st) return st.error();
  return okStatus();
}

Status Pop3Client::quit() {
  if (net_->broken()) return okStatus();
  SPE_TRY(command("QUIT"));
  auto st = status("QUIT (deleting messages)");
  net_->markBroken();
  if (!st) return st.error();
  return okStatus();
}

}  // namespace spe::instance
