// Accepting TCP connections for the daemons' listeners: each accepted
// socket gets its own strand and TCP_NODELAY, and `serve` (a coroutine)
// runs for it on that strand. Stops when the acceptor is closed.
#pragma once

#include <functional>

#include "common/asio.h"

namespace spe {

using ServeConnection = std::function<asio::awaitable<void>(tcp::socket)>;

// Spawns the accept loop on `io`.
void acceptConnections(asio::io_context& io, tcp::acceptor& acceptor, ServeConnection serve);

}  // namespace spe
