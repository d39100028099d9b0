#include "cas/imap_proxy.h"

#include <array>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include "common/base/crypto.h"
#include "common/base/logging.h"
#include "common/imap/command.h"
#include "common/metrics/metrics.h"
#include "common/net/accept.h"
#include "common/net/login_refusal.h"
#include "common/rpc/byte_stream.h"
#include "common/rpc/rpc.h"

namespace spe::cas {
namespace {

// The text after "NO" of a refused login: a response code (RFC 5530) chosen
// from the ErrorCode alone, then the message.
std::string loginRefusal(const Error& e) {
  std::string code;
  switch (e.code) {
    case ErrorCode::kUnauthenticated:
    case ErrorCode::kResourceExhausted: code = "AUTHENTICATIONFAILED"; break;  // wrong, or too many wrong
    case ErrorCode::kPermissionDenied: code = "AUTHORIZATIONFAILED"; break;
    default: code = "UNAVAILABLE"; break;
  }
  return "[" + code + "] " + e.message;
}

constexpr const char* kCapsBeforeTls = "IMAP4rev1 LITERAL+ ID STARTTLS LOGINDISABLED";
constexpr const char* kCapsTls = "IMAP4rev1 LITERAL+ ID AUTH=PLAIN SASL-IR";
constexpr auto kCommandTimeout = std::chrono::seconds(60);
constexpr auto kPreAuthLifetime = std::chrono::minutes(3);  // to log in, however busy the client keeps it
constexpr int kMaxFailures = 3;

class ImapLoginSession : public std::enable_shared_from_this<ImapLoginSession> {
 public:
  ImapLoginSession(tcp::socket socket, asio::ssl::context& tls, CasRoutes& routes, LoginDelays& delays,
                   InstanceCalls& calls, std::shared_ptr<ConnectionSlot> slot)
      : plain_(std::move(socket)),
        tls_ctx_(tls),
        routes_(routes),
        delays_(delays),
        calls_(calls),
        slot_(std::move(slot)) {
    ErrorCodeT ec;
    auto ep = plain_.socket().remote_endpoint(ec);
    address_ = ec ? "?" : ep.address().to_string();
  }

  asio::awaitable<void> run(bool implicit_tls) {
    auto self = shared_from_this();
    if (implicit_tls && !co_await startTls()) co_return;
    out_ = std::string("* OK [CAPABILITY ") + (tls_ ? kCapsTls : kCapsBeforeTls) + "] Archive IMAP ready.\r\n";
    if (!co_await flush()) co_return;
    // Commands before the login are short (the parser takes them in pieces);
    // this frame lives as long as the session (splice() runs inside it).
    std::array<char, 2048> buf;  // NOLINT(cppcoreguidelines-pro-type-member-init): written by each read first
    ImapCommandParser parser;
    std::string pending_tag;  // AUTHENTICATE waiting for its response line
    for (;;) {
      ErrorCodeT ec;
      beast::get_lowest_layer(plain()).expires_after(commandTimeout());
      const std::size_t n = co_await readSome(asio::buffer(buf), ec);
      if (ec || n == 0) co_return;
      std::string_view data(buf.data(), n);
      while (!data.empty()) {
        const auto step = parser.feed(data);
        data.remove_prefix(step.consumed);
        if (step.state == ImapCommandParser::State::kContinue) {
          out_ += "+ OK\r\n";
        } else if (step.state == ImapCommandParser::State::kBad) {
          out_ += (parser.badTag().empty() ? std::string("*") : parser.badTag()) + " BAD " + parser.errorMessage() +
                  "\r\n";
        } else if (step.state == ImapCommandParser::State::kError) {
          out_ += "* BYE " + parser.errorMessage() + "\r\n";
          co_await flush();
          co_return;
        } else if (step.state == ImapCommandParser::State::kDone) {
          ImapCommand c = parser.take();
          std::string user, password, tag;
          if (!pending_tag.empty()) {
            parser.setRawMode(false);
            tag = std::move(pending_tag);
            pending_tag.clear();
            if (c.raw == "*") {
              out_ += tag + " BAD Authentication canceled.\r\n";
              continue;
            }
            if (!decodePlain(c.raw, user, password)) {
              out_ += tag + " BAD Invalid AUTHENTICATE PLAIN response.\r\n";
              continue;
            }
          } else {
            const auto next = co_await command(c, parser, pending_tag, user, password);
            if (next == Next::kClose) co_return;
            if (next == Next::kContinue) continue;
            if (next == Next::kStartTls) {
              if (!data.empty()) co_return;  // bytes pipelined before the TLS handshake: refuse (injection)
              if (!co_await flush() || !co_await startTls()) co_return;
              parser = ImapCommandParser();
              break;
            }
            tag = c.tag;
          }
          // A login.
          if (co_await login(tag, user, password, data)) co_return;  // spliced or closed
          if (++failures_ >= kMaxFailures) {
            out_ += "* BYE Too many invalid login attempts.\r\n";
            co_await flush();
            co_return;
          }
        }
      }
      if (!co_await flush()) co_return;
    }
  }

