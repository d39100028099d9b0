#include "instancehost/instance/access/web/web_stream.h"

#include <boost/asio/steady_timer.hpp>

#include "common/base/logging.h"
#include "common/rpc/rpc.h"
#include "common/rpc/stream_body.h"
#include "common/rpc/stream_frames.h"

namespace spe::instance {
namespace {

constexpr std::size_t kMaxRequestFrame = 1024 * 1024;  // the CAS takes request bodies up to 64 KiB
constexpr auto kIdleTimeout = std::chrono::seconds(60);

auto handleOnPool(asio::thread_pool& pool, WebApi& web, Json request) {
  return offload<Result<WebApi::Reply>>(
      pool, [&web, request = std::move(request)]() -> Result<WebApi::Reply> { return web.handle(request); });
}

auto nextPieceOnPool(asio::thread_pool& pool, const WebApi::Body& body) {
  return offload<Result<std::optional<std::string>>>(pool, [&body] { return body(); });
}

// Sends a download's bytes after its answer; false when the stream broke
// (a failure of the body itself is sent as the body's end).
asio::awaitable<bool> sendBody(ByteStream& stream, const WebApi::Body& body, asio::thread_pool& pool) {
  ErrorCodeT ec;
  for (;;) {
    auto piece = co_await nextPieceOnPool(pool, body);
    if (!piece) {
      logger("web")->error("Web Access download failed: {}", piece.error().message);
      co_await writeBodyEnd(stream, &piece.error(), ec);
      co_return false;  // the CAS ends the transfer; this stream is done too
    }
    if (!*piece) break;
    co_await writeBodyPiece(stream, **piece, ec);
    if (ec) co_return false;
  }
  co_await writeBodyEnd(stream, nullptr, ec);
  co_return !ec;
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
    WebApi::Body body;
    if (answer) {
      reply["result"] = std::move(answer->answer);
      body = std::move(answer->body);
    } else {
      reply["error"] = rpcErrorToJson(answer.error());
    }
    co_await writeFrame(*stream, reply, ec);
    if (ec) break;
    if (body && !co_await sendBody(*stream, body, pool)) break;
  }
  stream->close();
}

}  // namespace

void serveWebStream(std::shared_ptr<ByteStream> stream, Json id, WebApi& web, asio::thread_pool& pool) {
  auto ex = stream->executor();
  asio::co_spawn(ex, serve(std::move(stream), std::move(id), web, pool), asio::detached);
}

}  // namespace spe::instance
