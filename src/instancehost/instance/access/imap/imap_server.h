// The instance's IMAP server (RFC 3501, read-only), reached only through
// the CAS: the CAS handles the pre-authentication dialogue and opens a
// stream (stream.open, service "imap") with the user's credentials; the
// instance checks them here (password, the "imap" login privilege, safe
// mode) before it answers, and the session starts authenticated.
//
// Commands: CAPABILITY, NOOP, LOGOUT, ID, NAMESPACE, LIST, LSUB, STATUS,
// SELECT and EXAMINE (both read-only), CHECK, CLOSE, UNSELECT, FETCH,
// SEARCH and their UID forms, IDLE (new mail is announced while idling,
// within `idle_poll`; other changes when it ends).
// Writing commands (APPEND, STORE, COPY, MOVE, EXPUNGE, CREATE, DELETE,
// RENAME, SUBSCRIBE, UNSUBSCRIBE) answer NO: the archive is read-only.
// A session ends after 30 minutes without a command (RFC 3501's minimum
// autologout).
// Thread safety: each session runs on its stream's executor; database and
// store work goes to `pool`.
#pragma once

#include <chrono>
#include <memory>

#include "common/rpc/byte_stream.h"
#include "instancehost/instance/api/context.h"

namespace spe::instance {

struct ImapServerOptions {
  std::chrono::seconds autologout{30 * 60};
  std::chrono::seconds idle_poll{5};  // how often an idle session looks for new mail
  bool safe_mode = false;
};

class ImapServer {
 public:
  ImapServer(InstanceContext& ctx, asio::thread_pool& pool, ImapServerOptions options)
      : ctx_(ctx), pool_(pool), options_(options) {}

  // stream.open with {service:"imap", userName, password, clientAddress}:
  // answers `id` and serves the session, or answers an error and closes.
  void accept(std::shared_ptr<ByteStream> stream, const Json& params, Json id);

 private:
  InstanceContext& ctx_;
  asio::thread_pool& pool_;
  ImapServerOptions options_;
};

}  // namespace spe::instance
