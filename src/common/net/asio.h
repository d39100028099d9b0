// Shared Boost.Asio/Beast aliases and the coroutine helpers every network
// component uses. Asio and Beast are compiled once in asio_impl.cpp.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>  // what files including this one used beside the stream
#include <exception>
#include <string>
#include <type_traits>

#include "common/base/result.h"
#include "common/net/openssl_stream.h"

namespace spe {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
// TLS over TCP everywhere (openssl_stream.h says why not asio::ssl::stream).
using TlsStream = OpenSslStream;
using ErrorCodeT = boost::system::error_code;

// Opens, binds and listens `acceptor` on address:port (port 0 = any free
// port); returns the bound port. `what` names the listener in errors.
Result<std::uint16_t> bindAcceptor(tcp::acceptor& acceptor, const std::string& address, std::uint16_t port,
                                   const std::string& what);

// Runs `fn` (which may block: database, file system) on `pool` and resumes
// the awaiting coroutine on its own executor with fn's result:
//   T value = co_await offload<T>(pool, std::move(fn));
// Not itself a coroutine (GCC 12 mishandles lambda temporaries passed to
// coroutines): it returns the awaitable of an Asio async operation.
//
// offloadedCall: calls `fn`; an exception it throws becomes an internal error value, so
// that no request can end a process through a pool thread.
template <typename T, typename Fn>
T offloadedCall(Fn&& fn) {
  if constexpr (!std::is_constructible_v<T, Error>) {
    return fn();  // only for work that cannot throw; prefer a Result or a Status
  } else {
    try {
      return fn();
    } catch (const std::exception& e) {
      return T(makeError(ErrorCode::kInternal, std::string("The request failed on the server (") + e.what() + ")."));
    } catch (...) {
      return T(makeError(ErrorCode::kInternal, "The request failed on the server."));
    }
  }
}

template <typename T, typename Fn>
auto offload(asio::thread_pool& pool, Fn fn) {
  return asio::async_initiate<decltype(asio::use_awaitable), void(T)>(
      [&pool](auto handler, Fn f) {
        auto ex = asio::get_associated_executor(handler);
        asio::post(pool, [ex, f = std::move(f), handler = std::move(handler)]() mutable {
          T result = offloadedCall<T>(f);
          asio::post(ex, [handler = std::move(handler), result = std::move(result)]() mutable {
            std::move(handler)(std::move(result));
          });
        });
      },
      asio::use_awaitable, std::move(fn));
}

}  // namespace spe
