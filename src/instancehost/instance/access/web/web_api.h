// WebApi: the instance's Web Access back end. The CAS serves the web
// application and passes each API request on, on a stream through the
// Instance Host (web_stream.h); this answers it.
//
// Request {op, body, session, csrf, clientAddress}; answer {status, body}
// (JSON), or {status, file:{name, contentType, size}, streamed:true} for
// downloads, whose bytes follow the answer as a body (WebReply::body,
// common/rpc/stream_body.h), with {setSession} after a login and
// {clearSession} after a logout.
// Operations: login {userName, password} (the "web" login privilege; with
// multi-factor login on, a second step loginMfa {ticket, code, trustDevice}
// follows, and {setDevice} asks the CAS to keep a trusted device's cookie,
// which comes back as the request's "device": web_account.h) or
// {oneTimePassword} ("$archiveadmin", who sees the folders but may not
// search or read messages), the Settings page's operations (settings,
// changePassword, mfaBegin, mfaConfirm, appPasswordCreate, appPasswordDelete),
// logout, session (who is logged in, and the CSRF token), folders (the
// IMAP view's names, and the tree Web Access shows: web_folders.h), search
// (web_search.h), thread (a message's conversation: web_conversation.h),
// message {storeID,
// messageID}, download {storeID, messageID} (.eml), attachment {storeID,
// messageID, index}, export and exportDownload (web_export.h), restore,
// restoreStatus and restoreCancel (web_restore.h); message
// {remoteImages: true} shows remote images through the CAS, and
// remoteImage {token} (no session: the token is the capability) tells the
// CAS which address a token stands for (remote_image_links.h).
// Sessions (web_sessions.h) end after 30 minutes without a request, end at
// once when the user is deleted or renamed, its password changes or it loses
// the "web" login privilege, and carry a CSRF token that every operation but
// login and session must present. Every message is checked against the
// archives the user may read at the time of the request. A refusal is
// {error, code, params} with a stable code (web_failure.h).
// Thread safety: handle() may run on several threads at once.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "instancehost/instance/access/end_user_login.h"
#include "instancehost/instance/access/web/remote_image_links.h"
#include "instancehost/instance/access/web/web_account.h"
#include "instancehost/instance/access/web/web_export.h"
#include "instancehost/instance/access/web/web_restore.h"
#include "instancehost/instance/access/web/web_sessions.h"
#include "instancehost/instance/api/context.h"

namespace spe::instance {

class WebApi {
 public:
  WebApi(InstanceContext& ctx, bool safe_mode, WebRestoreOptions restore = {},
         std::chrono::seconds idle_timeout = std::chrono::minutes(30), Clock& clock = systemClock())
      : ctx_(ctx),
        safe_mode_(safe_mode),
        sessions_(clock, idle_timeout),
        account_(ctx, sessions_, clock),
        exports_(ctx, clock),
        remote_images_(clock),
        restores_(ctx, clock, std::move(restore)) {}

  // The bytes of a download, piece by piece: the next piece (any size; the
  // stream cuts it), nullopt at the end. Called on a pool thread, one call
  // at a time.
  using Body = std::function<Result<std::optional<std::string>>()>;
  struct Reply {
    Json answer;
    Body body;  // null: nothing follows the answer
  };
  Result<Reply> handle(const Json& request);

  // A one-time password for "$archiveadmin" (CreateClientOneTimeUrlForArchiveAdmin):
  // single use, valid 5 minutes, kept only as a hash. revoke() forgets every
  // one (archive admin access was disabled).
  std::string createArchiveAdminPassword();
  void revokeArchiveAdminPasswords();
  // Stops the Web Access restores (web_restore.h) and refuses new ones.
  void stopRestores() { restores_.stopAll(); }
  // Web Access sessions open now (idle ones count until they are swept).
  std::size_t sessionCount() const { return sessions_.size(); }

 private:
  using Session = WebSessions::Session;
  // The session's user, or nullopt (expired, unknown, or ended because the
  // user was deleted or renamed, the password changed or the "web" login
  // privilege was removed: recheckEndUserSession).
  std::optional<Session> session(const std::string& token);

  Json login(const Json& body, const std::string& client, const std::string& device);
  Result<Json> search(const Session& s, const Json& body);
  Result<Json> folders(const Session& s);
  Result<Json> respond(const Json& request, Body& body);
  Result<Json> message(const Session& s, const Json& body, const std::string& op, Body& out);

  InstanceContext& ctx_;
  bool safe_mode_;
  WebSessions sessions_;
  WebAccount account_;
  WebExports exports_;
  RemoteImageLinks remote_images_;
  WebRestores restores_;  // last: its destructor stops the restores before the rest goes
};

}  // namespace spe::instance
