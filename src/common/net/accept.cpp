#include "common/net/accept.h"

#include <chrono>

#include "common/base/logging.h"

namespace spe {
namespace {

// Refused at once: a few bytes at most, never a wait on the client.
void refuse(tcp::socket& socket, const std::string& refusal) {
  ErrorCodeT ec;
  if (!refusal.empty()) {
    socket.non_blocking(true, ec);
    socket.write_some(asio::buffer(refusal), ec);
  }
  socket.close(ec);
}

// Without a limiter every connection is served (with a null slot).
asio::awaitable<void> acceptLoop(asio::io_context& io, tcp::acceptor& acceptor,
                                 std::shared_ptr<ConnectionLimiter> limiter, std::string what,
                                 ServeLimitedConnection serve, std::string refusal) {
  auto last_logged = std::chrono::steady_clock::time_point{};
  std::size_t refused = 0;
  for (;;) {
    ErrorCodeT ec;
    tcp::socket socket(asio::make_strand(io));
    co_await acceptor.async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec) continue;
    std::shared_ptr<ConnectionSlot> slot;
    if (limiter) {
      const auto peer = socket.remote_endpoint(ec);
      const std::string address = ec ? std::string("?") : peer.address().to_string();
      slot = limiter->admit(address);
      if (!slot) {
        refuse(socket, refusal);
        ++refused;
        const auto now = std::chrono::steady_clock::now();
        if (now - last_logged > std::chrono::seconds(10)) {  // a flood must not flood the log too
          logger("net")->warn(
              "{}: refused {} connection(s) over the limits of connections not logged in "
              "({} per address, {} in all); the last from {}",
              what, refused, limiter->limits().per_address, limiter->limits().total, address);
          last_logged = now;
          refused = 0;
        }
        continue;
      }
    }
    socket.set_option(tcp::no_delay(true), ec);  // small answers must not wait for delayed ACKs
    auto ex = socket.get_executor();
    asio::co_spawn(ex, serve(std::move(socket), std::move(slot)), asio::detached);
  }
}

}  // namespace

void acceptConnections(asio::io_context& io, tcp::acceptor& acceptor, std::shared_ptr<ConnectionLimiter> limiter,
                       std::string what, ServeLimitedConnection serve, std::string refusal) {
  asio::co_spawn(io,
                 acceptLoop(io, acceptor, std::move(limiter), std::move(what), std::move(serve), std::move(refusal)),
                 asio::detached);
}

void acceptConnections(asio::io_context& io, tcp::acceptor& acceptor, ServeConnection serve) {
  auto unlimited = [serve = std::move(serve)](tcp::socket socket, std::shared_ptr<ConnectionSlot>) {
    return serve(std::move(socket));
  };
  asio::co_spawn(io, acceptLoop(io, acceptor, nullptr, {}, std::move(unlimited), {}), asio::detached);
}

}  // namespace spe