 private:
  enum class Next { kContinue, kLogin, kStartTls, kClose };

  beast::tcp_stream& plain() { return tls_ ? beast::get_lowest_layer(*tls_) : plain_; }

  // A command's time, within what is left of the time to log in.
  std::chrono::steady_clock::duration commandTimeout() const {
    const auto left = started_ + kPreAuthLifetime - std::chrono::steady_clock::now();
    return std::max<std::chrono::steady_clock::duration>(
        std::min<std::chrono::steady_clock::duration>(left, kCommandTimeout), std::chrono::seconds(0));
  }

  asio::awaitable<std::size_t> readSome(asio::mutable_buffer b, ErrorCodeT& ec) {
    if (tls_) co_return co_await tls_->async_read_some(b, asio::redirect_error(asio::use_awaitable, ec));
    co_return co_await plain_.async_read_some(b, asio::redirect_error(asio::use_awaitable, ec));
  }

  asio::awaitable<bool> flush() {
    if (out_.empty()) co_return true;
    const std::string out = std::move(out_);
    out_.clear();
    ErrorCodeT ec;
    beast::get_lowest_layer(plain()).expires_after(kCommandTimeout);
    if (tls_) co_await asio::async_write(*tls_, asio::buffer(out), asio::redirect_error(asio::use_awaitable, ec));
    else co_await asio::async_write(plain_, asio::buffer(out), asio::redirect_error(asio::use_awaitable, ec));
    co_return !ec;
  }

  asio::awaitable<bool> startTls() {
    tls_ = std::make_unique<TlsStream>(std::move(plain_), tls_ctx_);
    ErrorCodeT ec;
    beast::get_lowest_layer(*tls_).expires_after(std::chrono::seconds(30));
    co_await tls_->async_handshake(asio::ssl::stream_base::server, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      logger("imap")->debug("TLS handshake with {} failed: {}", address_, ec.message());
      countTlsHandshakeFailure("imap");
    }
    co_return !ec;
  }

  // SASL PLAIN: [authzid] NUL authcid NUL password, base64.
  static bool decodePlain(const std::string& b64, std::string& user, std::string& password) {
    auto raw = base64Decode(b64);
    if (!raw) return false;
    const auto first = raw->find('\0');
    if (first == std::string::npos) return false;
    const auto second = raw->find('\0', first + 1);
    if (second == std::string::npos) return false;
    const std::string authz = raw->substr(0, first);
    user = raw->substr(first + 1, second - first - 1);
    password = raw->substr(second + 1);
    return authz.empty() || authz == user;
  }

