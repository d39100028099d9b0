#include "instancehost/instance/access/web/web_stream.h"

#include <boost/asio/steady_timer.hpp>

#include "common/rpc/rpc.h"
#include "common/rpc/stream_frames.h"

namespace spe::instance {
namespace {

constexpr std::size_t kMaxRequestFrame = 1024 * 1024;  // the CAS takes request bodies up to 64 KiB
constexpr auto kIdleTimeout = std::chrono::seconds(60);

auto handleOnPool(asio::thread_pool& pool, WebApi& web, Json request) {
  return offload<Result<Json>>(pool,
                               [&web, request = std::move(request)]() -> Result<Json> { return web.handle(request); });
}

asio::awaitable<void> serve(std::shared_ptr<ByteStream> stream, Json id, WebApi& web, asio::thread_pool& pool) {
  ErrorCodeT ec;
  // Named, not a temporary: GCC 12 miscompiles initializer lists across co_await.
  Json opened = Json::object();
  opened["id"] = id;
  opened["result"] = Json::object();
  co_await writeFrame(*stream, opened, ec);
  if (ec) {
    stream->close();
    co_return;
  }
  FrameReader reader(kMaxRequestFrame);
  asio::steady_timer idle(stream->executor());
  for (;;) {
    idle.expires_after(kIdleTimeout);
    closeOnExpiry(idle, stream);  // ends the read below
    auto frame = co_await reader.next(*stream);
    idle.cancel();
    if (!frame) break;
    const Json request_id = frame->contains("id") ? (*frame)["id"] : Json();
    Json reply = Json::object();
    reply["id"] = request_id;
    const auto method = frame->find("method");
    const auto params = frame->find("params");
    if (method == frame->end() || !method->is_string() || *method != "web" || params == frame->end() ||
        !params->is_object()) {
      reply["error"] = rpcErrorToJson(makeError(ErrorCode::kProtocol, "A web stream carries only 'web' requests."));
      co_await writeFrame(*stream, reply, ec);
      break;
    }
    auto answer = co_await handleOnPool(pool, web, *params);
    if (answer) reply["result"] = std::move(*answer);
    else reply["error"] = rpcErrorToJson(answer.error());
    co_await writeFrame(*stream, reply, ec);
    if (ec) break;
  }
  stream->close();
}

}  // namespace

void serveWebStream(std::shared_ptr<ByteStream> stream, Json id, WebApi& web, asio::thread_pool& pool) {
  auto ex = stream->executor();
  asio::co_spawn(ex, serve(std::move(stream), std::move(id), web, pool), asio::detached);
}

}  // namespace spe::instance
