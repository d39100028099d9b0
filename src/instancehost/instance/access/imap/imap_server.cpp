#include "instancehost/instance/access/imap/imap_server.h"

#include "common/base/logging.h"
#include "common/rpc/rpc.h"
#include "instancehost/instance/access/end_user_login.h"
#include "instancehost/instance/access/imap/imap_session.h"
#include "instancehost/instance/model/readable_archives.h"

namespace spe::instance {
namespace {

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
      auditLogin(ctx_, login->name, "SessionLogin",
                 "IMAP from " + client + (login->app_password_id ? " (app password)" : ""), client);
      answer["result"] = Json{{"userName", login->name}};
      login->client_address = client;
      session = std::make_shared<ImapSession>(stream, ctx_, pool_, options_, *login, std::move(*archives));
    }
    asio::co_spawn(stream->executor(), startSession(stream, std::move(answer), std::move(session)), asio::detached);
  });
}

}  // namespace spe::instance