  asio::awaitable<Next> command(const ImapCommand& c, ImapCommandParser& parser, std::string& pending_tag,
                                std::string& user, std::string& password) {
    const std::string& n = c.name;
    if (n == "CAPABILITY") {
      out_ += std::string("* CAPABILITY ") + (tls_ ? kCapsTls : kCapsBeforeTls) + "\r\n" + c.tag +
              " OK CAPABILITY completed.\r\n";
    } else if (n == "NOOP") {
      out_ += c.tag + " OK NOOP completed.\r\n";
    } else if (n == "ID") {
      out_ += "* ID (\"name\" \"SPE Archive\")\r\n" + c.tag + " OK ID completed.\r\n";
    } else if (n == "LOGOUT") {
      out_ += "* BYE Logging out.\r\n" + c.tag + " OK LOGOUT completed.\r\n";
      co_await flush();
      co_return Next::kClose;
    } else if (n == "STARTTLS") {
      if (tls_) {
        out_ += c.tag + " BAD TLS is already active.\r\n";
      } else {
        out_ += c.tag + " OK Begin TLS negotiation now.\r\n";
        co_return Next::kStartTls;
      }
    } else if (n == "LOGIN" || n == "AUTHENTICATE") {
      if (!tls_) {
        out_ += c.tag + " NO [PRIVACYREQUIRED] Log in only after STARTTLS (or use port 993).\r\n";
        co_return Next::kContinue;
      }
      if (n == "LOGIN") {
        if (c.args.size() != 2 || c.args[0].isList() || c.args[1].isList()) {
          out_ += c.tag + " BAD LOGIN needs a user name and a password.\r\n";
          co_return Next::kContinue;
        }
        user = c.args[0].text;
        password = c.args[1].text;
        co_return Next::kLogin;
      }
      if (c.args.empty() || !c.args[0].isAtom("PLAIN")) {
        out_ += c.tag + " NO [CANNOT] Only AUTHENTICATE PLAIN is supported.\r\n";
        co_return Next::kContinue;
      }
      if (c.args.size() >= 2) {
        if (!decodePlain(c.args[1].text, user, password)) {
          out_ += c.tag + " BAD Invalid AUTHENTICATE PLAIN response.\r\n";
          co_return Next::kContinue;
        }
        co_return Next::kLogin;
      }
      pending_tag = c.tag;
      parser.setRawMode(true);
      out_ += "+ \r\n";
    } else {
      out_ += c.tag + " BAD Log in first (" + n + " needs an authenticated session).\r\n";
    }
    co_return Next::kContinue;
  }

  static void countLogin(const char* result) {
    metrics::counter("spe_cas_imap_logins_total", "IMAP logins through this CAS, by result.", {{"result", result}})
        .Increment();
  }

  // True when the session is over for this coroutine (spliced or closed).
  asio::awaitable<bool> login(const std::string& tag, const std::string& name, const std::string& password,
                              std::string_view rest) {
    const auto slash = name.find('/');
    const std::string instance = slash == std::string::npos ? std::string() : name.substr(0, slash);
    const std::string user = slash == std::string::npos ? name : name.substr(slash + 1);
    std::optional<InstanceRoute> route;
    if (!instance.empty() && !user.empty()) route = co_await routes_.resolve(instance);
    // The same words for every wrong name or password, whatever the instance said.
    Error refused = makeError(ErrorCode::kUnauthenticated, "Authentication failed.");
    InstanceCalls::Permit permit;  // a stuck instance may hold a few logins of this CAS, never all of them
    if (route && !(permit = calls_.enterImap(route->instance_id))) {
      logger("imap")->warn("IMAP login of '{}' from {} refused: {} logins already wait for instance {}", name, address_,
                           calls_.limits().imap_logins, route->instance_id);
      const Error busy = makeError(ErrorCode::kUnavailable, "The archive is busy; try again in a moment.");
      out_ += tag + " NO " + loginRefusal(busy) + "\r\n";
      countLogin("busy");
      co_return false;
    }
    if (route) {
      Json params{{"instanceID", route->instance_id},
                  {"service", "imap"},
                  {"userName", user},
                  {"password", password},
                  {"clientAddress", address_}};
      const auto asked = std::chrono::steady_clock::now();
      auto stream = co_await openTlsStream(*route->context, route->host, route->port, std::move(params),
                                           calls_.limits().timeout);
      const auto took = std::chrono::steady_clock::now() - asked;
      const auto ms = std::chrono::duration<double, std::milli>(took).count();
      permit.reset();
      static auto& wait = metrics::histogram("spe_cas_imap_login_duration_seconds",
                                             "How long IMAP logins took on their way to the instance and back.", {},
                                             metrics::latencyBuckets());
      wait.Observe(std::chrono::duration<double>(took).count());
      if (stream) {
        if (slot_) slot_->authenticated();
        delays_.success(address_);
        countLogin("accepted");
        // The whole login on the way to the instance (TLS to its host, the instance's check): see
        // the instance's log for its own part.
        logger("imap")->info("IMAP login of '{}' from {} to instance {} ({:.1f} ms)", name, address_,
                             route->instance_id, ms);
        out_ += tag + " OK [CAPABILITY " + kImapAuthenticatedCapabilities + "] Logged in.\r\n";
        if (!co_await flush()) co_return true;
        auto client = std::make_shared<ByteStreamOf<TlsStream>>(std::move(*tls_), std::string(rest));
        co_await splice(client, *stream);
        co_return true;
      }
      const Error& e = stream.error();
      // The instance's words reach the client for a missing login privilege and
      // for its login guard's "too many failed logins; try again in N s".
      // So do "log in with an app password" (multi-factor login on: the
      // account password was right) and "the directory cannot check it now".
      const bool app_password_required = e.code == ErrorCode::kUnauthenticated &&
                                         e.details == kLoginAppPasswordRequired;
      const bool directory_down = e.code == ErrorCode::kUnavailable && e.details == kLoginDirectoryDown;
      if ((e.code == ErrorCode::kPermissionDenied || e.code == ErrorCode::kResourceExhausted || app_password_required ||
           directory_down) &&
          !e.message.empty()) {
        refused = e;
      }
      if (e.code != ErrorCode::kUnauthenticated && e.code != ErrorCode::kPermissionDenied &&
          e.code != ErrorCode::kResourceExhausted && !directory_down) {
        logger("imap")->warn("IMAP login of '{}' from {}: instance {} not reachable: {}", name, address_,
                             route->instance_id, e.message);
        refused = makeError(ErrorCode::kUnavailable, "The archive is not available right now; try again later.");
      }
    }
    countLogin(!route                                          ? "unknownInstance"
               : refused.code == ErrorCode::kUnavailable       ? "unavailable"
               : refused.code == ErrorCode::kResourceExhausted ? "throttled"
               : refused.code == ErrorCode::kPermissionDenied  ? "notPermitted"
                                                               : "refused");
    const auto delay = delays_.failure(address_);
    logger("imap")->info("IMAP login of '{}' from {} refused", name, address_);
    asio::steady_timer timer(co_await asio::this_coro::executor);
    timer.expires_after(delay);
    ErrorCodeT ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    out_ += tag + " NO " + loginRefusal(refused) + "\r\n";
    co_return false;
  }

