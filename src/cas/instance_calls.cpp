#include "cas/instance_calls.h"

#include <boost/asio/steady_timer.hpp>
#include <limits>

#include "common/rpc/rpc.h"
#include "common/rpc/stream_body.h"
#include "common/rpc/stream_frames.h"

namespace spe::cas {
namespace {

ConnectionLimits perKey(std::size_t cap) { return ConnectionLimits{cap, std::numeric_limits<std::size_t>::max()}; }

constexpr std::size_t kIdleStreamsTotal = 1024;
constexpr auto kIdleStreamLimit = std::chrono::seconds(30);  // the instance ends one after 60 s

std::string poolKey(const InstanceRoute& route) {
  return route.instance_id + "@" + route.host + ":" + std::to_string(route.port);
}

}  // namespace

WebBody::~WebBody() {
  if (!ended_) stream_.stream->close();  // abandoned half way: the stream is out of step
}

asio::awaitable<Result<std::optional<std::string>>> WebBody::next() {
  if (ended_) co_return std::optional<std::string>();
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(timeout_);
  auto timed_out = std::make_shared<bool>(false);
  closeOnExpiry(timer, stream_.stream, timed_out);
  auto piece = co_await readBodyPiece(*stream_.reader, *stream_.stream);
  timer.cancel();
  if (*timed_out) co_return makeError(ErrorCode::kTimeout, "No part of the download came in time.");
  if (!piece) co_return piece.error();
  if (!*piece) {
    ended_ = true;
    pool_.give(key_, std::move(stream_));
  }
  co_return piece;
}

InstanceCalls::InstanceCalls(InstanceCallLimits limits)
    : limits_(limits),
      gate_(std::make_shared<WebGate>(limits.web_requests, limits.web_waiting)),
      downloads_(std::make_shared<WebGate>(limits.web_downloads, limits.web_waiting)),
      streams_(limits.web_requests, kIdleStreamsTotal, kIdleStreamLimit),
      imap_(std::make_shared<ConnectionLimiter>(perKey(limits.imap_logins))) {}

asio::awaitable<Result<Json>> InstanceCalls::exchange(PooledStream& stream, const Json& request,
                                                      std::chrono::steady_clock::time_point deadline, bool* timed_out) {
  auto expired = std::make_shared<bool>(false);
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_at(deadline);
  closeOnExpiry(timer, stream.stream, expired);  // closing the stream ends the wait
  ErrorCodeT ec;
  Json frame = Json::object();  // no initializer lists across co_await (GCC 12)
  frame["id"] = 1;
  frame["method"] = "web";
  frame["params"] = request;
  co_await writeFrame(*stream.stream, frame, ec);
  Result<Json> answer = makeError(ErrorCode::kUnavailable, "The request could not be sent: " + ec.message());
  if (!ec) answer = co_await stream.reader->next(*stream.stream);
  timer.cancel();
  *timed_out = *expired;
  co_return answer;
}

asio::awaitable<Result<WebCall>> InstanceCalls::web(InstanceRoute route, Json request, bool download) {
  const auto deadline = std::chrono::steady_clock::now() + limits_.timeout;
  bool waited = false;
  auto& gate = download ? downloads_ : gate_;
  auto permit = co_await gate->enter(route.instance_id, deadline, &waited);
  if (!permit) {
    const char* what = download ? " downloads" : " Web Access requests";
    if (waited) {
      co_return makeError(ErrorCode::kTimeout, "Instance " + route.instance_id + " did not take the" +
                                                   (download ? std::string(" download") : std::string(" request")) +
                                                   " within " + std::to_string(limits_.timeout.count()) + " s.");
    }
    const std::size_t places = (download ? limits_.web_downloads : limits_.web_requests) + limits_.web_waiting;
    co_return makeError(
        ErrorCode::kResourceExhausted,
        "Instance " + route.instance_id + " has " + std::to_string(places) + what + " of this CAS already.",
        download ? "downloads" : "");
  }
  // How long this CAS waits for the answer: work past it is for nobody (web_export.h).
  request["timeoutMs"] = std::max<std::int64_t>(
      1, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count());
  const std::string key = poolKey(route);
  Result<Json> answer = makeError(ErrorCode::kUnavailable, "No stream to the instance.");
  PooledStream stream;
  bool timed_out = false;
  // A reused stream may have been closed by the instance meanwhile: then once more on a new one.
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto idle = attempt == 0 ? streams_.take(key) : std::nullopt;
    const bool reused = idle.has_value();
    if (idle) {
      stream = std::move(*idle);
    } else {
      Json params = Json::object();
      params["instanceID"] = route.instance_id;
      params["service"] = "web";
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                              std::chrono::steady_clock::now());
      auto opened = co_await openTlsStream(*route.context, route.host, route.port, std::move(params),
                                           std::max(left, std::chrono::milliseconds(1)));
      if (!opened) co_return opened.error();
      stream = PooledStream{std::move(*opened), std::make_shared<FrameReader>(FrameParser::kDefaultMaxFrame)};
    }
    answer = co_await exchange(stream, request, deadline, &timed_out);
    if (answer || timed_out || !reused || answer.error().code != ErrorCode::kUnavailable) break;
    stream.stream->close();
  }
  if (timed_out) {
    stream.stream->close();
    co_return makeError(ErrorCode::kTimeout, "No answer from instance " + route.instance_id + " within " +
                                                 std::to_string(limits_.timeout.count()) + " s.");
  }
  if (!answer) {
    stream.stream->close();
    co_return answer.error();
  }
  const auto result = answer->find("result");
  if (answer->contains("error") || result == answer->end() || !result->is_object()) {
    stream.stream->close();
    if (answer->contains("error")) co_return rpcErrorFromJson((*answer)["error"]);
    co_return makeError(ErrorCode::kProtocol, "Instance " + route.instance_id + " sent a malformed answer.");
  }
  WebCall call;
  call.answer = std::move(*result);
  if (boolField(call.answer, "streamed", false).value_or(false)) {
    // The body keeps the place (a download's, or the request's) until it is gone.
    call.body = std::make_unique<WebBody>(std::move(stream), key, streams_, limits_.timeout, std::move(permit));
  } else {
    streams_.give(key, std::move(stream));
  }
  co_return call;
}

}  // namespace spe::cas
