#include "cas/instance_calls.h"

#include <boost/asio/steady_timer.hpp>
#include <limits>

#include "common/rpc/rpc.h"
#include "common/rpc/stream_frames.h"

namespace spe::cas {
namespace {

ConnectionLimits perKey(std::size_t cap) { return ConnectionLimits{cap, std::numeric_limits<std::size_t>::max()}; }

}  // namespace

InstanceCalls::InstanceCalls(InstanceCallLimits limits)
    : limits_(limits),
      web_(std::make_shared<ConnectionLimiter>(perKey(limits.web_requests))),
      imap_(std::make_shared<ConnectionLimiter>(perKey(limits.imap_logins))) {}

asio::awaitable<Result<Json>> InstanceCalls::web(InstanceRoute route, Json request) {
  const auto deadline = std::chrono::steady_clock::now() + limits_.timeout;
  Json params = Json::object();  // no initializer lists across co_await (GCC 12)
  params["instanceID"] = route.instance_id;
  params["service"] = "web";
  auto opened = co_await openTlsStream(*route.context, route.host, route.port, std::move(params), limits_.timeout);
  if (!opened) co_return opened.error();
  std::shared_ptr<ByteStream> stream = std::move(*opened);
  // The rest of the time for the answer: closing the stream ends the wait.
  auto timed_out = std::make_shared<bool>(false);
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_at(deadline);
  closeOnExpiry(timer, stream, timed_out);
  ErrorCodeT ec;
  Json frame = Json::object();
  frame["id"] = 1;
  frame["method"] = "web";
  frame["params"] = std::move(request);
  co_await writeFrame(*stream, frame, ec);
  Result<Json> answer = makeError(ErrorCode::kUnavailable, "The request could not be sent: " + ec.message());
  if (!ec) {
    FrameReader reader(FrameParser::kDefaultMaxFrame);
    answer = co_await reader.next(*stream);
  }
  timer.cancel();
  stream->close();
  if (*timed_out) {
    co_return makeError(ErrorCode::kTimeout, "No answer from instance " + route.instance_id + " within " +
                                                 std::to_string(limits_.timeout.count()) + " s.");
  }
  if (!answer) co_return answer.error();
  if (answer->contains("error")) co_return rpcErrorFromJson((*answer)["error"]);
  const auto result = answer->find("result");
  if (result == answer->end() || !result->is_object()) {
    co_return makeError(ErrorCode::kProtocol, "Instance " + route.instance_id + " sent a malformed answer.");
  }
  co_return std::move(*result);
}

}  // namespace spe::cas