  beast::tcp_stream plain_;
  std::unique_ptr<TlsStream> tls_;
  asio::ssl::context& tls_ctx_;
  CasRoutes& routes_;
  LoginDelays& delays_;
  InstanceCalls& calls_;
  std::shared_ptr<ConnectionSlot> slot_;  // of the connections not logged in
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::string address_;
  std::string out_;
  int failures_ = 0;
};

asio::awaitable<void> serveLogin(std::shared_ptr<ImapLoginSession> session, bool implicit_tls) {
  metrics::InUse open("spe_cas_connections", "End users' connections open now on this CAS, by service.",
                      {{"service", implicit_tls ? "imaps" : "imap"}});
  metrics::counter("spe_cas_connections_total", "End users' connections accepted by this CAS, by service.",
                   {{"service", implicit_tls ? "imaps" : "imap"}})
      .Increment();
  co_await session->run(implicit_tls);
}

}  // namespace

ImapProxy::ImapProxy(asio::io_context& io, CasRoutes& routes, LoginDelays& delays, SslContextPtr public_tls,
                     InstanceCalls& calls, std::shared_ptr<ConnectionLimiter> limiter)
    : io_(io),
      routes_(routes),
      tls_(std::move(public_tls)),
      delays_(delays),
      calls_(calls),
      limiter_(std::move(limiter)) {}

Result<std::uint16_t> ImapProxy::listen(const std::string& address, std::uint16_t port, bool implicit_tls) {
  auto acceptor = std::make_unique<tcp::acceptor>(io_);
  auto bound = bindAcceptor(*acceptor, address, port, implicit_tls ? "IMAPS" : "IMAP");
  if (!bound) return bound.error();
  // 993 speaks TLS from the first byte: a refused client just sees the connection close.
  const std::string refusal = implicit_tls ? std::string()
                                           : std::string("* BYE Too many connections; try again later.\r\n");
  acceptConnections(
      io_, *acceptor, limiter_, implicit_tls ? "IMAPS" : "IMAP",
      [this, implicit_tls](tcp::socket socket, std::shared_ptr<ConnectionSlot> slot) {
        auto session = std::make_shared<ImapLoginSession>(std::move(socket), *tls_, routes_, delays_, calls_,
                                                          std::move(slot));
        return serveLogin(std::move(session), implicit_tls);
      },
      refusal);
  acceptors_.push_back(std::move(acceptor));
  return bound;
}

void ImapProxy::stop() {
  asio::post(io_, [this] {
    for (auto& a : acceptors_) {
      ErrorCodeT ec;
      a->close(ec);
    }
  });
}

}  // namespace spe::cas
