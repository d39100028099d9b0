#include "common/accept.h"

namespace spe {
namespace {

asio::awaitable<void> acceptLoop(asio::io_context& io, tcp::acceptor& acceptor, ServeConnection serve) {
  for (;;) {
    ErrorCodeT ec;
    tcp::socket socket(asio::make_strand(io));
    co_await acceptor.async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec) continue;
    socket.set_option(tcp::no_delay(true), ec);  // small answers must not wait for delayed ACKs
    auto ex = socket.get_executor();
    asio::co_spawn(ex, serve(std::move(socket)), asio::detached);
  }
}

}  // namespace

void acceptConnections(asio::io_context& io, tcp::acceptor& acceptor, ServeConnection serve) {
  asio::co_spawn(io, acceptLoop(io, acceptor, std::move(serve)), asio::detached);
}

}  // namespace spe
