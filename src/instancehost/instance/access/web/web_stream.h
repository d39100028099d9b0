// Web Access requests on a stream: a CAS opens a stream to the instance
// (stream.open with service "web", through the Instance Host, which only
// copies bytes) and sends each request as an RPC frame
// {id, method:"web", params:<request>}; the instance answers each with
// {id, result} or {id, error}, in order (web_api.h has the request and
// the answer). A download's answer is followed by its bytes as a body
// (common/rpc/stream_body.h), read from the store piece by piece on `pool`;
// the next request comes after the body's end. A CAS keeps a stream open
// for further requests; it ends when the CAS closes it or after 60 s
// without a request.
// Why a stream and not an RPC call: every hop of a stream is asynchronous,
// so a Web Access request waiting for a slow or stopped instance holds no
// thread of the CAS or the Instance Host, only a connection.
// Thread safety: the session runs on the stream's executor; WebApi::handle
// runs on `pool`. `web` and `pool` must outlive the stream.
#pragma once

#include <memory>

#include "common/base/json_reader.h"
#include "common/rpc/byte_stream.h"
#include "instancehost/instance/access/web/web_api.h"

namespace spe::instance {

// Answers the stream.open request `id` and serves the stream.
void serveWebStream(std::shared_ptr<ByteStream> stream, Json id, WebApi& web, asio::thread_pool& pool);

}  // namespace spe::instance
