// Accepting TCP connections for the daemons' listeners: each accepted
// socket gets its own strand and TCP_NODELAY, and `serve` (a coroutine)
// runs for it on that strand. Stops when the acceptor is closed.
// With a ConnectionLimiter, a connection over its caps of connections not
// yet authenticated is closed at once (after `refusal`, best effort, for
// plain-text protocols), and the others get their slot.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "common/net/asio.h"
#include "common/net/connection_limits.h"

namespace spe {

using ServeConnection = std::function<asio::awaitable<void>(tcp::socket)>;

// Spawns the accept loop on `io`.
void acceptConnections(asio::io_context& io, tcp::acceptor& acceptor, ServeConnection serve);

using ServeLimitedConnection = std::function<asio::awaitable<void>(tcp::socket, std::shared_ptr<ConnectionSlot>)>;
// `what` names the listener in the (rate-limited) log line about refusals.
void acceptConnections(asio::io_context& io, tcp::acceptor& acceptor, std::shared_ptr<ConnectionLimiter> limiter,
                       std::string what, ServeLimitedConnection serve, std::string refusal = {});

}  // namespace spe
